import { ConversationEvents, validateData, type MessageDefinition } from '@parley/contracts';
import type { NewEvent, StoredEvent } from '@parley/event-store';
import type { ConversationEvent, ConversationEventType } from './conversation.events';

const definitions = new Map<string, MessageDefinition>(ConversationEvents.map((d): [string, MessageDefinition] => [d.type, d as unknown as MessageDefinition]));

function isConversationEventType(type: string): type is ConversationEventType {
  return definitions.has(type);
}

/** The domain event of a stored conversation event (every stored conversation event is version 1 today). */
export function toDomainEvent(stored: StoredEvent): ConversationEvent {
  if (!isConversationEventType(stored.type) || stored.schemaVersion !== 1) {
    throw new Error(`stream ${stored.streamId} holds an unknown event ${stored.type}.v${stored.schemaVersion}`);
  }
  // Written by this service after validation (see toNewEvent); the union member is chosen by `type`.
  return { type: stored.type, data: stored.data } as ConversationEvent;
}

/** When the event happened: the producer's time if recorded, else the append time. */
export function occurredAtOf(stored: StoredEvent): string {
  const at = stored.metadata.occurredAt;
  return typeof at === 'string' ? at : stored.createdAt.toISOString();
}

export interface AppendContext {
  correlationId: string;
  causationId: string | null;
}

/**
 * A domain event as an event-store append, validated against its contract first: the relay publishes exactly what
 * is stored, so nothing a consumer would reject may be stored.
 */
export function toNewEvent(event: ConversationEvent, context: AppendContext, idempotencyKey?: string): NewEvent {
  const definition = definitions.get(event.type);
  if (!definition) throw new Error(`no contract for ${event.type}`);
  const data = JSON.parse(JSON.stringify(event.data)) as object;
  validateData(definition.data, data, `${definition.type}.v${definition.version}`, 'data');
  return {
    type: event.type,
    schemaVersion: definition.version,
    data,
    metadata: { correlationId: context.correlationId, causationId: context.causationId },
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}
