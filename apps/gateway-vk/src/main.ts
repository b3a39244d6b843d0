import 'reflect-metadata';
import { runGateway } from '@parley/channel-kit';
import { loadConfig } from '@parley/observability';
import { GatewayVkConfig } from './gateway-vk.config';

type VkGatewayFile = typeof import('./vk.gateway.js');

void runGateway({
  serviceName: 'gateway-vk',
  config: () => loadConfig(GatewayVkConfig),
  definition: async () => {
    // The build is CommonJS but keeps import() native; Node then exposes a CommonJS file's exports under `default`.
    const loaded = (await import('./vk.gateway.js')) as VkGatewayFile & { default?: VkGatewayFile };
    return (loaded.default ?? loaded).vkGateway;
  },
});
