import type { ChannelType, SendReply } from '@parley/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/** NOTIFY channel: "there may be new work" for every replica. */
export const WORK_CHANNEL = 'parley_dispatcher_work';

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** A reply to deliver, as recorded from ReplyRequested. */
export interface NewDelivery {
  replyId: string;
  conversationId: string;
  channelId: string;
  channelType: ChannelType;
  externalChatId: string;
  payload: SendReply;
  correlationId: string;
  /** The ReplyRequested envelope id (causation of the outcome events). */
  causationId: string;
}

/** A reply claimed for one send attempt. */
export interface ClaimedDelivery extends NewDelivery {
  seq: string;
  attempts: number;
  attachmentCount: number;
  recordedAt: Date;
  claimToken: string;
}

export interface ClaimRequest {
  limit: number;
  /** Sends each busy channel may start now (rate limits). */
  allowances: Record<string, number>;
  /** Per channel type, for channels not in `allowances`. */
  bursts: Record<string, number>;
  claimToken: string;
  leaseMs: number;
}

interface ClaimedRow {
  reply_id: string;
  seq: string;
  conversation_id: string;
  channel_id: string;
  channel_type: ChannelType;
  external_chat_id: string;
  payload: SendReply;
  attachment_count: number;
  correlation_id: string;
  causation_id: string;
  attempts: number;
  recorded_at: Date;
}

/** Open replies that wait for no earlier reply of their conversation. */
const IS_HEAD = `NOT EXISTS (
  SELECT 1 FROM dispatcher.deliveries e
  WHERE e.conversation_id = d.conversation_id AND e.seq < d.seq AND e.status IN ('pending', 'sending'))`;

/**
 * The `deliveries` table. SQL only, no rules: the worker decides, this stores.
 */
