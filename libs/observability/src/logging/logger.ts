import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger as PinoLogger } from 'pino';
import { redact, scrubString, secretKeyMatcher } from './redact';

/**
 * The logging surface other libraries accept: structured object first, message second, or a message alone.
 * A pino logger satisfies it; so does a test double.
 */
export interface LogFn {
  (msg: string): void;
  (obj: object, msg?: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export type { PinoLogger };

export type LogLevel = Level | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface CreateLoggerOptions {
  /** Written as `service` on every line. */
  service: string;
  /** Defaults to `info`. */
  level?: LogLevel;
  /** Extra key names to censor at any depth, on top of the built-in secret names. */
  redactKeys?: readonly string[];
  /** Where the JSON lines go: stdout by default. Tests pass a stream. */
  destination?: DestinationStream;
  /** Fields bound to every line besides `service` (e.g. `{ version, instance }`). */
  base?: Record<string, string | number>;
}

/** Marks a child logger that carries its own `traceId`, so the active-span mixin does not write a second one. */
const explicitTrace = Symbol('parley.explicitTrace');

/**
 * A pino JSON logger: ISO timestamps, string levels, `service` on every line, the active OpenTelemetry span's
 * `traceId`/`spanId` mixed in, and secrets censored at any depth (see `redact`). Lines go to stdout
 * (synchronous writes, so nothing is lost when the process exits).
 */
export function createLogger(options: CreateLoggerOptions): PinoLogger {
  const isSecret = secretKeyMatcher({ extraKeys: options.redactKeys ?? [] });
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redact(bindings, isSecret) as Record<string, unknown>,
      log: (obj) => redact(obj, isSecret) as Record<string, unknown>,
    },
    // `err` is already a plain, redacted object after `formatters.log`; the message may embed a secret.
    serializers: { err: (err: unknown) => err, msg: (msg: unknown) => (typeof msg === 'string' ? scrubString(msg) : msg) },
    mixin: (_obj, _level, logger) => {
      if ((logger as unknown as Record<symbol, unknown>)[explicitTrace] === true) return {};
      const span = trace.getSpan(context.active());
      if (span === undefined) return {};
      const spanContext = span.spanContext();
      return isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
    },
  };
  const logger = options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
  // Pino applies `formatters.bindings` to the root's bindings only; a child's bindings are serialised as given.
  // Redact them on the way in instead. Children inherit this method (they are `Object.create(parent)`).
  const child = logger.child;
  Object.defineProperty(logger, 'child', {
    value: function redactingChild(this: unknown, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions): PinoLogger {
      return Reflect.apply(child, this, [redact(bindings, isSecret), childOptions]) as PinoLogger;
    },
    writable: true,
    configurable: true,
  });
  return logger;
}

export interface LogContext {
  correlationId?: string;
  causationId?: string;
  traceId?: string;
  spanId?: string;
  [key: string]: unknown;
}

/**
 * A child logger bound to a unit of work: `withLogContext(logger, { correlationId, traceId })`. Pass `traceId`
 * when the work runs outside an active span (e.g. taken from a message's `traceparent`); inside a span it is added
 * automatically.
 */
export function withLogContext(logger: PinoLogger, bindings: LogContext): PinoLogger {
  const defined = Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== undefined));
  const child = logger.child(defined);
  if (typeof defined['traceId'] === 'string') {
    Object.defineProperty(child, explicitTrace, { value: true, enumerable: false });
  }
  return child;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}
