import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FeedRow, NewFeedRow } from './feed.model';

/** NOTIFY channel every replica LISTENs on; the payload is the new row's seq. */
export const FEED_CHANNEL = 'console_feed';

interface FeedRowSql {
  seq: string;
  event_id: string;
  type: string;
  occurred_at: Date;
  conversation_id: string | null;
  line_id: string | null;
  line_ids: string[];
  data: Record<string, unknown>;
}

function toRow(r: FeedRowSql): FeedRow {
  return {
    seq: Number(r.seq),
    eventId: r.event_id,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    conversationId: r.conversation_id,
    lineId: r.line_id,
    lineIds: r.line_ids,
    data: r.data,
  };
}

/** console.feed and the membership copies it is filtered with. I/O only. */
@Injectable()
export class FeedRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Appends an event unless its id is already there; returns the new seq, or undefined for a duplicate.
   * Appends are serialised by a transaction-scoped advisory lock, so seq order is commit order: a reader that
   * has seen seq N has seen every row below N (no row can appear behind a reader's cursor), across replicas.
   */
  async append(row: NewFeedRow): Promise<number | undefined> {
    const [seq] = await this.appendMany([row]);
    return seq;
  }

  /**
   * Appends events in the given order (seq follows it) in one transaction, skipping ids already there (also
   * within the batch); returns the new seqs. One NOTIFY with the highest.
   */
  async appendMany(rows: readonly NewFeedRow[]): Promise<number[]> {
    if (rows.length === 0) return [];
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('console.feed'))`);
      // WITH ORDINALITY + ORDER BY: rows are inserted, and numbered, in the batch's order.
      const inserted = (await tx.query(
        `INSERT INTO console.feed (event_id, type, occurred_at, conversation_id, line_id, line_ids, data)
         SELECT (r->>'eventId')::uuid, r->>'type', (r->>'occurredAt')::timestamptz, (r->>'conversationId')::uuid,
                (r->>'lineId')::uuid, ARRAY(SELECT jsonb_array_elements_text(r->'lineIds'))::uuid[], r->'data'
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n)
          ORDER BY n
         ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
        [JSON.stringify(rows)],
      )) as Array<{ seq: string }>;
      const seqs = inserted.map((r) => Number(r.seq)).sort((a, b) => a - b);
      const last = seqs[seqs.length - 1];
      if (last !== undefined) await tx.query(`SELECT pg_notify($1, $2)`, [FEED_CHANNEL, String(last)]);
      return seqs;
    });
  }

  async after(seq: number, limit: number): Promise<FeedRow[]> {
    const rows = (await this.db.query(`SELECT * FROM console.feed WHERE seq > $1 ORDER BY seq LIMIT $2`, [seq, limit])) as FeedRowSql[];
    return rows.map(toRow);
  }

  async lastSeq(): Promise<number> {
    const rows = (await this.db.query(`SELECT coalesce(max(seq), 0) AS seq FROM console.feed`)) as Array<{ seq: string }>;
    return Number(rows[0]?.seq ?? 0);
  }

  /** Members of the given lines, line id → operator ids. */
  async membersOf(lineIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (lineIds.length === 0) return out;
    const rows = (await this.db.query(`SELECT line_id, operator_id FROM console.line_members WHERE line_id = ANY($1::uuid[])`, [
      lineIds,
    ])) as Array<{ line_id: string; operator_id: string }>;
    for (const r of rows) {
      const set = out.get(r.line_id) ?? new Set<string>();
      set.add(r.operator_id);
      out.set(r.line_id, set);
    }
    return out;
  }

  async replaceLineMembers(lineId: string, operatorIds: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM console.line_members WHERE line_id = $1`, [lineId]);
      if (operatorIds.length > 0) {
        await tx.query(
          `INSERT INTO console.line_members (line_id, operator_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
          [lineId, operatorIds],
        );
      }
    });
  }

  async rememberConversation(conversationId: string, lineId: string, contactId: string): Promise<void> {
    await this.rememberConversations([{ conversationId, lineId, contactId }]);
  }

  /** Records each conversation's line and contact (the last one given wins for a conversation listed twice). */
  async rememberConversations(list: ReadonlyArray<{ conversationId: string; lineId: string; contactId: string }>): Promise<void> {
    const latest = new Map(list.map((c) => [c.conversationId, c]));
    if (latest.size === 0) return;
    const rows = [...latest.values()];
    await this.db.query(
      `INSERT INTO console.conversation_lines (conversation_id, line_id, contact_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])
       ON CONFLICT (conversation_id) DO UPDATE SET line_id = EXCLUDED.line_id, contact_id = EXCLUDED.contact_id`,
      [rows.map((r) => r.conversationId), rows.map((r) => r.lineId), rows.map((r) => r.contactId)],
    );
  }

  async conversationLine(conversationId: string): Promise<{ lineId: string; contactId: string } | undefined> {
    return (await this.conversationLines([conversationId])).get(conversationId);
  }

  /** Line and contact of each known conversation among `ids`. */
  async conversationLines(ids: readonly string[]): Promise<Map<string, { lineId: string; contactId: string }>> {
    const out = new Map<string, { lineId: string; contactId: string }>();
    if (ids.length === 0) return out;
    const rows = (await this.db.query(`SELECT conversation_id, line_id, contact_id FROM console.conversation_lines WHERE conversation_id = ANY($1::uuid[])`, [
      ids,
    ])) as Array<{ conversation_id: string; line_id: string; contact_id: string }>;
    for (const r of rows) out.set(r.conversation_id, { lineId: r.line_id, contactId: r.contact_id });
    return out;
  }

  async contactLines(contactId: string): Promise<string[]> {
    const rows = (await this.db.query(`SELECT DISTINCT line_id FROM console.conversation_lines WHERE contact_id = $1`, [contactId])) as Array<{
      line_id: string;
    }>;
    return rows.map((r) => r.line_id);
  }
}
