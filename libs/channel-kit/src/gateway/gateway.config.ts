import { IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
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
}
