import type { MessagingHealthStatus } from '@parley/messaging';
import type { HealthCheck, HealthRegistry } from '@parley/observability';
import type { DataSource } from 'typeorm';

/** Readiness of Postgres: the pool answers `SELECT 1`. */
export function postgresReadinessCheck(dataSource: DataSource, name = 'postgres'): HealthCheck {
  return {
    name,
    check: async () => {
      await dataSource.query('SELECT 1');
    },
  };
}

export interface NatsReadinessOptions {
  name?: string;
  /** Also require every consumer and request responder to be running (default true); false checks the connection only. */
  requireHandlers?: boolean;
}

/** Anything that reports messaging health (`MessagingHealth` from @parley/messaging). */
export interface MessagingHealthSource {
  check(): MessagingHealthStatus;
}

/** Readiness of NATS: connected and, unless told otherwise, every consumer and responder running (named when not). */
export function natsReadinessCheck(messaging: MessagingHealthSource, options: NatsReadinessOptions = {}): HealthCheck {
  const requireHandlers = options.requireHandlers ?? true;
  return {
    name: options.name ?? 'nats',
    check: async () => {
      const status = messaging.check();
      if (!status.connected) throw new Error('not connected to NATS');
      if (!requireHandlers || status.healthy) return;
      const down = [
        ...status.consumers.filter((c) => !c.running).map((c) => c.durable),
        ...status.responders.filter((r) => !r.running).map((r) => r.subject),
      ];
      throw new Error(`not running: ${down.join(', ')}`);
    },
  };
}

/** Registers the standard `postgres` and `nats` readiness checks of a service. */
export function registerReadinessChecks(
  health: HealthRegistry,
  dataSource: DataSource,
  messaging: MessagingHealthSource,
  options: NatsReadinessOptions = {},
): void {
  health.register(postgresReadinessCheck(dataSource));
  health.register(natsReadinessCheck(messaging, options));
}
