import type { Envelope } from './envelope';

/** A class whose instances are a message's `data`; decorated with class-validator. */
export type DataClass<T extends object> = new () => T;

export type MessageKind = 'event' | 'command' | 'query';

/**
 * Everything a producer or consumer needs to know about one message on the wire. A definition never changes once
 * published: a new shape is a new definition with `version + 1` and its own subject.
 */
export interface MessageDefinition<TData extends object = object, TType extends string = string> {
  readonly kind: MessageKind;
  readonly type: TType;
  readonly version: number;
  /** `parley.<context>.<event>.v<N>` for events, `parley.<service>.<verb>.v<N>` for commands and queries. */
  readonly subject: string;
  readonly data: DataClass<TData>;
  /** One sentence for integrators (also used in the AsyncAPI document). */
  readonly description: string;
}

/** A command or query: a request definition and the class of a successful reply's `data`. */
export interface RequestDefinition<TData extends object = object, TReply extends object = object, TType extends string = string>
  extends MessageDefinition<TData, TType> {
  readonly kind: 'command' | 'query';
  readonly reply: DataClass<TReply>;
}

export type DataOf<D> = D extends MessageDefinition<infer T> ? T : never;
export type ReplyOf<D> = D extends RequestDefinition<object, infer R> ? R : never;
export type EnvelopeOf<D> = D extends MessageDefinition<infer T, infer N> ? Envelope<T, N> : never;

const subjectPattern = /^parley\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

function checkSubject(subject: string, version: number): void {
  if (!subjectPattern.test(subject) || !subject.endsWith(`.v${version}`)) {
    throw new Error(`subject ${subject} must look like parley.<context>.<name>.v${version}`);
  }
}

export function defineEvent<TData extends object, TType extends string>(def: {
  type: TType;
  version: number;
  subject: string;
  data: DataClass<TData>;
  description: string;
}): MessageDefinition<TData, TType> {
  checkSubject(def.subject, def.version);
  return Object.freeze({ kind: 'event' as const, ...def });
}

export function defineRequest<TData extends object, TReply extends object, TType extends string>(def: {
  kind: 'command' | 'query';
  type: TType;
  version: number;
  subject: string;
  data: DataClass<TData>;
  reply: DataClass<TReply>;
  description: string;
}): RequestDefinition<TData, TReply, TType> {
  checkSubject(def.subject, def.version);
  return Object.freeze({ ...def });
}
