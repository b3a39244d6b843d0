import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { Headers, type Envelope } from '@parley/contracts';
import type { EventPublisher } from './event-publisher';

export interface JetStreamEventPublisherOptions {
  /** How long to wait for each PubAck (default 10 s). */
  ackTimeoutMs?: number;
}

/** Publishes envelopes to JetStream with `Nats-Msg-Id`, resolving on the PubAck (duplicates count as accepted). */
export class JetStreamEventPublisher implements EventPublisher {
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: JetStreamEventPublisherOptions = {},
  ) {}

  async publish(subject: string, envelope: Envelope, headers: Readonly<Record<string, string>>): Promise<void> {
    const hdrs = natsHeaders();
    for (const [key, value] of Object.entries(headers)) {
      if (key !== Headers.MSG_ID) hdrs.set(key, value);
    }
    await this.js.publish(subject, this.encoder.encode(JSON.stringify(envelope)), {
      msgID: headers[Headers.MSG_ID] ?? envelope.id,
      headers: hdrs,
      timeout: this.options.ackTimeoutMs ?? 10_000,
    });
  }
}
