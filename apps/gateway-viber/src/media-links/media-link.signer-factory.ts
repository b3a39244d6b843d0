import type { FactoryProvider } from '@nestjs/common';
import type { GatewayViberConfig } from '../gateway-viber.config';
import { MediaLinkSigner } from './media-link.signer';

/** The one signer of a gateway process: the adapter links with it, the controller verifies with it. */
const signers = new WeakMap<GatewayViberConfig, MediaLinkSigner>();

export function signerFor(config: GatewayViberConfig): MediaLinkSigner {
  let signer = signers.get(config);
  if (!signer) {
    signer = new MediaLinkSigner(config.PARLEY_SECRET_KEY, config.VIBER_MEDIA_BASE_URL ?? config.PUBLIC_WEBHOOK_BASE_URL, config.VIBER_MEDIA_LINK_TTL_S);
    signers.set(config, signer);
  }
  return signer;
}

export function mediaLinkSignerFor(config: GatewayViberConfig): FactoryProvider<MediaLinkSigner> {
  return { provide: MediaLinkSigner, useFactory: () => signerFor(config) };
}
