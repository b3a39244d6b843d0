import type { EventMetadata, StoredEvent } from '../event-store.types';

/** A row of `events` as node-postgres returns it (bigint and xid8 as strings). */
export interface EventRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_position: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata | null;
  idempotency_key: string | null;
  transaction_id: string;
  created_at: Date;
}

export const EVENT_COLUMNS =
  'global_position, event_id, stream_id, stream_position, type, schema_version, data, metadata, idempotency_key, transaction_id, created_at';

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    globalPosition: Number(row.global_position),
    transactionId: String(row.transaction_id),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata ?? {},
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
  };
}
