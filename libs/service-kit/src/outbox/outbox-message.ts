import type { Envelope, MessageDefinition } from '@parley/contracts';
import { envelopeHeaders } from '@parley/messaging';

/** An event as the outbox stores it: exactly the bytes and headers that will be published. */
export interface OutboxMessage {
  /** The envelope id: `Nats-Msg-Id`, so a re-publish after a crash is de-duplicated by JetStream. */
  messageId: string;
  subject: string;
  payload: string;
  headers: Record<string, string>;
}

/** An outbox row waiting to be published; `position` is its commit-compatible order. */
export interface StoredOutboxMessage extends OutboxMessage {
  position: string;
}

/** Serialises an envelope for the outbox, with the Parley headers and the current trace context. */
export function toOutboxMessage<TData extends object, TType extends string>(
  definition: MessageDefinition<TData, TType>,
  envelope: Envelope<TData, TType>,
): OutboxMessage {
  const h = envelopeHeaders(envelope);
  const headers: Record<string, string> = {};
  for (const key of h.keys()) headers[key] = h.get(key);
  return { messageId: envelope.id, subject: definition.subject, payload: JSON.stringify(envelope), headers };
}
