import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { GatewayConfig } from '@parley/channel-kit';

/** gateway-vk configuration, read from the environment and validated at boot (a bad variable stops the app). */
export class GatewayVkConfig extends GatewayConfig {
  override PORT: number = 3101;

  /** Public base URL VK reaches this service at; webhook URLs are `<base>/webhooks/vk/<channelId>`. */
  override PUBLIC_WEBHOOK_BASE_URL: string = 'http://localhost:3101';

  /** VK API base; the sandbox and tests point it at the VK fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VK_API_URL: string = 'https://api.vk.com/method';

  /** Timeout of one VK API call. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  VK_API_TIMEOUT_MS: number = 10_000;

  /** Largest inbound media file copied into the attachment store (bytes); larger files are left out of the message. */
  @IsInt()
  @Min(1024)
  VK_MAX_MEDIA_BYTES: number = 50 * 1024 * 1024;
}
