import type { EventStoreLogger } from '@parley/event-store';
import type { PinoLogger } from '@parley/observability';

/** The event store's processors (projections, relay) log through the service's pino logger. */
export function eventStoreLogger(logger: PinoLogger): EventStoreLogger {
  return {
    info: (message, context) => logger.info(context ?? {}, message),
    warn: (message, context) => logger.warn(context ?? {}, message),
    error: (message, context) => logger.error(context ?? {}, message),
  };
}
