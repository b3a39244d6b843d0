import 'reflect-metadata';
import { runGateway } from '@parley/channel-kit';
import { loadConfig } from '@parley/observability';
import { GatewayTelegramConfig } from './gateway-telegram.config';

type TelegramGatewayFile = typeof import('./telegram.gateway.js');

void runGateway({
  serviceName: 'gateway-telegram',
  config: () => loadConfig(GatewayTelegramConfig),
  definition: async () => {
    // The build is CommonJS but keeps import() native; Node then exposes a CommonJS file's exports under `default`.
    const loaded = (await import('./telegram.gateway.js')) as TelegramGatewayFile & { default?: TelegramGatewayFile };
    return (loaded.default ?? loaded).telegramGateway;
  },
});
