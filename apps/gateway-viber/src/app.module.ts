import { Module, type INestApplication, type Type } from '@nestjs/common';
import { configureGatewayApp, createGatewayModule } from '@parley/channel-kit';
import type { GatewayViberConfig } from './gateway-viber.config';
import { MediaLinkModule } from './media-links/media-link.module';
import { viberGateway } from './viber.gateway';

export const SERVICE_NAME = viberGateway.serviceName;

/** The gateway-viber root module: the channel kit around the Viber adapter, plus the signed media links Viber downloads. */
export function createAppModule(config: GatewayViberConfig): Type<unknown> {
  @Module({ imports: [createGatewayModule(viberGateway, config), MediaLinkModule.forConfig(config)] })
  class GatewayViberModule {}
  return GatewayViberModule;
}

/** HTTP set-up before listening: webhook bodies are read raw (before Nest's JSON parser). */
export function configureGatewayViberApp(app: INestApplication): void {
  configureGatewayApp(app);
}
