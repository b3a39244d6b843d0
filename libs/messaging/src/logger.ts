import { Logger } from '@nestjs/common';

/**
 * What messaging logs through. Structured fields travel separately from the message so a pino-backed
 * implementation (libs/observability) can emit them as JSON properties; never `console.log`.
 */
export interface MessagingLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function suffix(fields?: Record<string, unknown>): string {
  return fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
}

/** A `MessagingLogger` backed by Nest's `Logger` (the default when no logger is configured). */
export function nestMessagingLogger(context = 'Messaging'): MessagingLogger {
  const logger = new Logger(context);
  return {
    debug: (message, fields) => logger.debug(message + suffix(fields)),
    info: (message, fields) => logger.log(message + suffix(fields)),
    warn: (message, fields) => logger.warn(message + suffix(fields)),
    error: (message, fields) => logger.error(message + suffix(fields)),
  };
}

/** Describes any thrown value for a log line. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
