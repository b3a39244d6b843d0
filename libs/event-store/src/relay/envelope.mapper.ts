import { Headers, type Envelope } from '@parley/contracts';
import type { StoredEvent } from '../event-store.types';

/**
 * The wire envelope of a stored event: the event id is the envelope id, correlation and causation come from
 * the metadata (an event without a correlation id starts its own correlation).
 */
export function toEnvelope(event: StoredEvent): Envelope {
  const { metadata } = event;
  const occurredAt = typeof metadata.occurredAt === 'string' ? metadata.occurredAt : event.createdAt.toISOString();
  return {
    id: event.eventId,
    type: event.type,
    version: event.schemaVersion,
    occurredAt,
    correlationId: typeof metadata.correlationId === 'string' ? metadata.correlationId : event.eventId,
    causationId: typeof metadata.causationId === 'string' ? metadata.causationId : null,
    data: event.data,
  };
}

/** Headers for a published event: message id for de-duplication, type, version, correlation and trace context. */
export function envelopeHeaders(event: StoredEvent, envelope: Envelope): Record<string, string> {
  const headers: Record<string, string> = {
    [Headers.MSG_ID]: envelope.id,
    [Headers.TYPE]: envelope.type,
    [Headers.VERSION]: String(envelope.version),
    [Headers.CORRELATION_ID]: envelope.correlationId,
  };
  if (envelope.causationId !== null) headers[Headers.CAUSATION_ID] = envelope.causationId;
  if (typeof event.metadata.traceparent === 'string') headers[Headers.TRACEPARENT] = event.metadata.traceparent;
  if (typeof event.metadata.tracestate === 'string') headers[Headers.TRACESTATE] = event.metadata.tracestate;
  return headers;
}
