import { v7 as uuidv7 } from 'uuid';

/**
 * The baseline table of the benchmarks: the columns and indexes of an event-store `events` table (idempotency key
 * included) without a stream row, a function or a NOTIFY. One autocommit INSERT of one row is the machine's
 * "single-row INSERT" that Parley's figures are compared with.
 */
export const RAW_TABLE_SQL = [
  `CREATE TABLE raw_events (
     global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     event_id        uuid NOT NULL UNIQUE,
     stream_id       text NOT NULL,
     stream_position bigint NOT NULL,
     type            text NOT NULL,
     schema_version  int NOT NULL DEFAULT 1,
     data            jsonb NOT NULL,
     metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
     idempotency_key text NULL,
     transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
     created_at      timestamptz NOT NULL DEFAULT now(),
     UNIQUE (stream_id, stream_position)
   )`,
  `CREATE UNIQUE INDEX raw_events_idempotency_key_idx ON raw_events (idempotency_key) WHERE idempotency_key IS NOT NULL`,
  `CREATE INDEX raw_events_transaction_order_idx ON raw_events (transaction_id, global_position)`,
];

/** A message-sized event payload, the same for the raw INSERT and the append. */
export function eventPayload(seq: number, customer: number): { data: Record<string, unknown>; metadata: Record<string, string> } {
  return {
    data: {
      channel: 'vk',
      externalMessageId: seq,
      customer: { id: customer, name: `Customer ${customer}` },
      text: `Hello, I have a question about my order #${seq}. When will it arrive?`,
      receivedAt: new Date().toISOString(),
    },
    metadata: {
      correlationId: uuidv7(),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
  };
}

export const RAW_INSERT_SQL = `INSERT INTO raw_events (event_id, stream_id, stream_position, type, data, metadata, idempotency_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

/**
 * Parameters of one raw INSERT: `stream_position` is a process-wide counter, unique per stream without any read,
 * lock or version check.
 */
export function rawInsertParams(seq: number, customer: number, runId: string): unknown[] {
  const { data, metadata } = eventPayload(seq, customer);
  return [uuidv7(), `conversation-${customer}`, seq, 'MessageReceived', JSON.stringify(data), JSON.stringify(metadata), `vk:bench:${runId}:${seq}`];
}
