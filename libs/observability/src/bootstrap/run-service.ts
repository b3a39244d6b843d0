import { Module, type INestApplication, type Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import { ParleyExceptionFilter } from '../errors/parley-exception.filter';
import type { HttpStatusMap } from '../errors/http-status-map';
import { HealthRegistry } from '../health/health-registry';
import { createLogger, type LogLevel } from '../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger.adapter';
import { ServiceMetrics } from '../metrics/service-metrics';
import { ObservabilityModule } from '../nest/observability.module';
import { startTracing, type Tracing } from '../tracing/tracing';

/** What `runService` needs from the app's config (a `ServiceConfig` subclass has all of it). */
export interface RunServiceConfig {
  PORT: number;
  HOST?: string;
  LOG_LEVEL?: LogLevel;
  SHUTDOWN_TIMEOUT_MS?: number;
}

export interface RunServiceOptions {
  serviceName: string;
  serviceVersion?: string;
  /** The app's root module, or a loader (`() => import('./app.module').then((m) => m.AppModule)`) so the app's
   * code is loaded after tracing has started. */
  module: Type<unknown> | (() => Promise<Type<unknown>>);
  /** The validated config; or a function that loads it (then a bad variable is logged and exits 1). */
  config: RunServiceConfig | (() => RunServiceConfig);
  /** Error code → HTTP status, merged over the defaults. */
  httpStatusMap?: HttpStatusMap;
  /** Runs after the app is created and before it listens: pipes, prefixes, Swagger, WebSocket adapters… */
  configure?: (app: INestApplication, context: ServiceContext) => void | Promise<void>;
  /** Process hooks, replaceable in tests. */
  process?: ProcessHooks;
  /** Defaults to a pino logger to stdout. */
  logger?: PinoLogger;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ProcessHooks {
  exit(code: number): void;
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): void;
  off(signal: 'SIGTERM' | 'SIGINT', listener: () => void): void;
}

export interface ServiceContext {
  logger: PinoLogger;
  metrics: ServiceMetrics;
  health: HealthRegistry;
  tracing: Tracing;
}

export interface RunningService extends ServiceContext {
  app: INestApplication;
  /** `http://host:port` the app listens on (`127.0.0.1` when bound to all interfaces). */
  url: string;
  /** Graceful shutdown, as on SIGTERM, without exiting the process. */
  close(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Boots a Parley service: tracing first, then the Nest app with the pino logger (Nest's own logs included), the
 * observability module (`/health/*`, `/metrics`), the error filter; listens on `PORT`. On SIGTERM/SIGINT it
 * fails readiness, closes the app (Nest's shutdown hooks run), flushes traces and exits 0; a close slower than
 * `SHUTDOWN_TIMEOUT_MS` or a second signal exits 1. A boot failure (bad config, a module that throws, a port in
 * use) is logged and exits 1.
 *
 * Signals are handled here rather than by `app.enableShutdownHooks()`: Nest re-raises the signal after closing,
 * which ends the process with 143/130 instead of 0.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService | undefined> {
  const proc: ProcessHooks = options.process ?? defaultProcessHooks();
  const env = options.env ?? process.env;
  let logger = options.logger ?? createLogger({ service: options.serviceName });
  let tracing: Tracing | undefined;
  let app: INestApplication | undefined;
  try {
    const config = typeof options.config === 'function' ? options.config() : options.config;
    if (options.logger === undefined && config.LOG_LEVEL !== undefined) {
      logger = createLogger({ service: options.serviceName, level: config.LOG_LEVEL });
    }
    tracing = startTracing({
      serviceName: options.serviceName,
      ...(options.serviceVersion === undefined ? {} : { serviceVersion: options.serviceVersion }),
      env,
      logger,
    });
    const appModule = isLoader(options.module) ? await options.module() : options.module;
    const metrics = new ServiceMetrics({ service: options.serviceName });
    const health = new HealthRegistry();
    const context: ServiceContext = { logger, metrics, health, tracing };

    @Module({ imports: [ObservabilityModule.forRoot({ serviceName: options.serviceName, logger, metrics, health }), appModule] })
    class ServiceRootModule {}

    app = await NestFactory.create(ServiceRootModule, { logger: new PinoNestLogger(logger), abortOnError: false });
    app.useGlobalFilters(
      new ParleyExceptionFilter(app.get(HttpAdapterHost), { logger, ...(options.httpStatusMap ? { statusMap: options.httpStatusMap } : {}) }),
    );
    await options.configure?.(app, context);
    const host = config.HOST ?? '0.0.0.0';
    await app.listen(config.PORT, host);
    const url = await listeningUrl(app);
    logger.info({ url }, `${options.serviceName} listening`);

    const running = app;
    const timeoutMs = config.SHUTDOWN_TIMEOUT_MS ?? 10_000;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        for (const signal of SIGNALS) proc.off(signal, onSignal);
        health.markShuttingDown();
        await running.close();
        await context.tracing.shutdown();
        logger.info('stopped');
      })();
      return closing;
    };
    const onSignal = (): void => {
      if (closing !== undefined) {
        logger.warn('second signal during shutdown, exiting now');
        proc.exit(1);
        return;
      }
      logger.info('shutdown requested');
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out');
        proc.exit(1);
      }, timeoutMs);
      timer.unref();
      close().then(
        () => {
          clearTimeout(timer);
          proc.exit(0);
        },
        (err: unknown) => {
          clearTimeout(timer);
          logger.error({ err }, 'shutdown failed');
          proc.exit(1);
        },
      );
    };
    for (const signal of SIGNALS) proc.on(signal, onSignal);
    return { app, url, close, ...context };
  } catch (err: unknown) {
    logger.fatal({ err }, `${options.serviceName} failed to start`);
    await app?.close().catch(() => undefined);
    await tracing?.shutdown();
    proc.exit(1);
    return undefined;
  }
}

function isLoader(module: RunServiceOptions['module']): module is () => Promise<Type<unknown>> {
  // A class has a prototype object carrying its methods; an arrow function has none.
  return typeof module === 'function' && module.prototype === undefined;
}

async function listeningUrl(app: INestApplication): Promise<string> {
  const raw = await app.getUrl();
  return raw.replace('[::1]', '127.0.0.1').replace('[::]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
}

function defaultProcessHooks(): ProcessHooks {
  return {
    exit: (code) => process.exit(code),
    on: (signal, listener) => process.on(signal, listener),
    off: (signal, listener) => process.off(signal, listener),
  };
}
