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
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('console.feed'))`);
      const inserted = (await tx.query(
        `INSERT INTO console.feed (event_id, type, occurred_at, conversation_id, line_id, line_ids, data)
         VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7::jsonb)
         ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
        [row.eventId, row.type, row.occurredAt, row.conversationId, row.lineId, row.lineIds, JSON.stringify(row.data)],
      )) as Array<{ seq: string }>;
      const seq = inserted[0]?.seq;
      if (seq === undefined) return undefined;
      await tx.query(`SELECT pg_notify($1, $2)`, [FEED_CHANNEL, seq]);
      return Number(seq);
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
    await this.db.query(
      `INSERT INTO console.conversation_lines (conversation_id, line_id, contact_id) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET line_id = EXCLUDED.line_id, contact_id = EXCLUDED.contact_id`,
      [conversationId, lineId, contactId],
    );
  }

  async conversationLine(conversationId: string): Promise<{ lineId: string; contactId: string } | undefined> {
    const rows = (await this.db.query(`SELECT line_id, contact_id FROM console.conversation_lines WHERE conversation_id = $1`, [
      conversationId,
    ])) as Array<{ line_id: string; contact_id: string }>;
    const row = rows[0];
    return row ? { lineId: row.line_id, contactId: row.contact_id } : undefined;
  }

  async contactLines(contactId: string): Promise<string[]> {
    const rows = (await this.db.query(`SELECT DISTINCT line_id FROM console.conversation_lines WHERE contact_id = $1`, [contactId])) as Array<{
      line_id: string;
    }>;
    return rows.map((r) => r.line_id);
  }
}
