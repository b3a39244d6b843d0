import { PublishBatchError, type JetStreamPublisher } from '@parley/messaging';
import type { Logger } from '@parley/observability';
import type { DataSource, EntityManager } from 'typeorm';
import { PgListener } from '../database/pg-listener';
import { advisoryKeySql, type AdvisoryLockKey } from '../database/advisory-lock';
import type { StoredOutboxMessage } from './outbox-message';
import type { OutboxTable } from './outbox-table';

export interface OutboxRelayOptions {
  table: OutboxTable;
  /** Advisory lock key of the relay lease: one relay of the service publishes at a time, so rows go out in order. */
  leaseKey: AdvisoryLockKey;
  /** Safety-net poll (rows are normally published right after the commit, on `kick()`). */
  pollMs: number;
  batchSize?: number;
  /**
   * LISTEN on the table's NOTIFY channel (a dedicated connection to this URL), so rows committed by another
   * replica, or by code that does not call `kick()`, are published at once instead of on the next poll.
   */
  listen?: { databaseUrl: string; applicationName: string };
}

interface OutboxRow {
  position: string;
  message_id: string;
  subject: string;
  payload: string;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows to JetStream after their transaction committed, at least once and in order: it reads the
 * oldest rows under a transaction-scoped advisory lock (the lease), publishes them with `Nats-Msg-Id` = envelope
 * id (waiting for the PubAcks) and deletes them in the same transaction. A crash after the publish and before the
 * commit re-publishes the same ids, which JetStream de-duplicates. `kick()` after a commit publishes at once; a
 * NOTIFY (when listening) does the same for other writers; the poll catches up after crashes and NATS outages.
 * `stop()` makes a last pass over what is waiting.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly listener: PgListener | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: JetStreamPublisher,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    const listen = options.listen;
    this.listener =
      listen === undefined
        ? undefined
        : new PgListener({
            databaseUrl: listen.databaseUrl,
            applicationName: listen.applicationName,
            channel: options.table.notifyChannel,
            onSignal: () => this.kick(),
            logger,
          });
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    void this.listener?.start();
    this.kick();
  }

  /** Stops polling and listening, waits for the pass under way, then publishes what is still waiting (best effort). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.listener?.stop();
    await this.running;
    await this.flush().catch((err: unknown) => this.logger.warn({ err }, 'final outbox publish failed; the next start publishes it'));
  }

  /** Publishes what is waiting (concurrent kicks coalesce into one more pass). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when the outbox was empty at some point after the call (tests and shutdown); rejects on failure. */
  async flush(): Promise<void> {
    while (!(await this.drainOnce())) {
      // keep going until a pass finds nothing left
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && !(await this.drainOnce())) {
          // more rows than one batch: continue at once
        }
      } catch (err: unknown) {
        this.logger.warn({ err }, 'outbox publish failed; will retry');
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** One batch; true when the outbox is empty, another replica holds the lease, or a publish stopped part-way. */
  private async drainOnce(): Promise<boolean> {
    const limit = this.options.batchSize ?? 100;
    const table = this.options.table.qualifiedName;
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.tryLease(manager))) return true;
      const rows = (await manager.query(
        `SELECT position::text AS position, message_id, subject, payload, headers FROM ${table} ORDER BY position LIMIT $1`,
        [limit],
      )) as OutboxRow[];
      if (rows.length === 0) return true;
      const messages: StoredOutboxMessage[] = rows.map((r) => ({
        position: r.position,
        messageId: r.message_id,
        subject: r.subject,
        payload: r.payload,
        headers: r.headers,
      }));
      try {
        await this.publisher.publishBatch(messages.map((m) => ({ subject: m.subject, data: m.payload, msgId: m.messageId, headers: m.headers })));
      } catch (err: unknown) {
        if (!(err instanceof PublishBatchError)) throw err;
        await this.remove(manager, messages.slice(0, err.published));
        this.logger.warn({ err, published: err.published }, 'outbox publish stopped part-way; will retry the rest');
        return true;
      }
      await this.remove(manager, messages);
      return rows.length < limit;
    });
  }

  private async remove(manager: EntityManager, messages: readonly StoredOutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(`DELETE FROM ${this.options.table.qualifiedName} WHERE position = ANY($1::bigint[])`, [messages.map((m) => m.position)]);
  }

  /** Takes the relay lease for this transaction; false when another replica's relay holds it. */
  private async tryLease(manager: EntityManager): Promise<boolean> {
    const key = this.options.leaseKey;
    const rows = (await manager.query(`SELECT pg_try_advisory_xact_lock(${advisoryKeySql(key)}) AS locked`, [key])) as Array<{ locked: boolean }>;
    return rows[0]?.locked === true;
  }
}
