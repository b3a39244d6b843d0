import type { INestApplication, Type } from '@nestjs/common';
import { configureGatewayApp, createGatewayModule } from '@parley/channel-kit';
import type { GatewayVkConfig } from './gateway-vk.config';
import { vkGateway } from './vk.gateway';

export const SERVICE_NAME = vkGateway.serviceName;

/** The gateway-vk root module for a validated config: the channel kit around the VK adapter. */
export function createAppModule(config: GatewayVkConfig): Type<unknown> {
  return createGatewayModule(vkGateway, config);
}

/** HTTP set-up before listening: webhook bodies are read raw (before Nest's JSON parser). */
export function configureGatewayVkApp(app: INestApplication): void {
  configureGatewayApp(app);
}
