import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvelopeShape, newMessageId, type Envelope } from './envelope';
import type { MessageDefinition } from './message-definition';

/** One failed constraint, with the path of the offending field (`data.attachments.0.size`). */
export interface Violation {
  path: string;
  constraints: string[];
}

/** Raised by the validation factory: the message is malformed and retrying it will not help (dead-letter it). */
export class ContractViolationError extends Error {
  readonly code = 'CONTRACT_VIOLATION';
  constructor(
    readonly messageType: string,
    readonly violations: Violation[],
  ) {
    super(
      `invalid ${messageType}: ` +
        violations.map((v) => `${v.path || '<root>'} (${v.constraints.join('; ')})`).join(', '),
    );
    this.name = 'ContractViolationError';
  }
}

function flatten(errors: ValidationError[], prefix: string): Violation[] {
  const out: Violation[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out.push({ path, constraints: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flatten(error.children, path));
  }
  return out;
}

/**
 * Validates a plain object against a class-validator class and returns the typed instance (nested objects become
 * instances too, via class-transformer `@Type`). Unknown properties are kept: adding an optional field to a
 * message is a compatible change, so old consumers must accept it.
 */
export function validateData<T extends object>(cls: new () => T, plain: unknown, label: string, prefix = ''): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new ContractViolationError(label, [{ path: prefix, constraints: ['must be an object'] }]);
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false, exposeDefaultValues: false });
  const errors = validateSync(instance, { forbidUnknownValues: true, whitelist: false, validationError: { target: false } });
  if (errors.length > 0) throw new ContractViolationError(label, flatten(errors, prefix));
  return instance;
}

/**
 * The one validation factory every consumer uses: checks the envelope, checks that it carries the expected
 * message (type and version), validates `data` with the message's class, and returns the typed envelope.
 * Throws `ContractViolationError` (a poison message: dead-letter it, never retry it).
 */
export function parseEnvelope<TData extends object, TType extends string>(
  definition: MessageDefinition<TData, TType>,
  raw: unknown,
): Envelope<TData, TType> {
  const label = `${definition.type}.v${definition.version}`;
  const envelope = validateData(EnvelopeShape, raw, label);
  if (envelope.type !== definition.type || envelope.version !== definition.version) {
    throw new ContractViolationError(label, [
      { path: 'type', constraints: [`expected ${label}, got ${envelope.type}.v${envelope.version}`] },
    ]);
  }
  const data = validateData(definition.data, envelope.data, label, 'data');
  return {
    id: envelope.id,
    type: definition.type,
    version: definition.version,
    occurredAt: envelope.occurredAt,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId ?? null,
    data,
  };
}

/** Decodes and validates bytes from the wire (JSON). */
export function decodeEnvelope<TData extends object, TType extends string>(
  definition: MessageDefinition<TData, TType>,
  bytes: Uint8Array | string,
): Envelope<TData, TType> {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ContractViolationError(`${definition.type}.v${definition.version}`, [
      { path: '', constraints: [`not JSON: ${(err as Error).message}`] },
    ]);
  }
  return parseEnvelope(definition, raw);
}

/** What caused a new message: the envelope it reacts to, or a fresh correlation (a webhook, an HTTP request). */
export interface Causation {
  correlationId: string;
  causationId: string | null;
}

/** Causation for a message caused by `cause`. */
export function causedBy(cause: Pick<Envelope, 'id' | 'correlationId'>): Causation {
  return { correlationId: cause.correlationId, causationId: cause.id };
}

/** Causation for the first message of a new correlation. */
export function newCorrelation(correlationId: string = newMessageId()): Causation {
  return { correlationId, causationId: null };
}

/**
 * Builds an envelope for `definition`, validating `data` first: a producer never publishes what a consumer would
 * reject. `id` may be given for deterministic ids (idempotent re-publishes); otherwise a new UUID v7.
 */
export function createEnvelope<TData extends object, TType extends string>(
  definition: MessageDefinition<TData, TType>,
  data: TData,
  causation: Causation,
  options: { id?: string; occurredAt?: Date } = {},
): Envelope<TData, TType> {
  const plain = JSON.parse(JSON.stringify(data)) as unknown;
  validateData(definition.data, plain, `${definition.type}.v${definition.version}`, 'data');
  return {
    id: options.id ?? newMessageId(),
    type: definition.type,
    version: definition.version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    correlationId: causation.correlationId,
    causationId: causation.causationId,
    data,
  };
}
