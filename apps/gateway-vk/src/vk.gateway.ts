import type { GatewayDefinition } from '@parley/channel-kit';
import { GatewayVkMigrations } from './database/migrations';
import type { GatewayVkConfig } from './gateway-vk.config';
import { VkAdapter } from './vk.adapter';
import { VkApiClient } from './vk';

/** gateway-vk on the channel kit: schema `gateway_vk`, subjects `parley.gateway-vk.*`, metrics `parley_vk_*`. */
export const vkGateway: GatewayDefinition<GatewayVkConfig> = {
  type: 'vk',
  serviceName: 'gateway-vk',
  schema: 'gateway_vk',
  // VkApiClient paces every call per token itself (the adapter's calls are many per send); the kit's pacing
  // settings (wait bound, cold start) apply to it.
  createAdapter: (config) =>
    new VkAdapter(
      new VkApiClient({
        baseUrl: config.VK_API_URL,
        timeoutMs: config.VK_API_TIMEOUT_MS,
        maxPacingWaitMs: config.PACING_MAX_WAIT_MS,
        coldStart: config.PACING_COLD_START,
      }),
    ),
  apiBaseUrl: (config) => config.VK_API_URL,
  maxMediaBytes: (config) => config.VK_MAX_MEDIA_BYTES,
  migrations: GatewayVkMigrations,
  // The keys gateway-vk used before the kit ("gwvk", "gvko"), so replicas of both versions never migrate at once.
  lockKeys: { migrations: 0x6777766b, outboxLease: 0x67766b6f },
};
