import { GatewayErrorHttpStatus } from '@parley/contracts';
import { runService, type RunningService } from '@parley/observability';
import type { GatewayDefinition } from './gateway-definition';
import { configureGatewayApp, createGatewayModule } from './gateway.module';
import type { GatewayConfig } from './gateway.config';

export interface RunGatewayOptions<TConfig extends GatewayConfig> {
  serviceName: string;
  /** Loads and validates the config (a bad variable is logged and the process exits 1). */
  config: () => TConfig;
  /**
   * Loads the gateway's definition (`() => import('./vk.gateway.js').then((m) => m.vkGateway)`), so the adapter's
   * code is loaded after tracing has started.
   */
  definition: () => Promise<GatewayDefinition<TConfig>>;
}

/** A gateway's `main.ts`: tracing, config, the kit's module around the adapter, webhooks raw, graceful shutdown. */
export function runGateway<TConfig extends GatewayConfig>(options: RunGatewayOptions<TConfig>): Promise<RunningService | undefined> {
  let config: TConfig | undefined;
  return runService({
    serviceName: options.serviceName,
    config: () => (config = options.config()),
    module: async () => {
      if (!config) throw new Error('config not loaded');
      return createGatewayModule(await options.definition(), config);
    },
    configure: (app) => configureGatewayApp(app),
    httpStatusMap: GatewayErrorHttpStatus,
  });
}
