import type { DataSource, EntityManager } from 'typeorm';
import {
  ConcurrencyConflictError,
  IdempotencyConflictError,
} from './append/event-store.errors';
import { encodeExpectedVersion, toAppendDocuments } from './append/append-request';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './read/stored-event.mapper';
import { eventStoreTables, type EventStoreTables } from './schema/schema-name';
import { IDEMPOTENCY_RACE_SQLSTATE } from './schema/event-store.migrations';
import {
  LOG_START,
  type AppendResult,
  type ExpectedVersion,
  type LogPosition,
  type NewEvent,
  type ReadAllResult,
  type StoredEvent,
} from './event-store.types';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Stored on the stream row when the append creates the stream; defaults to the part of the id before `-`/`:`. */
  streamType?: string;
  /**
   * Append inside the caller's transaction (a query runner's manager). The events become visible, and the
   * NOTIFY fires, when the caller commits. Without it the append is its own transaction.
   */
  manager?: EntityManager;
}

export interface ReadStreamOptions {
  /** First stream position to return (1-based, inclusive); 1 when omitted. */
  fromPosition?: number;
  maxCount?: number;
  manager?: EntityManager;
}

export interface ReadAllOptions {
  after?: LogPosition;
  limit?: number;
  manager?: EntityManager;
}

interface AppendRow {
  outcome: 'appended' | 'duplicate' | 'partial_duplicate' | 'conflict';
  stream_version: string | null;
  global_positions: string[] | null;
  event_ids: string[] | null;
}

/** How often an append re-runs after a racer on another stream took one of its idempotency keys. */
const IDEMPOTENCY_RACE_ATTEMPTS = 3;

function isPgError(err: unknown, code: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const direct = (err as { code?: unknown }).code;
  const driver = (err as { driverError?: { code?: unknown } }).driverError?.code;
  return direct === code || driver === code;
}

function defaultStreamType(streamId: string): string {
  const match = /^[^-:]+/.exec(streamId);
  return match ? match[0] : streamId;
}

/**
 * The append-only event store of one schema. Connections belong to the TypeORM DataSource: appends and reads
 * use its pool, or the caller's transaction when a `manager` is passed.
 */
export class PostgresEventStore {
  readonly tables: EventStoreTables;

  constructor(
    readonly dataSource: DataSource,
    readonly schema: string,
  ) {
    this.tables = eventStoreTables(schema);
  }

  /**
   * Appends `events` to `streamId` if its version matches `expectedVersion`, in one statement (one round trip).
   * Throws `ConcurrencyConflictError` (retryable) when another writer got there first, `IdempotencyConflictError`
   * when only some of the batch's idempotency keys are already stored. When all of them are stored, nothing is
   * appended and the first append's result comes back with `duplicate: true`, whatever the expected version.
   */
  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const expected = encodeExpectedVersion(options.expectedVersion);
    const documents = toAppendDocuments(events);
    const manager = options.manager ?? this.dataSource.manager;
    if (documents.length === 0) {
      const version = await this.streamVersion(streamId, manager);
      return { nextExpectedVersion: version ?? 0, globalPositions: [], eventIds: [], duplicate: false };
    }
    const sql = `SELECT outcome, stream_version, global_positions, event_ids FROM ${this.tables.appendFunction}($1, $2, $3, $4)`;
    const params = [streamId, options.streamType ?? defaultStreamType(streamId), expected, JSON.stringify(documents)];
    for (let attempt = 1; ; attempt++) {
      let rows: AppendRow[];
      try {
        rows = (await manager.query(sql, params)) as AppendRow[];
      } catch (err) {
        // Only retried when the append is its own transaction; inside the caller's it is aborted now, and the
        // caller's retry (a new transaction) finds the racer's events as duplicates.
        if (isPgError(err, IDEMPOTENCY_RACE_SQLSTATE)) {
          if (options.manager === undefined && attempt < IDEMPOTENCY_RACE_ATTEMPTS) continue;
          throw new ConcurrencyConflictError(streamId, expected, null);
        }
        throw err;
      }
      const row = rows[0];
      if (!row) throw new Error(`append to ${streamId} returned no row`);
      const version = row.stream_version === null ? null : Number(row.stream_version);
      switch (row.outcome) {
        case 'appended':
        case 'duplicate':
          return {
            nextExpectedVersion: version ?? 0,
            globalPositions: (row.global_positions ?? []).map(Number),
            eventIds: row.event_ids ?? [],
            duplicate: row.outcome === 'duplicate',
          };
        case 'partial_duplicate':
          throw new IdempotencyConflictError(
            streamId,
            documents.flatMap((d) => (d.idempotencyKey === undefined ? [] : [d.idempotencyKey])),
          );
        case 'conflict':
          throw new ConcurrencyConflictError(streamId, expected, version);
      }
    }
  }

  /** The stream's version (number of events), or null when it does not exist. */
  async streamVersion(streamId: string, manager: EntityManager = this.dataSource.manager): Promise<number | null> {
    const rows = (await manager.query(`SELECT version FROM ${this.tables.streams} WHERE stream_id = $1`, [streamId])) as Array<{
      version: string;
    }>;
    return rows[0] ? Number(rows[0].version) : null;
  }

  /** The events of one stream in stream order (to rebuild an aggregate). */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const manager = options.manager ?? this.dataSource.manager;
    const params: unknown[] = [streamId, options.fromPosition ?? 1];
    let limit = '';
    if (options.maxCount !== undefined) {
      params.push(options.maxCount);
      limit = ' LIMIT $3';
    }
    const rows = (await manager.query(
      `SELECT ${EVENT_COLUMNS} FROM ${this.tables.events}
       WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position${limit}`,
      params,
    )) as EventRow[];
    return rows.map(toStoredEvent);
  }

  /**
   * Committed events after `after`, in commit-safe order `(transaction_id, global_position)`, and only those of
   * transactions older than every transaction still running (`transaction_id < pg_snapshot_xmin`). A slow
   * transaction therefore holds readers back instead of being skipped.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const manager = options.manager ?? this.dataSource.manager;
    const after = options.after ?? LOG_START;
    const limit = options.limit ?? 1000;
    const rows = (await manager.query(
      `SELECT ${EVENT_COLUMNS} FROM ${this.tables.events}
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id, global_position
       LIMIT $3`,
      [after.transactionId, after.globalPosition, limit],
    )) as EventRow[];
    const events = rows.map(toStoredEvent);
    const last = events[events.length - 1];
    const position = last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after;
    let behindHorizon = false;
    if (events.length < limit) {
      // ORDER BY + LIMIT rather than EXISTS: without fresh statistics the planner costed EXISTS as a sequential
      // scan that stops at the first match, which reads the whole table when nothing matches (the usual case).
      const blocked = (await manager.query(
        `SELECT transaction_id FROM ${this.tables.events}
          WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY transaction_id LIMIT 1`,
      )) as unknown[];
      behindHorizon = blocked.length > 0;
    }
    return { events, position, behindHorizon };
  }
}
