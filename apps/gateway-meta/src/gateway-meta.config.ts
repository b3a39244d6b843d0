import { IsIn, IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { GatewayConfig } from '@parley/channel-kit';

/**
 * gateway-meta configuration. One process serves one type (`META_CHANNEL_TYPE`): run it twice for Facebook pages
 * and Instagram accounts (subjects `parley.gateway-facebook.*` / `parley.gateway-instagram.*`).
 */
export class GatewayMetaConfig extends GatewayConfig {
  override PORT: number = 3108;

  /** Public base URL Meta reaches this service at; webhook URLs are `<base>/webhooks/<type>/<channelId>`. */
  override PUBLIC_WEBHOOK_BASE_URL: string = 'http://localhost:3108';

  @IsIn(['facebook', 'instagram'])
  META_CHANNEL_TYPE: 'facebook' | 'instagram' = 'facebook';

  /** Graph API base (graph.facebook.com); the sandbox and tests point it at the Meta fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  META_API_URL: string = 'https://graph.facebook.com';

  /** Instagram Login base (graph.instagram.com), used for Instagram tokens of that login (`IG…`). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  INSTAGRAM_API_URL: string = 'https://graph.instagram.com';

  @IsString()
  @Matches(/^v\d+\.\d+$/)
  META_API_VERSION: string = 'v26.0';

  @IsInt()
  @Min(100)
  @Max(120_000)
  META_API_TIMEOUT_MS: number = 20_000;

  @IsInt()
  @Min(1024)
  META_MAX_MEDIA_BYTES: number = 25 * 1024 * 1024;
}
