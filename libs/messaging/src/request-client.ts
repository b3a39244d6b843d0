import { errors as natsErrors } from '@nats-io/nats-core';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  CommonErrorCodes,
  ContractViolationError,
  createEnvelope,
  ErrorBodyShape,
  ParleyError,
  validateData,
  type Causation,
  type Reply,
  type RequestDefinition,
} from '@parley/contracts';
import { envelopeHeaders } from './message-headers';
import type { MessagingConnection } from './nats-connection';

const tracer = trace.getTracer('@parley/messaging');

export interface RequestOptions {
  /** Default: the client's default (5 s). */
  timeoutMs?: number;
  /** Envelope id, e.g. a client-generated command id (idempotent retries). */
  id?: string;
}

function parseReply<TReply extends object>(definition: RequestDefinition<object, TReply>, bytes: Uint8Array): TReply {
  const label = `${definition.type}.v${definition.version} reply`;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ContractViolationError(label, [{ path: '', constraints: [`not JSON: ${(err as Error).message}`] }]);
  }
  const reply = raw as Partial<Reply<unknown>> | null;
  if (typeof reply !== 'object' || reply === null || typeof reply.ok !== 'boolean') {
    throw new ContractViolationError(label, [{ path: 'ok', constraints: ['must be a boolean'] }]);
  }
  if (reply.ok) return validateData(definition.reply, (reply as { data: unknown }).data, label, 'data');
  const body = validateData(ErrorBodyShape, (reply as { error: unknown }).error, label, 'error');
  throw ParleyError.fromBody(body);
}

/** Sends commands and queries and returns their typed reply data, or throws the callee's `ParleyError`. */
export class RequestClient {
  constructor(
    private readonly connection: MessagingConnection,
    private readonly defaultTimeoutMs = 5_000,
  ) {}

  async request<TData extends object, TReply extends object, TType extends string>(
    definition: RequestDefinition<TData, TReply, TType>,
    data: TData,
    causation: Causation,
    options: RequestOptions = {},
  ): Promise<TReply> {
    const envelope = createEnvelope(definition, data, causation, options.id === undefined ? {} : { id: options.id });
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const span = tracer.startSpan(`${definition.subject} send`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': definition.subject },
    });
    const active = trace.setSpan(context.active(), span);
    try {
      const msg = await this.connection.nc
        .request(definition.subject, JSON.stringify(envelope), { timeout: timeoutMs, headers: envelopeHeaders(envelope, active) })
        .catch((err: unknown) => {
          throw mapRequestError(err, definition.subject, timeoutMs);
        });
      try {
        return parseReply(definition, msg.data);
      } catch (err) {
        if (err instanceof ContractViolationError) {
          throw new ParleyError(CommonErrorCodes.CONTRACT_VIOLATION, err.message, {
            details: { violations: err.violations },
            cause: err,
          });
        }
        throw err;
      }
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  }
}

/** Transport failures as coded, retryable errors. */
export function mapRequestError(err: unknown, subject: string, timeoutMs: number): ParleyError {
  const cause = err instanceof Error ? err.cause : undefined;
  if (err instanceof natsErrors.NoRespondersError || cause instanceof natsErrors.NoRespondersError ||
      (err instanceof natsErrors.RequestError && err.isNoResponders())) {
    return new ParleyError(CommonErrorCodes.UNAVAILABLE, `no service answers ${subject}`, { retryable: true, cause: err });
  }
  if (err instanceof natsErrors.TimeoutError || cause instanceof natsErrors.TimeoutError) {
    return new ParleyError(CommonErrorCodes.TIMEOUT, `${subject} did not answer within ${timeoutMs} ms`, {
      retryable: true,
      cause: err,
    });
  }
  return new ParleyError(CommonErrorCodes.UNAVAILABLE, `request ${subject} failed: ${err instanceof Error ? err.message : String(err)}`, {
    retryable: true,
    cause: err,
  });
}
