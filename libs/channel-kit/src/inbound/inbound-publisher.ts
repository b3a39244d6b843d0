import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { createEnvelope, newCorrelation, type MessageDefinition } from '@parley/contracts';
import { JetStreamPublisher, type PublishReceipt } from '@parley/messaging';

/**
 * Namespace of the deterministic envelope ids of inbound facts (a fixed random UUID; never change it: VK's ids
 * were derived from it before the kit existed). Dedupe keys start with the channel type, so types never collide.
 */
const INBOUND_NAMESPACE = '5b0c5f4e-3c1d-4f0a-9d8e-6a2b7c41e9d3';

/** The envelope id of an inbound fact: a UUID v5 of its dedupe key, so every re-publish carries the same `Nats-Msg-Id`. */
export function inboundEnvelopeId(dedupeKey: string): string {
  return uuidv5(dedupeKey, INBOUND_NAMESPACE);
}

/**
 * Publishes inbound facts to PARLEY_INBOUND and resolves after JetStream's PubAck (only then may the webhook
 * answer `ok`). A retried webhook or a backfill of the same message publishes the same envelope id, which
 * JetStream drops inside its de-duplication window; consumers de-duplicate by `dedupeKey` beyond it.
 */
@Injectable()
export class InboundPublisher {
  constructor(@Inject(JetStreamPublisher) private readonly publisher: JetStreamPublisher) {}

  async publish<TData extends { dedupeKey: string; sentAt: string }, TType extends string>(
    definition: MessageDefinition<TData, TType>,
    data: TData,
  ): Promise<PublishReceipt> {
    const envelope = createEnvelope(definition, data, newCorrelation(), {
      id: inboundEnvelopeId(data.dedupeKey),
      occurredAt: new Date(data.sentAt),
    });
    return this.publisher.publish(definition, envelope);
  }
}
