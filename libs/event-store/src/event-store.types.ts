/** Metadata stored beside an event's data; the relay copies correlation, causation and trace context out of it. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string | null;
  traceparent?: string;
  tracestate?: string;
  /** When the fact happened, if not when it was appended (ISO-8601). */
  occurredAt?: string;
  [key: string]: unknown;
}

/** An event to append. */
export interface NewEvent<TData = unknown, TType extends string = string> {
  type: TType;
  data: TData;
  /** Shape version of `data` (the envelope's `version`); 1 when omitted. */
  schemaVersion?: number;
  metadata?: EventMetadata;
  /**
   * Source-derived key (e.g. `vk:<channel>:<message-id>`). Unique across the whole store, forever: appending an
   * event whose key exists stores nothing and returns the first append's result.
   */
  idempotencyKey?: string;
  /** The envelope id, a UUID v7; generated when omitted. */
  eventId?: string;
}

/** An event as it is stored. Positions are JS numbers (exact up to 2^53). */
export interface StoredEvent<TData = unknown, TType extends string = string> {
  eventId: string;
  streamId: string;
  /** 1-based, gap-free within the stream. */
  streamPosition: number;
  /** Sequence-fed, unique, increasing in insert order; NOT gap-free and not commit-ordered. */
  globalPosition: number;
  /** xid8 of the appending transaction, as a decimal string. */
  transactionId: string;
  type: TType;
  schemaVersion: number;
  data: TData;
  metadata: EventMetadata;
  idempotencyKey: string | null;
  createdAt: Date;
}

/**
 * What the writer believes the stream version is: a number (events in the stream; 0 = empty), `no_stream`,
 * `stream_exists`, or `any` (no check).
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** The stream version after the append (for a duplicate: the version the first append produced). */
  nextExpectedVersion: number;
  globalPositions: number[];
  eventIds: string[];
  /** True when every idempotency key was already stored: nothing was appended, the first result is returned. */
  duplicate: boolean;
}

/** A reader's position in the commit-ordered log: the last (transaction id, global position) it has handled. */
export interface LogPosition {
  transactionId: string;
  globalPosition: number;
}

export const LOG_START: LogPosition = Object.freeze({ transactionId: '0', globalPosition: 0 });

export interface ReadAllResult {
  events: StoredEvent[];
  /** The position of the last event read (the `after` position when nothing was read). */
  position: LogPosition;
  /**
   * True when committed events exist that are not readable yet because an older transaction is still in
   * flight (they sit at or above the xmin horizon). Readers re-poll soon instead of waiting for a notification.
   */
  behindHorizon: boolean;
}
