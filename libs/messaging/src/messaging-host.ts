import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Envelope, MessageDefinition, RequestDefinition } from '@parley/contracts';
import { defaultBackoff } from './backoff';
import { EventConsumer, type DeliveryContext } from './event-consumer';
import type { OnEventOptions, OnRequestOptions } from './handler-decorators';
import type { JetStreamPublisher } from './jetstream-publisher';
import { describeError } from './logger';
import { defaultConsumer, type MessagingOptions } from './messaging-options';
import type { MessagingConnection } from './nats-connection';
import { ensureDurableConsumer, streamForSubject } from './provisioning';
import { RequestResponder, type RequestContext } from './request-responder';

/** Dead-letter reserve: server deliveries beyond `maxAttempts` used only to store a dead letter that failed once. */
export const DEAD_LETTER_RESERVE_DELIVERIES = 2;

export interface MessagingHealthStatus {
  /** Connection up and every consumer and responder running. */
  healthy: boolean;
  connected: boolean;
  consumers: Array<{ durable: string; stream: string; running: boolean }>;
  responders: Array<{ subject: string; running: boolean }>;
}

/**
 * Runs a service's handlers: provisions a durable consumer per event handler, starts consumers and responders,
 * stops them gracefully. Used by `MessagingModule`; usable without Nest as well.
 */
export class MessagingHost {
  private readonly consumers: EventConsumer[] = [];
  private readonly responders: RequestResponder[] = [];

  constructor(
    private readonly connection: MessagingConnection,
    private readonly publisher: JetStreamPublisher,
    private readonly options: MessagingOptions,
  ) {}

  private get logger() {
    return this.connection.logger;
  }

  /** Provisions the durable consumer and starts pulling. */
  async addEventHandler<TData extends object, TType extends string>(
    definition: MessageDefinition<TData, TType>,
    options: OnEventOptions<TData, TType>,
    handler: (envelope: Envelope<TData, TType>, delivery: DeliveryContext) => unknown,
  ): Promise<EventConsumer<TData, TType>> {
    if (this.consumers.some((c) => c.durable === options.durable)) {
      throw new Error(`durable ${options.durable} is used by two handlers`);
    }
    const stream = options.stream ?? streamForSubject(definition.subject);
    if (!stream) throw new Error(`no stream captures ${definition.subject}; pass { stream } to the handler`);
    const d = { ...defaultConsumer, ...this.options.consumers };
    const maxAttempts = options.maxAttempts ?? d.maxAttempts;
    const ackWaitMs = options.ackWaitMs ?? d.ackWaitMs;
    const concurrency = options.concurrency ?? d.concurrency;
    await ensureDurableConsumer(
      await jetstreamManager(this.connection.nc),
      {
        stream,
        durable: options.durable,
        filterSubject: definition.subject,
        maxDeliver: maxAttempts + DEAD_LETTER_RESERVE_DELIVERIES,
        ackWaitMs,
        maxAckPending: Math.max(options.maxAckPending ?? d.maxAckPending, concurrency),
        description: `${this.connection.serviceName}: ${definition.type}.v${definition.version}`,
      },
      this.logger,
    );
    const consumer = new EventConsumer<TData, TType>(
      this.connection.nc,
      jetstream(this.connection.nc),
      this.publisher,
      {
        definition,
        stream,
        durable: options.durable,
        handler,
        ...(options.partitionKey ? { partitionKey: options.partitionKey } : {}),
        maxAttempts,
        ackWaitMs,
        concurrency,
        backoff: { ...defaultBackoff, ...this.options.consumers?.backoff, ...options.backoff },
      },
      this.logger,
    );
    await consumer.start();
    this.consumers.push(consumer as unknown as EventConsumer);
    this.logger.info('consumer started', { durable: options.durable, stream, subject: definition.subject });
    return consumer;
  }

  /** Starts answering; resolves once the subscription is registered on the server (see `RequestResponder.start`). */
  async addRequestHandler<TData extends object, TReply extends object, TType extends string>(
    definition: RequestDefinition<TData, TReply, TType>,
    options: OnRequestOptions,
    handler: (envelope: Envelope<TData, TType>, request: RequestContext) => TReply | Promise<TReply>,
  ): Promise<RequestResponder<TData, TReply, TType>> {
    if (this.responders.some((r) => r.subject === definition.subject)) {
      throw new Error(`${definition.subject} has two request handlers`);
    }
    const responder = new RequestResponder(
      this.connection,
      { definition, handler, concurrency: options.concurrency ?? this.options.requestConcurrency ?? 32 },
      this.logger,
    );
    this.responders.push(responder as unknown as RequestResponder);
    await responder.start();
    this.logger.info('request handler started', { subject: definition.subject, queue: this.connection.serviceName });
    return responder;
  }

  /** Stops pulling and answering, then waits (bounded) for in-flight handlers. */
  async stop(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? 10_000;
    const results = await Promise.all([
      ...this.consumers.map(async (c) => ({ name: c.durable, done: await c.stop(timeoutMs) })),
      ...this.responders.map(async (r) => ({ name: r.subject, done: await r.stop(timeoutMs) })),
    ]).catch((err: unknown) => {
      this.logger.error('stopping handlers failed', { error: describeError(err) });
      return [];
    });
    for (const r of results) {
      if (!r.done) this.logger.warn('handlers still running at shutdown; their messages will be redelivered', { name: r.name });
    }
  }

  health(): MessagingHealthStatus {
    const connected = this.connection.isConnected;
    const consumers = this.consumers.map((c) => ({ durable: c.durable, stream: c.spec.stream, running: c.isRunning }));
    const responders = this.responders.map((r) => ({ subject: r.subject, running: r.isRunning }));
    return {
      healthy: connected && consumers.every((c) => c.running) && responders.every((r) => r.running),
      connected,
      consumers,
      responders,
    };
  }
}
