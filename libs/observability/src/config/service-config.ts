import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from '../logging/logger';

/**
 * The variables every Parley service reads. An app's config class extends it:
 *
 *   class ConsoleApiConfig extends ServiceConfig {
 *     @IsString() DATABASE_URL!: string;
 *   }
 */
export class ServiceConfig {
  /** HTTP port (webhooks, REST, `/health/*`, `/metrics`). */
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /** When set, traces are exported over OTLP/HTTP to this collector (e.g. `http://otel-collector:4318`). */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}
