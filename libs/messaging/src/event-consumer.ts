import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { context, SpanKind, SpanStatusCode, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { decodeEnvelope, type Envelope, type MessageDefinition } from '@parley/contracts';
import type { BackoffPolicy } from './backoff';
import { publishDeadLetter } from './dead-letter';
import type { JetStreamPublisher } from './jetstream-publisher';
import { describeError, type MessagingLogger } from './logger';
import { extractTraceContext, headersToRecord } from './message-headers';
import { decideSettlement, type Settlement } from './settlement';
import { WorkQueue } from './work-queue';

type Decoded<TData extends object, TType extends string> = { envelope: Envelope<TData, TType> } | { error: unknown };

export const tracer = trace.getTracer('@parley/messaging');

/** What a handler knows about the delivery besides the envelope. */
export interface DeliveryContext {
  subject: string;
  stream: string;
  streamSequence: number;
  durable: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  headers: Record<string, string>;
  /** Resets the ack timer; called automatically every ackWait/3 while the handler runs. */
  working(): void;
}

export type EventHandlerFn<TData extends object, TType extends string> = (
  envelope: Envelope<TData, TType>,
  delivery: DeliveryContext,
) => unknown;

export interface EventConsumerSpec<TData extends object = object, TType extends string = string> {
  definition: MessageDefinition<TData, TType>;
  stream: string;
  durable: string;
  handler: EventHandlerFn<TData, TType>;
  /** Per-key ordering: same key one at a time in arrival order, different keys concurrently. */
  partitionKey?: (envelope: Envelope<TData, TType>) => string;
  maxAttempts: number;
  ackWaitMs: number;
  concurrency: number;
  backoff: BackoffPolicy;
}

/**
 * Runs one durable pull consumer: pulls with bounded concurrency, decodes and validates with the contracts'
 * factory, runs the handler inside the producer's trace context, and settles every message explicitly.
 */
export class EventConsumer<TData extends object = object, TType extends string = string> {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private running = false;
  private readonly queue: WorkQueue;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly publisher: JetStreamPublisher,
    readonly spec: EventConsumerSpec<TData, TType>,
    private readonly logger: MessagingLogger,
  ) {
    this.queue = new WorkQueue(spec.concurrency, (err) =>
      logger.error('settlement failed', { durable: spec.durable, error: describeError(err) }),
    );
  }

  get isRunning(): boolean {
    return this.running;
  }

  get durable(): string {
    return this.spec.durable;
  }

  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(this.spec.stream, this.spec.durable);
    // A small pull buffer: fetched-but-waiting messages also age towards ack_wait.
    this.messages = await consumer.consume({ max_messages: Math.max(1, this.spec.concurrency) });
    this.running = true;
    void this.watchStatus(this.messages);
    this.loop = this.run(this.messages).finally(() => {
      this.running = false;
    });
  }

  /** Stops pulling, waits (bounded) for in-flight handlers; returns false if some did not finish in time. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    await this.messages?.close();
    await this.loop;
    const idle = await this.queue.idle(timeoutMs);
    // The acks (and naks) of the handlers that finished are written to the server before stop() resolves.
    await this.nc.flush().catch(() => undefined);
    return idle;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.stopping) {
          // Pulled after stop: give it back at once instead of letting it wait out ack_wait.
          msg.nak();
          continue;
        }
        const decoded = this.decode(msg);
        const key = 'envelope' in decoded && this.spec.partitionKey ? this.spec.partitionKey(decoded.envelope) : undefined;
        await this.queue.submit(key, () => this.handle(msg, decoded));
      }
    } catch (err) {
      this.logger.error('consumer stopped', { durable: this.spec.durable, error: describeError(err) });
    }
  }

  /** Decoded once, before scheduling: the partition key needs the envelope; an invalid one gets no key. */
  private decode(msg: JsMsg): Decoded<TData, TType> {
    try {
      return { envelope: decodeEnvelope(this.spec.definition, msg.data) };
    } catch (error) {
      return { error };
    }
  }

  private async watchStatus(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      switch (status.type) {
        case 'heartbeats_missed':
          this.logger.warn('consumer missed heartbeats', { durable: this.spec.durable, count: status.count });
          break;
        case 'consumer_not_found':
        case 'consumer_deleted':
        case 'stream_not_found':
          this.logger.error('consumer unavailable', { durable: this.spec.durable, status: status.type });
          break;
        default:
          break;
      }
    }
  }

  private async handle(msg: JsMsg, decoded: Decoded<TData, TType>): Promise<void> {
    const { spec } = this;
    const deliveryCount = msg.info.deliveryCount;
    const parent = extractTraceContext(msg.headers, ROOT_CONTEXT);
    const span = tracer.startSpan(
      `${msg.subject} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': msg.subject,
          'messaging.consumer.group.name': spec.durable,
          'messaging.message.id': msg.headers?.get('Nats-Msg-Id') ?? '',
          'parley.delivery_count': deliveryCount,
        },
      },
      parent,
    );
    const heartbeat = setInterval(() => msg.working(), Math.max(1_000, Math.floor(spec.ackWaitMs / 3)));
    let settlement: Settlement;
    try {
      if (deliveryCount > spec.maxAttempts) {
        // A reserve delivery (see ADR 0004): the last attempt failed but its dead letter was not stored.
        settlement = { kind: 'dead-letter', reason: 'max attempts exhausted', code: 'MAX_DELIVERIES', finalDelivery: true };
      } else {
        const outcome = await context.with(trace.setSpan(parent, span), async () => {
          try {
            if ('error' in decoded) throw decoded.error;
            await spec.handler(decoded.envelope, {
              subject: msg.subject,
              stream: msg.info.stream,
              streamSequence: msg.info.streamSequence,
              durable: spec.durable,
              deliveryCount,
              headers: headersToRecord(msg.headers),
              working: () => msg.working(),
            });
            return { ok: true as const };
          } catch (error) {
            return { ok: false as const, error };
          }
        });
        settlement = decideSettlement(outcome, deliveryCount, { maxAttempts: spec.maxAttempts, backoff: spec.backoff });
      }
    } finally {
      clearInterval(heartbeat);
    }
    try {
      await this.settle(msg, settlement);
      span.setStatus(settlement.kind === 'ack' ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: settlement.reason });
    } finally {
      span.end();
    }
  }

  private async settle(msg: JsMsg, settlement: Settlement): Promise<void> {
    const where = {
      durable: this.spec.durable,
      subject: msg.subject,
      streamSeq: msg.info.streamSequence,
      deliveryCount: msg.info.deliveryCount,
    };
    switch (settlement.kind) {
      case 'ack':
        // Not a confirmed ackAck (a request per message): stop() flushes the connection so that acks of handlers that
        // finished are on the server before it resolves; an ack lost in a crash only means a redelivery, which
        // handlers are idempotent for.
        msg.ack();
        return;
      case 'retry':
        this.logger.warn('handler failed, will retry', { ...where, delayMs: settlement.delayMs, error: settlement.reason });
        msg.nak(settlement.delayMs);
        return;
      case 'dead-letter':
        try {
          // The copy first: a message is never termed without its dead letter stored.
          await publishDeadLetter(this.publisher, msg, settlement);
        } catch (err) {
          this.logger.error('dead-letter publish failed, will retry', { ...where, error: describeError(err) });
          msg.nak(this.spec.backoff.initialMs);
          return;
        }
        this.logger.error(settlement.finalDelivery ? 'message failed its last attempt, dead-lettered' : 'poison message dead-lettered', {
          ...where,
          code: settlement.code,
          error: settlement.reason,
        });
        // No term reason: nats-server before 2.11 does not accept one; the dead letter carries it.
        msg.term();
    }
  }
}
