import { Inject, Injectable } from '@nestjs/common';
import {
  handleWithRetry,
  PostgresEventStore,
  type AppendResult,
  type ExpectedVersion,
  type HandleResult,
  type NewEvent,
  type StoredEvent,
} from '@parley/event-store';
import type { EntityManager } from 'typeorm';
import { evolve, initialState, type ConversationState } from './conversation.decider';
import { conversationStreamId } from './conversation.events';
import { occurredAtOf, toDomainEvent } from './conversation-stream.mapper';

const STREAM_TYPE = 'conversation';

function evolveStored(state: ConversationState, stored: StoredEvent): ConversationState {
  return evolve(state, toDomainEvent(stored), occurredAtOf(stored));
}

export interface LoadedConversation {
  state: ConversationState;
  /** Stream version (0 = no stream). */
  version: number;
  events: StoredEvent[];
}

/** Conversation streams in the event store: load, append, load-decide-append with retry. No business rules. */
@Injectable()
export class ConversationRepository {
  constructor(@Inject(PostgresEventStore) private readonly store: PostgresEventStore) {}

  async load(conversationId: string, manager?: EntityManager): Promise<LoadedConversation> {
    const events = await this.store.readStream(conversationStreamId(conversationId), manager ? { manager } : {});
    let state = initialState();
    for (const stored of events) state = evolveStored(state, stored);
    return { state, version: events[events.length - 1]?.streamPosition ?? 0, events };
  }

  readStream(conversationId: string): Promise<StoredEvent[]> {
    return this.store.readStream(conversationStreamId(conversationId));
  }

  append(conversationId: string, events: readonly NewEvent[], version: number, manager?: EntityManager): Promise<AppendResult> {
    const expectedVersion: ExpectedVersion = version === 0 ? 'no_stream' : version;
    return this.store.appendToStream(conversationStreamId(conversationId), events, {
      expectedVersion,
      streamType: STREAM_TYPE,
      ...(manager ? { manager } : {}),
    });
  }

  /** Load, decide, append at the loaded version; a concurrency conflict starts over from a fresh read. */
  handle(
    conversationId: string,
    decide: (state: ConversationState) => readonly NewEvent[],
  ): Promise<HandleResult<ConversationState>> {
    return handleWithRetry(this.store, conversationStreamId(conversationId), (state) => decide(state), {
      initialState,
      evolve: evolveStored,
      streamType: STREAM_TYPE,
      maxAttempts: 8,
    });
  }

  /** Whether an event with this idempotency key (an inbound fact's dedupe key) is already stored. */
  async isRecorded(idempotencyKey: string): Promise<boolean> {
    const rows = (await this.store.dataSource.query(`SELECT 1 FROM ${this.store.tables.events} WHERE idempotency_key = $1`, [
      idempotencyKey,
    ])) as unknown[];
    return rows.length > 0;
  }
}
