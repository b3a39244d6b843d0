import type { GatewayDefinition } from '@parley/channel-kit';
import type { PinoLogger } from '@parley/observability';
import { replyWindowsMigration } from './database/reply-windows.migration';
import type { GatewayMetaConfig } from './gateway-meta.config';
import { MetaAdapter } from './meta.adapter';
import { GraphApiClient, ReplyWindowsRepository, type MetaPlatform } from './meta';

export type MetaChannelType = 'facebook' | 'instagram';

export interface MetaGatewayOptions {
  /** The adapter's clock (tests move it to check reply windows). */
  now?: () => Date;
}

/**
 * gateway-meta for one type on the channel kit: schema `gateway_<type>`, subjects `parley.gateway-<type>.*`,
 * metrics `parley_<type>_*`, webhooks `/webhooks/<type>/:channelId`.
 */
export function metaGateway(type: MetaChannelType, options: MetaGatewayOptions = {}): GatewayDefinition<GatewayMetaConfig> {
  const schema = `gateway_${type}`;
  const platform: MetaPlatform = type === 'facebook' ? 'page' : 'instagram';
  return {
    type,
    serviceName: `gateway-${type}`,
    schema,
    createAdapter: (config: GatewayMetaConfig, logger: PinoLogger) => {
      const client = (baseUrl: string) => new GraphApiClient({ baseUrl, version: config.META_API_VERSION, timeoutMs: config.META_API_TIMEOUT_MS });
      const windows = ReplyWindowsRepository.connect(config.DATABASE_URL, schema, (err) => logger.error({ err }, 'could not record a reply window'));
      return new MetaAdapter({
        platform,
        graph: client(config.META_API_URL),
        ...(type === 'instagram' ? { instagramGraph: client(config.INSTAGRAM_API_URL) } : {}),
        windows,
        ...(options.now ? { now: options.now } : {}),
      });
    },
    apiBaseUrl: (config) => config.META_API_URL,
    maxMediaBytes: (config) => config.META_MAX_MEDIA_BYTES,
    migrations: [replyWindowsMigration(schema)],
  };
}
