import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { GatewayConfig } from '@parley/channel-kit';

/** gateway-telegram configuration, read from the environment and validated at boot (a bad variable stops the app). */
export class GatewayTelegramConfig extends GatewayConfig {
  override PORT: number = 3106;

  /** Public base URL Telegram reaches this service at; webhook URLs are `<base>/webhooks/telegram/<channelId>`. */
  override PUBLIC_WEBHOOK_BASE_URL: string = 'http://localhost:3106';

  /** Bot API base (methods at `<base>/bot<token>/<method>`); the sandbox and tests point it at the Telegram fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  TELEGRAM_API_URL: string = 'https://api.telegram.org';

  /** Timeout of one Bot API call. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  TELEGRAM_API_TIMEOUT_MS: number = 10_000;

  /** Largest inbound media file copied into the attachment store (bytes); getFile serves at most 20 MB anyway. */
  @IsInt()
  @Min(1024)
  TELEGRAM_MAX_MEDIA_BYTES: number = 20 * 1024 * 1024;
}
