/** The logger the event store writes to; pino, Nest's Logger or a test double all fit. */
export interface EventStoreLogger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const silentLogger: EventStoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function errorContext(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { error: err.message, name: err.name } : { error: String(err) };
}
