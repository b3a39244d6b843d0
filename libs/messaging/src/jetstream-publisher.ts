import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { Headers, type Envelope, type MessageDefinition } from '@parley/contracts';
import { envelopeHeaders, injectTraceContext, toMsgHdrs } from './message-headers';
import type { MessagingConnection } from './nats-connection';

/** Where JetStream stored a message; `duplicate` when the message id was already in the de-duplication window. */
export interface PublishReceipt {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/** A pre-serialised message (the event-store relay publishes stored rows as they are). */
export interface RawMessage {
  subject: string;
  data: Uint8Array | string;
  /** `Nats-Msg-Id`: the envelope id, so a re-publish is de-duplicated. */
  msgId: string;
  headers?: Record<string, string>;
}

/** A batch publish that stopped: messages `[0, published)` are stored, the one at `published` failed. */
export class PublishBatchError extends Error {
  constructor(
    readonly published: number,
    readonly receipts: PublishReceipt[],
    cause: unknown,
  ) {
    super(`batch publish failed at message ${published}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'PublishBatchError';
  }
}

function receipt(ack: PubAck): PublishReceipt {
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * Publishes to JetStream and resolves only after the PubAck: the caller may then tell the outside world (a
 * messenger's webhook, a checkpoint) that the message is stored.
 */
export class JetStreamPublisher {
  private readonly js: JetStreamClient;

  constructor(
    connection: MessagingConnection,
    private readonly timeoutMs = 5_000,
  ) {
    this.js = jetstream(connection.nc, { timeout: timeoutMs });
  }

  /** Publishes a Parley envelope on its definition's subject with the Parley and trace headers. */
  async publish<TData extends object, TType extends string>(
    definition: MessageDefinition<TData, TType>,
    envelope: Envelope<TData, TType>,
  ): Promise<PublishReceipt> {
    if (envelope.type !== definition.type || envelope.version !== definition.version) {
      throw new Error(`envelope ${envelope.type}.v${envelope.version} does not match ${definition.type}.v${definition.version}`);
    }
    return this.send(definition.subject, JSON.stringify(envelope), envelope.id, envelopeHeaders(envelope));
  }

  /** Publishes pre-serialised bytes with `Nats-Msg-Id` = `msgId`; trace context is added when there is one. */
  async publishRaw(message: RawMessage): Promise<PublishReceipt> {
    const h = toMsgHdrs(message.headers);
    if (!h.has(Headers.TRACEPARENT)) injectTraceContext(h);
    return this.send(message.subject, message.data, message.msgId, h);
  }

  /**
   * Publishes many messages with the PubAcks in flight together (`window` at a time) and returns the receipts in
   * order. On a failure it throws `PublishBatchError` whose `published` counts the leading messages that are
   * stored, so a relay can advance its checkpoint that far and retry the rest (re-publishes are de-duplicated).
   */
  async publishBatch(messages: readonly RawMessage[], window = 256): Promise<PublishReceipt[]> {
    const receipts: PublishReceipt[] = [];
    for (let start = 0; start < messages.length; start += window) {
      const chunk = messages.slice(start, start + window);
      const settled = await Promise.allSettled(chunk.map((m) => this.publishRaw(m)));
      for (const [i, result] of settled.entries()) {
        if (result.status === 'rejected') throw new PublishBatchError(start + i, receipts, result.reason);
        receipts.push(result.value);
      }
    }
    return receipts;
  }

  private async send(subject: string, data: Uint8Array | string, msgId: string, h: MsgHdrs): Promise<PublishReceipt> {
    h.set(Headers.MSG_ID, msgId);
    const ack = await this.js.publish(subject, data, { msgID: msgId, headers: h, timeout: this.timeoutMs });
    return receipt(ack);
  }
}
