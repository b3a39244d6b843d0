import type { GatewayDefinition } from '@parley/channel-kit';
import type { GatewayTelegramConfig } from './gateway-telegram.config';
import { TelegramAdapter } from './telegram.adapter';
import { TelegramBotApiClient } from './telegram';

/** gateway-telegram on the channel kit: schema `gateway_telegram`, subjects `parley.gateway-telegram.*`, metrics `parley_telegram_*`. */
export const telegramGateway: GatewayDefinition<GatewayTelegramConfig> = {
  type: 'telegram',
  serviceName: 'gateway-telegram',
  schema: 'gateway_telegram',
  createAdapter: (config) =>
    new TelegramAdapter(new TelegramBotApiClient({ baseUrl: config.TELEGRAM_API_URL, timeoutMs: config.TELEGRAM_API_TIMEOUT_MS })),
  apiBaseUrl: (config) => config.TELEGRAM_API_URL,
  maxMediaBytes: (config) => config.TELEGRAM_MAX_MEDIA_BYTES,
};
