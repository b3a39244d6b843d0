import { IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { InfraServiceConfig } from '@parley/service-kit';

/** gateway-vk configuration, read from the environment and validated at boot (a bad variable stops the app). */
export class GatewayVkConfig extends InfraServiceConfig {
  override PORT: number = 3101;

  /** VK API base; the sandbox and tests point it at the VK fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VK_API_URL: string = 'https://api.vk.com/method';

  /** Timeout of one VK API call. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  VK_API_TIMEOUT_MS: number = 10_000;

  /** Public base URL VK reaches this service at; webhook URLs are `<base>/webhooks/vk/<channelId>`. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_WEBHOOK_BASE_URL: string = 'http://localhost:3101';

  /** AES-256-GCM key for channel credentials at rest: exactly 32 bytes, base64. */
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'PARLEY_SECRET_KEY must be 32 bytes encoded as base64 (44 characters)' })
  PARLEY_SECRET_KEY!: string;

  /** Largest inbound media file copied into the attachment store (bytes); larger files are left out of the message. */
  @IsInt()
  @Min(1024)
  VK_MAX_MEDIA_BYTES: number = 50 * 1024 * 1024;

  /** How far back a re-activated channel fetches messages it missed. */
  @IsInt()
  @Min(1)
  @Max(24 * 7)
  BACKFILL_WINDOW_HOURS: number = 24;

  /** Webhooks handled at once; more wait (see WebhookAdmission). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  WEBHOOK_MAX_IN_FLIGHT: number = 32;

  /** Webhooks waiting for a slot at most; beyond that a delivery is answered 503 at once (VK retries it). */
  @IsInt()
  @Min(0)
  @Max(100_000)
  WEBHOOK_MAX_QUEUED: number = 512;

  /** Longest wait for a slot before a delivery is answered 503 (well inside VK's own timeout). */
  @IsInt()
  @Min(1)
  @Max(60_000)
  WEBHOOK_MAX_WAIT_MS: number = 2_000;

  /** Safety-net poll of the ChannelChanged outbox and of pending backfills. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 1_000;
}
