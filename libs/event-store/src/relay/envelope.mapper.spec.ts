import type { StoredEvent } from '../event-store.types';
import { envelopeHeaders, toEnvelope } from './envelope.mapper';

const stored = (metadata: StoredEvent['metadata']): StoredEvent => ({
  eventId: '0190f1e2-0000-7000-8000-000000000001',
  streamId: 'conversation-1',
  streamPosition: 3,
  globalPosition: 17,
  transactionId: '900',
  type: 'MessageReceived',
  schemaVersion: 2,
  data: { text: 'hi' },
  metadata,
  idempotencyKey: null,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
});

describe('envelope mapping', () => {
  it('takes correlation, causation and trace context from metadata', () => {
    const event = stored({ correlationId: 'corr', causationId: 'cause', traceparent: 'tp', occurredAt: '2026-01-01T00:00:00.000Z' });
    const envelope = toEnvelope(event);
    expect(envelope).toEqual({
      id: event.eventId,
      type: 'MessageReceived',
      version: 2,
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'corr',
      causationId: 'cause',
      data: { text: 'hi' },
    });
    expect(envelopeHeaders(event, envelope)).toEqual({
      'Nats-Msg-Id': event.eventId,
      'Parley-Type': 'MessageReceived',
      'Parley-Version': '2',
      'Parley-Correlation-Id': 'corr',
      'Parley-Causation-Id': 'cause',
      traceparent: 'tp',
    });
  });

  it('starts a correlation when the metadata has none and uses the append time', () => {
    const event = stored({});
    const envelope = toEnvelope(event);
    expect(envelope).toMatchObject({ correlationId: event.eventId, causationId: null, occurredAt: '2026-01-02T03:04:05.000Z' });
    expect(envelopeHeaders(event, envelope)).not.toHaveProperty('Parley-Causation-Id');
  });
});
