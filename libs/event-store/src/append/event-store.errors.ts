import { ParleyError } from '@parley/contracts';

export const EventStoreErrorCodes = {
  CONCURRENCY_CONFLICT: 'CONCURRENCY_CONFLICT',
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  INVALID_APPEND: 'INVALID_APPEND',
} as const;

/** Another writer appended to the stream first. Retryable: reload the stream, decide again, append again. */
export class ConcurrencyConflictError extends ParleyError<'CONCURRENCY_CONFLICT'> {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: string,
    /** The stream's version when the conflict was detected; null when the stream does not exist. */
    readonly actualVersion: number | null,
  ) {
    super(
      EventStoreErrorCodes.CONCURRENCY_CONFLICT,
      `stream ${streamId}: expected version ${expectedVersion}, actual ${actualVersion ?? 'no stream'}`,
      { retryable: true, details: { streamId, expectedVersion, actualVersion } },
    );
    this.name = 'ConcurrencyConflictError';
  }
}

/**
 * Some, but not all, idempotency keys of a batch are already stored. Nothing was appended. Not retryable: the
 * same batch will always hit the same keys; the caller reuses a key for a different decision.
 */
export class IdempotencyConflictError extends ParleyError<'IDEMPOTENCY_CONFLICT'> {
  constructor(readonly streamId: string, readonly keys: string[]) {
    super(
      EventStoreErrorCodes.IDEMPOTENCY_CONFLICT,
      `stream ${streamId}: only some idempotency keys of the batch are already stored`,
      { retryable: false, details: { streamId, keys } },
    );
    this.name = 'IdempotencyConflictError';
  }
}

/** The batch itself is malformed (repeated key, bad expected version). */
export class InvalidAppendError extends ParleyError<'INVALID_APPEND'> {
  constructor(message: string) {
    super(EventStoreErrorCodes.INVALID_APPEND, message, { retryable: false });
    this.name = 'InvalidAppendError';
  }
}
