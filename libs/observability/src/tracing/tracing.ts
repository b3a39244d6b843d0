import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Logger } from '../logging/logger';

export interface StartTracingOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Where `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` are read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Incoming HTTP paths not worth a span (probes and scrapes). Defaults to `/health/*` and `/metrics`. */
  ignoreIncomingPaths?: readonly RegExp[];
  logger?: Logger;
}

export interface Tracing {
  /** Whether spans are exported (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes pending spans and unregisters the global tracer, context manager and propagator. Idempotent. */
  shutdown(): Promise<void>;
}

const DEFAULT_IGNORED_PATHS: readonly RegExp[] = [/^\/health(\/|$)/, /^\/metrics$/];

/**
 * Starts OpenTelemetry for this process; call it before the app is created, so the HTTP instrumentation wraps
 * the servers and clients the app makes.
 *
 * - With `OTEL_EXPORTER_OTLP_ENDPOINT` set: the NodeSDK with the OTLP/HTTP trace exporter (batching), the HTTP
 *   instrumentation and the service name as resource. Metrics stay on Prometheus and logs on pino, so the SDK's
 *   own metric readers and log exporters are turned off.
 * - Without it: no tracer provider (spans are no-ops), but the AsyncLocalStorage context manager and the W3C
 *   trace-context + baggage propagator are registered all the same, so `traceparent` headers arriving over HTTP
 *   or NATS are extracted and passed on unchanged through `@opentelemetry/api` propagation.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  const env = options.env ?? process.env;
  const base = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  const tracesUrl = nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  const propagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });

  if (tracesUrl === undefined || env['OTEL_SDK_DISABLED'] === 'true') {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    const ownsContext = context.setGlobalContextManager(contextManager);
    const ownsPropagation = propagation.setGlobalPropagator(propagator);
    options.logger?.debug({ exporting: false }, 'tracing: no OTLP endpoint, context propagation only');
    let done = false;
    return {
      exporting: false,
      shutdown: async () => {
        if (done) return;
        done = true;
        if (ownsContext) context.disable();
        if (ownsPropagation) propagation.disable();
      },
    };
  }

  // The SDK, the exporter and the instrumentation are loaded only when spans are exported: together they are about
  // 30 MB of resident code that a service without an OTLP endpoint never runs.
  const load = createRequire(__filename);
  const { NodeSDK } = load('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = load('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { resourceFromAttributes } = load('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = load('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const ignored = options.ignoreIncomingPaths ?? DEFAULT_IGNORED_PATHS;
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
    }),
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: tracesUrl }),
    textMapPropagator: propagator,
    contextManager: new AsyncLocalStorageContextManager(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => {
          const path = (request.url ?? '').split('?')[0] ?? '';
          return ignored.some((pattern) => pattern.test(path));
        },
      }),
    ],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // Instrumentations patch a module when it is next `require`d. `http` is usually loaded already (Nest and
  // Express import it), so require it once more here to have the hook patch the shared core module objects.
  load('http');
  load('https');
  options.logger?.info({ exporting: true, endpoint: tracesUrl }, 'tracing: exporting spans over OTLP/HTTP');
  let shutdown: Promise<void> | undefined;
  return {
    exporting: true,
    shutdown: () => {
      shutdown ??= sdk
        .shutdown()
        .catch((err: unknown) => options.logger?.warn({ err }, 'tracing: shutdown failed'))
        .finally(() => {
          trace.disable();
          context.disable();
          propagation.disable();
        });
      return shutdown;
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
