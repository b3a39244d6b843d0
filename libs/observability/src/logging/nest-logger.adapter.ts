import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Routes NestJS's own logs (`Logger`, `NestFactory`, the router explorer…) through pino, so a service writes one
 * JSON stream. Nest calls `log(message, context)` and `error(message, stack, context)`; the context becomes the
 * `context` field, a stack the `err.stack` field.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams, true);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams, true);
  }

  /** Nest asks for levels to be filtered; pino's own level already does that, so this only maps the names. */
  setLogLevels(levels: NestLogLevel[]): void {
    const order: Array<[NestLogLevel, PinoMethod]> = [
      ['verbose', 'trace'],
      ['debug', 'debug'],
      ['log', 'info'],
      ['warn', 'warn'],
      ['error', 'error'],
      ['fatal', 'fatal'],
    ];
    const lowest = order.find(([nest]) => levels.includes(nest));
    this.logger.level = lowest === undefined ? 'silent' : lowest[1];
  }

  private write(level: PinoMethod, message: unknown, params: unknown[], mayHaveStack = false): void {
    const rest = [...params];
    // Nest appends the context name as the last string argument.
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' && !isStack(last) ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (mayHaveStack && rest.length > 0 && typeof rest[0] === 'string' && isStack(rest[0])) {
      fields['err'] = { stack: rest.shift() };
    }
    const extra = rest.filter((p) => p !== undefined);
    if (extra.length > 0) fields['params'] = extra;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

function isStack(text: string): boolean {
  return /\n\s+at /.test(text);
}
