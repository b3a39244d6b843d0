import type { INestApplication, Type } from '@nestjs/common';
import { configureGatewayApp, createGatewayModule } from '@parley/channel-kit';
import type { GatewayMetaConfig } from './gateway-meta.config';
import { metaGateway, type MetaGatewayOptions } from './meta.gateway';

/** The root module for a validated config: the channel kit around the Meta adapter of `META_CHANNEL_TYPE`. */
export function createAppModule(config: GatewayMetaConfig, options: MetaGatewayOptions = {}): Type<unknown> {
  return createGatewayModule(metaGateway(config.META_CHANNEL_TYPE, options), config);
}

/** HTTP set-up before listening: webhook bodies are read raw (signatures are over the exact bytes). */
export function configureGatewayMetaApp(app: INestApplication): void {
  configureGatewayApp(app);
}