export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a reply once (idempotent by reply id); true when it was new. Wakes every replica's worker. */
  async record(delivery: NewDelivery): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO dispatcher.deliveries
           (reply_id, conversation_id, channel_id, channel_type, external_chat_id, payload, attachment_count, correlation_id, causation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (reply_id) DO NOTHING
         RETURNING reply_id)
       SELECT reply_id, pg_notify('${WORK_CHANNEL}', '') FROM inserted`,
      [
        delivery.replyId,
        delivery.conversationId,
        delivery.channelId,
        delivery.channelType,
        delivery.externalChatId,
        JSON.stringify(delivery.payload),
        delivery.payload.attachments.length,
        delivery.correlationId,
        delivery.causationId,
      ],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Claims due replies that are the head of their conversation, at most `allowances[channel]` per channel, oldest
   * first, skipping rows another replica holds. Claimed rows become `sending` with a lease (`next_attempt_at`)
   * and one more attempt.
   */
  async claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const rows = (await this.dataSource.query(
      `WITH due AS (
         SELECT d.reply_id, row_number() OVER (PARTITION BY d.channel_id ORDER BY d.seq) AS rn, d.channel_id, d.channel_type
         FROM dispatcher.deliveries d
         WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= now() AND ${IS_HEAD}
       ), picked AS (
         SELECT d.reply_id
         FROM dispatcher.deliveries d JOIN due ON due.reply_id = d.reply_id
         WHERE due.rn <= COALESCE(($2::jsonb ->> due.channel_id::text)::int, ($3::jsonb ->> due.channel_type)::int, 1)
           AND d.status IN ('pending', 'sending') AND d.next_attempt_at <= now()
         ORDER BY d.seq
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE dispatcher.deliveries d
       SET status = 'sending', attempts = d.attempts + 1, claim_token = $4,
           next_attempt_at = now() + $5 * interval '1 millisecond'
       FROM picked WHERE d.reply_id = picked.reply_id
       RETURNING d.reply_id, d.seq::text AS seq, d.conversation_id, d.channel_id, d.channel_type, d.external_chat_id, d.payload,
                 d.attachment_count, d.correlation_id, d.causation_id, d.attempts, d.recorded_at`,
      [request.limit, JSON.stringify(request.allowances), JSON.stringify(request.bursts), request.claimToken, request.leaseMs],
    )) as [ClaimedRow[], number] | ClaimedRow[];
    const list = isUpdateResult(rows) ? rows[0] : rows;
    return list
      .map((r) => ({
        replyId: r.reply_id,
        seq: r.seq,
        conversationId: r.conversation_id,
        channelId: r.channel_id,
        channelType: r.channel_type,
        externalChatId: r.external_chat_id,
        payload: r.payload,
        attachmentCount: r.attachment_count,
        correlationId: r.correlation_id,
        causationId: r.causation_id,
        attempts: r.attempts,
        recordedAt: r.recorded_at,
        claimToken: request.claimToken,
      }))
      .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  /** Ms until the next conversation head becomes due, ignoring `exhaustedChannels`; undefined when none is open. */
  async msUntilNextDue(exhaustedChannels: readonly string[]): Promise<number | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (min(d.next_attempt_at) - now())) * 1000 AS ms
       FROM dispatcher.deliveries d
       WHERE d.status IN ('pending', 'sending') AND NOT (d.channel_id = ANY($1::uuid[])) AND ${IS_HEAD}`,
      [exhaustedChannels],
    )) as Array<{ ms: string | number | null }>;
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Math.max(0, Number(ms));
  }

  /** Marks a claimed reply delivered; false when the claim was lost (lease passed and another replica took it). */
  async markDelivered(manager: EntityManager, claim: ClaimedDelivery, externalMessageId: string): Promise<boolean> {
    return this.finish(
      manager,
      claim,
      `status = 'delivered', external_message_id = $3, finished_at = now(), claim_token = NULL`,
      [externalMessageId],
    );
  }

  async markFailed(
    manager: EntityManager,
    claim: ClaimedDelivery,
    error: { code: string; reason: string; messengerErrorCode: string | undefined },
  ): Promise<boolean> {
    return this.finish(
      manager,
      claim,
      `status = 'failed', last_error_code = $3, last_error = $4, messenger_error_code = $5, finished_at = now(), claim_token = NULL`,
      [error.code, error.reason, error.messengerErrorCode ?? null],
    );
  }

  /** Puts a claimed reply back to `pending` until `delayMs` from now. */
  async scheduleRetry(
    manager: EntityManager,
    claim: ClaimedDelivery,
    retry: { delayMs: number; code: string; reason: string; messengerErrorCode: string | undefined },
  ): Promise<boolean> {
    return this.finish(
      manager,
      claim,
      `status = 'pending', next_attempt_at = now() + $3 * interval '1 millisecond', last_error_code = $4, last_error = $5,
       messenger_error_code = $6, claim_token = NULL`,
      [retry.delayMs, retry.code, retry.reason, retry.messengerErrorCode ?? null],
    );
  }

  /** Open replies by status (queue depth). */
  async depth(): Promise<Record<'pending' | 'sending', number>> {
    const rows = (await this.dataSource.query(
      `SELECT status, count(*)::int AS n FROM dispatcher.deliveries WHERE status IN ('pending', 'sending') GROUP BY status`,
    )) as Array<{ status: 'pending' | 'sending'; n: number }>;
    const out = { pending: 0, sending: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  private async finish(manager: EntityManager, claim: ClaimedDelivery, set: string, params: unknown[]): Promise<boolean> {
    const result = (await manager.query(
      `UPDATE dispatcher.deliveries SET ${set}
       WHERE reply_id = $1 AND claim_token = $2 AND status = 'sending'
       RETURNING reply_id`,
      [claim.replyId, claim.claimToken, ...params],
    )) as [unknown[], number] | unknown[];
    const updated = isUpdateResult(result) ? result[0] : result;
    if (updated.length > 0) await manager.query(`SELECT pg_notify('${WORK_CHANNEL}', '')`);
    return updated.length > 0;
  }
}

/** TypeORM's postgres driver answers UPDATE … RETURNING with `[rows, affected]`. */
function isUpdateResult<T>(result: [T[], number] | T[]): result is [T[], number] {
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}
