import { IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { GatewayConfig } from '@parley/channel-kit';

/** gateway-viber configuration, read from the environment and validated at boot (a bad variable stops the app). */
export class GatewayViberConfig extends GatewayConfig {
  override PORT: number = 3107;

  /** Public base URL Viber reaches this service at: webhooks `<base>/webhooks/viber/<channelId>`, media links `<base>/media/viber/…`. */
  override PUBLIC_WEBHOOK_BASE_URL: string = 'http://localhost:3107';

  /** Viber REST Bot API base; the sandbox and tests point it at the Viber fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIBER_API_URL: string = 'https://chatapi.viber.com/pa';

  /** Timeout of one Viber API call. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  VIBER_API_TIMEOUT_MS: number = 10_000;

  /** Largest inbound media file copied into the attachment store (bytes); larger files are left out of the message. */
  @IsInt()
  @Min(1024)
  VIBER_MAX_MEDIA_BYTES: number = 50 * 1024 * 1024;

  /** Where Viber downloads outbound attachments from (default PUBLIC_WEBHOOK_BASE_URL): `<base>/media/viber/…`. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIBER_MEDIA_BASE_URL?: string;

  /** How long a signed media link stays valid (seconds; default 24 h, a Viber session). */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  VIBER_MEDIA_LINK_TTL_S: number = 24 * 3600;
}
