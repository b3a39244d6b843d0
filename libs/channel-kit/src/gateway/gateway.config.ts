import { IsBoolean, IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { InfraServiceConfig } from '@parley/service-kit';

/**
 * What every gateway reads from the environment, validated at boot. A gateway's config extends it with its
 * messenger's variables (`VK_API_URL`, `TELEGRAM_API_URL`, …) and overrides `PORT` and `PUBLIC_WEBHOOK_BASE_URL`.
 */
export class GatewayConfig extends InfraServiceConfig {
  /** Public base URL the messenger reaches this gateway at; webhook URLs are `<base>/webhooks/<type>/<channelId>`. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_WEBHOOK_BASE_URL: string = 'http://localhost:3100';

  /** AES-256-GCM key for channel credentials at rest: exactly 32 bytes, base64. */
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'PARLEY_SECRET_KEY must be 32 bytes encoded as base64 (44 characters)' })
  PARLEY_SECRET_KEY!: string;

  /** How far back a re-activated channel fetches what it missed (where the messenger has a history API). */
  @IsInt()
  @Min(1)
  @Max(24 * 7)
  BACKFILL_WINDOW_HOURS: number = 24;

  /** Safety-net poll of the ChannelChanged outbox and of pending backfills. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 1_000;

  /**
   * How long a replica trusts its cached (decrypted) channel. Changes by any replica invalidate caches at once
   * through LISTEN on the outbox's NOTIFY channel; this bounds staleness while that connection is down.
   */
  @IsInt()
  @Min(0)
  @Max(600_000)
  CHANNEL_CACHE_MS: number = 2_000;

  /** Consecutive failed messenger API calls of a channel after which it is shown as degraded. */
  @IsInt()
  @Min(1)
  @Max(1_000)
  CHANNEL_DEGRADED_AFTER_FAILURES: number = 5;

  /**
   * Webhooks handled at once; more wait for a slot (WebhookAdmission). Without a bound, a burst of retries after an
   * outage queued on the database pool past the messenger's own timeout and nothing was answered in time.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  WEBHOOK_MAX_IN_FLIGHT: number = 32;

  /** Webhooks waiting for a slot at most; beyond that a delivery is answered 503 at once (the messenger retries). */
  @IsInt()
  @Min(0)
  @Max(100_000)
  WEBHOOK_MAX_QUEUED: number = 512;

  /** Longest wait for a webhook slot before the delivery is answered 503 (well inside the messenger's timeout). */
  @IsInt()
  @Min(1)
  @Max(60_000)
  WEBHOOK_MAX_WAIT_MS: number = 2_000;

  /**
   * A messenger API call that cannot get a rate-budget slot within this many ms is refused (retryable
   * RATE_LIMITED, no slot spent): its caller (a fetch-profile request, a send) has given up by then and retries.
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  PACING_MAX_WAIT_MS: number = 10_000;

  /**
   * A freshly started process counts the first window of every budget as spent: the process it replaces (killed
   * a moment ago) may just have used it, and its last calls can still be arriving at the messenger.
   */
  @IsBoolean()
  PACING_COLD_START: boolean = true;
}
