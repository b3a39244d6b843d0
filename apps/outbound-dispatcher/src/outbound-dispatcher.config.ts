import { InfraServiceConfig } from '@parley/service-kit';
import { IsInt, IsNumber, IsOptional, IsJSON, Max, Min } from 'class-validator';

export const SERVICE_NAME = 'outbound-dispatcher';

/** The outbound dispatcher's environment, validated at boot (`loadConfig`). */
export class OutboundDispatcherConfig extends InfraServiceConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3105;

  @IsInt()
  @Min(2)
  @Max(200)
  DB_POOL_SIZE: number = 20;

  /** How long one gateway `send` may take before it counts as a TIMEOUT (retried). */
  @IsInt()
  @Min(100)
  @Max(120_000)
  SEND_TIMEOUT_MS: number = 10_000;

  /**
   * How long a claimed reply stays reserved for the replica that claimed it. A reply whose claimer died is sent
   * again once this passes (safe: the gateway's send is idempotent by reply id). Must exceed SEND_TIMEOUT_MS
   * plus the longest rate-limit wait.
   */
  @IsInt()
  @Min(500)
  @Max(3_600_000)
  CLAIM_LEASE_MS: number = 30_000;

  /** Sends in flight at once in this process. */
  @IsInt()
  @Min(1)
  @Max(1_000)
  MAX_IN_FLIGHT: number = 64;

  /** Safety-net poll for due work (new replies and due retries normally wake the worker at once). */
  @IsInt()
  @Min(20)
  @Max(60_000)
  POLL_MS: number = 1_000;

  @IsInt()
  @Min(20)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 1_000;

  @IsInt()
  @Min(1)
  @Max(100)
  RETRY_MAX_ATTEMPTS: number = 8;

  @IsInt()
  @Min(1_000)
  RETRY_MAX_AGE_MS: number = 24 * 60 * 60 * 1000;

  @IsInt()
  @Min(1)
  RETRY_BASE_DELAY_MS: number = 1_000;

  @IsInt()
  @Min(1)
  RETRY_MAX_DELAY_MS: number = 5 * 60 * 1000;

  /**
   * Per-type overrides of the capability table, JSON, e.g.
   * `{"vk":{"perChannel":{"ratePerSec":10,"burst":1}},"viber":{"perChannel":{"ratePerSec":5,"burst":1}}}`.
   */
  @IsOptional()
  @IsJSON()
  RATE_LIMITS?: string;

  /** Fraction of each budget this replica may use (1/N with N replicas; buckets are per process). */
  @IsNumber()
  @Min(0.001)
  @Max(1)
  RATE_LIMIT_SHARE: number = 1;
}
