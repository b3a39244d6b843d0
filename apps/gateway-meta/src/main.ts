import 'reflect-metadata';
import { runGateway } from '@parley/channel-kit';
import { loadConfig } from '@parley/observability';
import { GatewayMetaConfig } from './gateway-meta.config';

type MetaGatewayFile = typeof import('./meta.gateway.js');

const type = process.env['META_CHANNEL_TYPE'] === 'instagram' ? 'instagram' : 'facebook';

void runGateway({
  serviceName: `gateway-${type}`,
  config: () => loadConfig(GatewayMetaConfig),
  definition: async () => {
    // The build is CommonJS but keeps import() native; Node then exposes a CommonJS file's exports under `default`.
    const loaded = (await import('./meta.gateway.js')) as MetaGatewayFile & { default?: MetaGatewayFile };
    return (loaded.default ?? loaded).metaGateway(type);
  },
});
