import 'reflect-metadata';
import { configureGatewayApp } from '@parley/channel-kit';
import { GatewayErrorHttpStatus } from '@parley/contracts';
import { loadConfig, runService } from '@parley/observability';
import { GatewayViberConfig } from './gateway-viber.config';

type AppModuleFile = typeof import('./app.module.js');

let config: GatewayViberConfig | undefined;

// runGateway's steps, with the media-link routes beside the kit's module (see app.module.ts).
void runService({
  serviceName: 'gateway-viber',
  config: () => (config = loadConfig(GatewayViberConfig)),
  module: async () => {
    if (!config) throw new Error('config not loaded');
    // The build is CommonJS but keeps import() native; Node then exposes a CommonJS file's exports under `default`.
    const loaded = (await import('./app.module.js')) as AppModuleFile & { default?: AppModuleFile };
    return (loaded.default ?? loaded).createAppModule(config);
  },
  configure: (app) => configureGatewayApp(app),
  httpStatusMap: GatewayErrorHttpStatus,
});
