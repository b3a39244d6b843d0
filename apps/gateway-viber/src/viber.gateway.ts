import type { GatewayDefinition } from '@parley/channel-kit';
import type { GatewayViberConfig } from './gateway-viber.config';
import { signerFor } from './media-links/media-link.signer-factory';
import { ViberAdapter } from './viber.adapter';
import { ViberApiClient } from './viber';

/** gateway-viber on the channel kit: schema `gateway_viber`, subjects `parley.gateway-viber.*`, metrics `parley_viber_*`. */
export const viberGateway: GatewayDefinition<GatewayViberConfig> = {
  type: 'viber',
  serviceName: 'gateway-viber',
  schema: 'gateway_viber',
  createAdapter: (config) => new ViberAdapter(new ViberApiClient({ baseUrl: config.VIBER_API_URL, timeoutMs: config.VIBER_API_TIMEOUT_MS }), signerFor(config)),
  apiBaseUrl: (config) => config.VIBER_API_URL,
  maxMediaBytes: (config) => config.VIBER_MAX_MEDIA_BYTES,
};
