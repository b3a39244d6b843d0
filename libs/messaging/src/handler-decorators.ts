import type { Envelope, MessageDefinition, RequestDefinition } from '@parley/contracts';
import type { BackoffPolicy } from './backoff';
import type { EventHandlerFn } from './event-consumer';
import type { RequestHandlerFn } from './request-responder';

export interface OnEventOptions<TData extends object, TType extends string> {
  /**
   * The durable consumer's name: its identity on the server (renaming it starts from the stream's beginning).
   * Conventionally `<service>-<purpose>`, e.g. `conversation-service-inbound`. No `.`, `*`, `>` or spaces.
   */
  durable: string;
  /** The stream; by default the Parley stream whose subjects capture the definition's subject. */
  stream?: string;
  maxAttempts?: number;
  ackWaitMs?: number;
  concurrency?: number;
  maxAckPending?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Per-key ordering: messages with the same key are handled one at a time, in arrival order. */
  partitionKey?: (envelope: Envelope<TData, TType>) => string;
}

export interface OnRequestOptions {
  /** Concurrent handlers for this subject in this process (default: module's `requestConcurrency`). */
  concurrency?: number;
}

/** @internal What the decorators record; the messaging host reads it at bootstrap. */
export type HandlerRegistration =
  | {
      kind: 'event';
      method: string | symbol;
      definition: MessageDefinition;
      options: OnEventOptions<object, string>;
    }
  | { kind: 'request'; method: string | symbol; definition: RequestDefinition; options: OnRequestOptions };

const registry = new WeakMap<object, HandlerRegistration[]>();

function register(target: object, registration: HandlerRegistration): void {
  const ctor = (target as { constructor: object }).constructor;
  registry.set(ctor, [...(registry.get(ctor) ?? []), registration]);
}

/** Handlers declared on a class and its base classes. */
export function handlerRegistrations(ctor: object): HandlerRegistration[] {
  const out: HandlerRegistration[] = [];
  for (let c: object | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c) as object | null) {
    out.push(...(registry.get(c) ?? []));
  }
  return out;
}

const durablePattern = /^[A-Za-z0-9_-]+$/;

/**
 * Handles an event through a durable pull consumer. The method receives the validated envelope and its delivery;
 * resolving acks the message, throwing settles it (style.md item 6, ADR 0004).
 */
export function OnEvent<TData extends object, TType extends string>(
  definition: MessageDefinition<TData, TType>,
  options: OnEventOptions<TData, TType>,
) {
  if (!durablePattern.test(options.durable)) throw new Error(`invalid durable name "${options.durable}"`);
  return <M extends EventHandlerFn<TData, TType>>(target: object, method: string | symbol, _descriptor: TypedPropertyDescriptor<M>): void => {
    register(target, {
      kind: 'event',
      method,
      definition: definition as unknown as MessageDefinition,
      options: options as unknown as OnEventOptions<object, string>,
    });
  };
}

/**
 * Answers a command or query (queue group = service name). Return the reply data; throw `ParleyError` for a coded
 * error reply.
 */
export function OnRequest<TData extends object, TReply extends object, TType extends string>(
  definition: RequestDefinition<TData, TReply, TType>,
  options: OnRequestOptions = {},
) {
  return <M extends RequestHandlerFn<TData, TReply, TType>>(
    target: object,
    method: string | symbol,
    _descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    register(target, { kind: 'request', method, definition: definition as unknown as RequestDefinition, options });
  };
}
