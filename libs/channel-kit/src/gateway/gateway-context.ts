import type { ChannelType } from '@parley/contracts';
import type { ChannelAdapter } from '../adapter/channel-adapter';
import type { GatewayConfig } from './gateway.config';

/** What every kit component reads about the gateway it runs in (one value, provided by `createGatewayModule`). */
export class GatewayContext {
  constructor(
    readonly type: ChannelType,
    readonly serviceName: string,
    readonly schema: string,
    readonly adapter: ChannelAdapter<object, object>,
    readonly config: GatewayConfig,
    readonly options: { maxMediaBytes: number; apiBaseUrl: string; metricsPrefix: string },
  ) {}

  webhookUrl(channelId: string): string {
    return `${this.config.PUBLIC_WEBHOOK_BASE_URL.replace(/\/+$/, '')}/webhooks/${this.type}/${channelId}`;
  }
}
