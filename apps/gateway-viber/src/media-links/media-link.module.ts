import { Module, type DynamicModule } from '@nestjs/common';
import { AttachmentStore } from '@parley/channel-kit';
import { MessagingConnection } from '@parley/messaging';
import type { GatewayViberConfig } from '../gateway-viber.config';
import { MediaLinkController } from './media-link.controller';
import { mediaLinkSignerFor } from './media-link.signer-factory';

/** Serves outbound attachments to Viber at signed, expiring URLs (Viber downloads send_message media by URL). */
@Module({})
export class MediaLinkModule {
  static forConfig(config: GatewayViberConfig): DynamicModule {
    return {
      module: MediaLinkModule,
      controllers: [MediaLinkController],
      providers: [
        mediaLinkSignerFor(config),
        {
          provide: AttachmentStore,
          inject: [MessagingConnection],
          useFactory: (connection: MessagingConnection) => AttachmentStore.open(connection.nc, { replicas: config.NATS_REPLICAS }),
        },
      ],
    };
  }
}
