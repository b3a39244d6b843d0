/**
 * JetStream streams (file storage). Event subjects are `parley.<context>.<event>.v<N>`; commands and queries are
 * `parley.<service>.<verb>.v<N>` where `<service>` is an app name (`conversation-service`, `gateway-vk`), so no
 * stream ever captures a request subject (a stream that did would answer requests with its PubAck).
 */
export const EventContexts = ['conversation', 'contact', 'routing', 'delivery', 'channel', 'operator'] as const;
export type EventContext = (typeof EventContexts)[number];

export const Streams = {
  /** Normalised messenger input published by gateways. */
  INBOUND: { name: 'PARLEY_INBOUND', subjects: ['parley.inbound.>'] },
  /** Everything the services publish (conversation events come through the event-store relay). */
  EVENTS: { name: 'PARLEY_EVENTS', subjects: EventContexts.map((c) => `parley.${c}.>`) },
  /** Dead letters: `parley.dlq.<consumer>` with the original message, its subject and its error in headers. */
  DLQ: { name: 'PARLEY_DLQ', subjects: ['parley.dlq.>'] },
} as const;

export type StreamName = (typeof Streams)[keyof typeof Streams]['name'];

/** Dead-letter subject for a consumer (durable name). */
export function deadLetterSubject(consumer: string): string {
  return `parley.dlq.${consumer}`;
}

/** Headers Parley sets on every message (besides `Nats-Msg-Id` and W3C `traceparent`/`tracestate`). */
export const Headers = {
  MSG_ID: 'Nats-Msg-Id',
  TYPE: 'Parley-Type',
  VERSION: 'Parley-Version',
  CORRELATION_ID: 'Parley-Correlation-Id',
  CAUSATION_ID: 'Parley-Causation-Id',
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
  /** On dead letters: why it died, where it came from. */
  DLQ_ERROR: 'Parley-Dlq-Error',
  DLQ_ERROR_CODE: 'Parley-Dlq-Error-Code',
  DLQ_SUBJECT: 'Parley-Dlq-Subject',
  DLQ_STREAM: 'Parley-Dlq-Stream',
  DLQ_STREAM_SEQ: 'Parley-Dlq-Stream-Seq',
  DLQ_CONSUMER: 'Parley-Dlq-Consumer',
  DLQ_DELIVERIES: 'Parley-Dlq-Deliveries',
} as const;
