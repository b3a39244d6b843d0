import type { PostgresEventStore } from '../event-store';
import type { AppendResult, NewEvent, StoredEvent } from '../event-store.types';
import { ConcurrencyConflictError } from '../append/event-store.errors';

/** How an aggregate's state is rebuilt from its events: a pure fold. */
export interface StreamFold<TState> {
  initialState(): TState;
  evolve(state: TState, event: StoredEvent): TState;
}

export interface HandleOptions<TState> extends StreamFold<TState> {
  /** Attempts in total, including the first (default 5). */
  maxAttempts?: number;
  /** Stream type stored when the first append creates the stream. */
  streamType?: string;
  /** Base of the jittered backoff between attempts (default 10 ms, doubling). */
  backoffMs?: number;
}

export interface HandleResult<TState> {
  /** The state after the new events (the loaded state when nothing was appended). */
  state: TState;
  /** The events `decide` returned on the successful attempt. */
  newEvents: readonly NewEvent[];
  /** null when `decide` returned no events. */
  append: AppendResult | null;
  attempts: number;
}

/** Decides new events from the current state; pure, may throw a `ParleyError` to reject the command. */
export type Decide<TState> = (state: TState, version: number) => readonly NewEvent[] | Promise<readonly NewEvent[]>;

function toStoredForEvolve(streamId: string, event: NewEvent, position: number, result: AppendResult, index: number): StoredEvent {
  return {
    eventId: result.eventIds[index] ?? event.eventId ?? '',
    streamId,
    streamPosition: position,
    globalPosition: result.globalPositions[index] ?? 0,
    transactionId: '0',
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: event.data,
    metadata: event.metadata ?? {},
    idempotencyKey: event.idempotencyKey ?? null,
    createdAt: new Date(),
  };
}

/**
 * Load, decide, append, retry: reads the stream, folds it into state, asks `decide` for new events, appends them
 * at the version it read, and on a `ConcurrencyConflictError` starts again from a fresh read. An idempotent
 * duplicate is a success (`append.duplicate`), never a conflict. After `maxAttempts` the conflict is rethrown.
 */
export async function handleWithRetry<TState>(
  store: PostgresEventStore,
  streamId: string,
  decide: Decide<TState>,
  options: HandleOptions<TState>,
): Promise<HandleResult<TState>> {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    let state = options.initialState();
    for (const event of history) state = options.evolve(state, event);
    const version = history.length === 0 ? 0 : (history[history.length - 1]?.streamPosition ?? 0);
    const newEvents = await decide(state, version);
    if (newEvents.length === 0) return { state, newEvents, append: null, attempts: attempt };
    try {
      const append = await store.appendToStream(streamId, newEvents, {
        expectedVersion: version === 0 ? 'no_stream' : version,
        ...(options.streamType === undefined ? {} : { streamType: options.streamType }),
      });
      if (!append.duplicate) {
        newEvents.forEach((event, index) => {
          state = options.evolve(state, toStoredForEvolve(streamId, event, version + index + 1, append, index));
        });
      }
      return { state, newEvents, append, attempts: attempt };
    } catch (err) {
      if (!(err instanceof ConcurrencyConflictError) || attempt >= maxAttempts) throw err;
      const delay = backoffMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay));
    }
  }
}
