import type { INestApplication, Type } from '@nestjs/common';
import { configureGatewayApp, createGatewayModule } from '@parley/channel-kit';
import type { GatewayTelegramConfig } from './gateway-telegram.config';
import { telegramGateway } from './telegram.gateway';

export const SERVICE_NAME = telegramGateway.serviceName;

/** The gateway-telegram root module for a validated config: the channel kit around the Telegram adapter. */
export function createAppModule(config: GatewayTelegramConfig): Type<unknown> {
  return createGatewayModule(telegramGateway, config);
}

/** HTTP set-up before listening: webhook bodies are read raw (before Nest's JSON parser). */
export function configureGatewayTelegramApp(app: INestApplication): void {
  configureGatewayApp(app);
}
