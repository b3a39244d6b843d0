import 'reflect-metadata';
import { loadConfig, runService } from '@parley/observability';
import { GatewayVkConfig } from './gateway-vk.config';

type AppModuleFile = typeof import('./app.module.js');

let config: GatewayVkConfig | undefined;

void runService({
  serviceName: 'gateway-vk',
  config: () => (config = loadConfig(GatewayVkConfig)),
  module: async () => {
    // The build is CommonJS but keeps import() native; Node then exposes a CommonJS file's exports under `default`.
    const loaded = (await import('./app.module.js')) as AppModuleFile & { default?: AppModuleFile };
    const { createAppModule } = loaded.default ?? loaded;
    if (!config) throw new Error('config not loaded');
    return createAppModule(config);
  },
  configure: async (app) => {
    const loaded = (await import('./app.module.js')) as AppModuleFile & { default?: AppModuleFile };
    (loaded.default ?? loaded).configureGatewayVkApp(app);
  },
  httpStatusMap: { CHANNEL_ALREADY_CONNECTED: 409, CHANNEL_CHECK_FAILED: 422 },
});
