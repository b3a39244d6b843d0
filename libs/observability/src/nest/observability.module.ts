import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { HealthController } from '../health/health.controller';
import { HealthRegistry, type HealthCheck } from '../health/health-registry';
import { createLogger, type LogLevel } from '../logging/logger';
import { MetricsController } from '../metrics/metrics.controller';
import { ServiceMetrics } from '../metrics/service-metrics';

/** Injection token of the service's pino logger: `@Inject(PARLEY_LOGGER) logger: PinoLogger`. */
export const PARLEY_LOGGER = Symbol.for('parley.logger');

export interface ObservabilityModuleOptions {
  serviceName: string;
  /** The process's logger; created (JSON to stdout) when absent. */
  logger?: PinoLogger;
  logLevel?: LogLevel;
  /** The service's registry; created with process metrics when absent. */
  metrics?: ServiceMetrics;
  /** The readiness registry; created when absent. */
  health?: HealthRegistry;
  /** Checks known up front; modules can also `register` theirs on the injected `HealthRegistry`. */
  checks?: readonly HealthCheck[];
}

/**
 * Global module serving `/health/live`, `/health/ready` and `/metrics` and providing the logger
 * (`PARLEY_LOGGER`), `ServiceMetrics` and `HealthRegistry` to every module of the app. `runService` imports it
 * for you; tests import `ObservabilityModule.forRoot({ serviceName })` themselves.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const logger = options.logger ?? createLogger({ service: options.serviceName, level: options.logLevel ?? 'info' });
    const metrics = options.metrics ?? new ServiceMetrics({ service: options.serviceName });
    const health = options.health ?? new HealthRegistry();
    for (const check of options.checks ?? []) health.register(check);
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PARLEY_LOGGER, useValue: logger },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HealthRegistry, useValue: health },
      ],
      exports: [PARLEY_LOGGER, ServiceMetrics, HealthRegistry],
    };
  }
}
