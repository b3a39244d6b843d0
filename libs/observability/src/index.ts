// Logging
export {
  createLogger,
  withLogContext,
  isLogLevel,
  LOG_LEVELS,
  type Logger,
  type LogFn,
  type LogLevel,
  type LogContext,
  type CreateLoggerOptions,
  type PinoLogger,
} from './logging/logger';
export { PinoNestLogger } from './logging/nest-logger.adapter';
export { redact, scrubString, isSecretKey, secretKeyMatcher, REDACTED, type RedactOptions, type SecretKeyMatcher } from './logging/redact';

// Config
export {
  loadConfig,
  configKeys,
  describeConfig,
  ConfigValidationError,
  type ConfigClass,
  type ConfigProblem,
} from './config/load-config';
export { ServiceConfig } from './config/service-config';

// Tracing
export { startTracing, type StartTracingOptions, type Tracing } from './tracing/tracing';

// Metrics
export {
  ServiceMetrics,
  prefixed,
  METRIC_PREFIX,
  LATENCY_BUCKETS_SECONDS,
  type ServiceMetricsOptions,
  type MetricOptions,
  type HistogramOptions,
} from './metrics/service-metrics';
export { MetricsController } from './metrics/metrics.controller';

// Health
export {
  HealthRegistry,
  DEFAULT_CHECK_TIMEOUT_MS,
  type HealthCheck,
  type CheckResult,
  type Readiness,
} from './health/health-registry';
export { HealthController, type LivenessBody, type ReadinessBody } from './health/health.controller';

// Errors at the HTTP edge
export { DEFAULT_HTTP_STATUS_MAP, HTTP_STATUS_CODES, statusForCode, type HttpStatusMap } from './errors/http-status-map';
export {
  ParleyExceptionFilter,
  toHttpError,
  type HttpErrorBody,
  type HttpErrorResponse,
  type ParleyExceptionFilterOptions,
} from './errors/parley-exception.filter';
export { createValidationPipe, validationFailed, fieldProblems, type FieldProblem } from './errors/validation-errors';

// Nest wiring and bootstrap
export { ObservabilityModule, PARLEY_LOGGER, type ObservabilityModuleOptions } from './nest/observability.module';
export {
  runService,
  type RunServiceOptions,
  type RunServiceConfig,
  type RunningService,
  type ServiceContext,
  type ProcessHooks,
} from './bootstrap/run-service';
