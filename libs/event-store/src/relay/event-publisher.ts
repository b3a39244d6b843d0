import type { Envelope } from '@parley/contracts';
import type { StoredEvent } from '../event-store.types';

/**
 * Where the relay sends events. `publish` resolves when the broker has durably accepted the message (a JetStream
 * PubAck); the relay calls it for a whole batch before awaiting, so implementations must allow many in flight.
 * `headers` always holds `Nats-Msg-Id` (= envelope id), by which the broker de-duplicates re-publishes.
 */
export interface EventPublisher {
  publish(subject: string, envelope: Envelope, headers: Readonly<Record<string, string>>): Promise<void>;
}

/** Maps a stored event to its subject, e.g. `parley.conversation.message-received.v1`; supplied by the service. */
export type SubjectFor = (event: StoredEvent) => string;
