import type { Msg, Subscription } from '@nats-io/nats-core';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  CommonErrorCodes,
  ContractViolationError,
  decodeEnvelope,
  ParleyError,
  type Envelope,
  type ErrorBody,
  type Reply,
  type RequestDefinition,
} from '@parley/contracts';
import { describeError, type MessagingLogger } from './logger';
import { extractTraceContext, headersToRecord } from './message-headers';
import type { MessagingConnection } from './nats-connection';
import { WorkQueue } from './work-queue';

const tracer = trace.getTracer('@parley/messaging');

export interface RequestContext {
  subject: string;
  headers: Record<string, string>;
}

export type RequestHandlerFn<TData extends object, TReply extends object, TType extends string> = (
  envelope: Envelope<TData, TType>,
  request: RequestContext,
) => TReply | Promise<TReply>;

/**
 * Maps anything a request handler threw to the error body of the reply (style.md item 8). An unexpected error
 * (not a `ParleyError`: a lost database connection, a broker timeout, a bug) is `INTERNAL` and retryable: the
 * caller treats it as it would the same error thrown in its own handler — a consumer redelivers it with backoff
 * until its attempts run out — instead of dead-lettering at the first failure a fault that a restart of Postgres
 * or NATS causes in the callee.
 */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ParleyError) return err.toBody();
  if (err instanceof ContractViolationError) {
    return {
      code: CommonErrorCodes.CONTRACT_VIOLATION,
      message: err.message,
      retryable: false,
      details: { violations: err.violations },
    };
  }
  return { code: CommonErrorCodes.INTERNAL, message: 'internal error', retryable: true };
}

export interface RequestResponderSpec<TData extends object, TReply extends object, TType extends string> {
  definition: RequestDefinition<TData, TReply, TType>;
  handler: RequestHandlerFn<TData, TReply, TType>;
  concurrency: number;
}

/**
 * Answers one command or query: a queue-group subscription (group = service name) so N replicas share the work,
 * requests validated by the contracts' factory, every outcome a `Reply<T>`.
 */
export class RequestResponder<TData extends object = object, TReply extends object = object, TType extends string = string> {
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private readonly queue: WorkQueue;

  constructor(
    private readonly connection: MessagingConnection,
    readonly spec: RequestResponderSpec<TData, TReply, TType>,
    private readonly logger: MessagingLogger,
  ) {
    this.queue = new WorkQueue(spec.concurrency, (err) =>
      logger.error('reply failed', { subject: spec.definition.subject, error: describeError(err) }),
    );
  }

  get isRunning(): boolean {
    return this.subscription !== undefined && !this.subscription.isClosed();
  }

  get subject(): string {
    return this.spec.definition.subject;
  }

  /**
   * Subscribes and resolves once the server has the subscription (a flush round trip): only then can a request
   * sent on any other connection reach this responder. Before it, the SUB may still be in a socket buffer.
   */
  async start(): Promise<void> {
    const sub = this.connection.nc.subscribe(this.spec.definition.subject, { queue: this.connection.serviceName });
    this.subscription = sub;
    this.loop = (async () => {
      for await (const msg of sub) await this.queue.submit(undefined, () => this.answer(msg));
    })();
    await this.connection.nc.flush();
  }

  /** Unsubscribes (pending requests already received are still answered), then waits for in-flight handlers. */
  async stop(timeoutMs: number): Promise<boolean> {
    if (this.subscription && !this.subscription.isClosed()) await this.subscription.drain();
    await this.loop;
    return this.queue.idle(timeoutMs);
  }

  private async answer(msg: Msg): Promise<void> {
    const { definition, handler } = this.spec;
    const parent = extractTraceContext(msg.headers, ROOT_CONTEXT);
    const span = tracer.startSpan(
      `${msg.subject} process`,
      { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } },
      parent,
    );
    let reply: Reply<TReply>;
    try {
      const data = await context.with(trace.setSpan(parent, span), async () => {
        const envelope = decodeEnvelope(definition, msg.data);
        return handler(envelope, { subject: msg.subject, headers: headersToRecord(msg.headers) });
      });
      reply = { ok: true, data };
      span.setStatus({ code: SpanStatusCode.OK });
    } catch (err) {
      reply = { ok: false, error: toErrorBody(err) };
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
      if (reply.error.code === CommonErrorCodes.INTERNAL) {
        this.logger.error('request handler failed', {
          subject: msg.subject,
          error: describeError(err),
          stack: err instanceof Error ? err.stack : undefined,
        });
      }
    } finally {
      span.end();
    }
    if (!msg.reply) {
      this.logger.warn('request without a reply subject ignored', { subject: msg.subject });
      return;
    }
    msg.respond(JSON.stringify(reply));
  }
}
