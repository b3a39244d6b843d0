import { v7 as uuidv7 } from 'uuid';
import type { ExpectedVersion, NewEvent } from '../event-store.types';
import { InvalidAppendError } from './event-store.errors';

/** The one JSON document the append function receives for a batch. */
export interface AppendDocument {
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  idempotencyKey?: string;
}

/** Encodes the expected version as the append function's text argument. */
export function encodeExpectedVersion(expected: ExpectedVersion): string {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidAppendError(`expected version must be a non-negative integer, got ${expected}`);
    }
    return String(expected);
  }
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return expected;
  throw new InvalidAppendError(`unknown expected version ${String(expected)}`);
}

/** Validates a batch and turns it into the documents the append function inserts (ids generated here). */
export function toAppendDocuments(events: readonly NewEvent[]): AppendDocument[] {
  const keys = new Set<string>();
  return events.map((event, index) => {
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new InvalidAppendError(`event ${index} has no type`);
    }
    const schemaVersion = event.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
      throw new InvalidAppendError(`event ${index} (${event.type}) has schema version ${schemaVersion}`);
    }
    const doc: AppendDocument = {
      id: event.eventId ?? uuidv7(),
      type: event.type,
      schemaVersion,
      data: event.data === undefined ? null : event.data,
      metadata: { ...(event.metadata ?? {}) },
    };
    if (event.idempotencyKey !== undefined) {
      if (event.idempotencyKey.length === 0) throw new InvalidAppendError(`event ${index} has an empty idempotency key`);
      if (keys.has(event.idempotencyKey)) {
        throw new InvalidAppendError(`idempotency key ${event.idempotencyKey} appears twice in one batch`);
      }
      keys.add(event.idempotencyKey);
      doc.idempotencyKey = event.idempotencyKey;
    }
    return doc;
  });
}
