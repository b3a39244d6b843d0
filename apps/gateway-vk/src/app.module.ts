import { Module, type INestApplication, type Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AttachmentStore } from '@parley/channel-kit';
import { MessagingConnection, MessagingModule } from '@parley/messaging';
import { outboxProviders } from '@parley/service-kit';
import { BackfillRunner } from './backfill/backfill-runner';
import { ChannelRequestsHandler } from './channels/channel-requests.handler';
import { ChannelRepository } from './channels/channel.repository';
import { ChannelsService } from './channels/channels.service';
import { SecretBox } from './crypto/secret-box';
import { GATEWAY_VK_OUTBOX, openGatewayVkDatabase } from './database/gateway-vk-data-source';
import { GatewayVkConfig } from './gateway-vk.config';
import { GatewayVkLifecycle } from './health/gateway-vk-lifecycle';
import { GatewayVkMetrics } from './health/gateway-vk.metrics';
import { InboundPublisher } from './inbound/inbound-publisher';
import { ReceivedKeysRepository } from './inbound/received-keys.repository';
import { MediaCopier } from './media/media-copier';
import { FetchProfileHandler } from './profiles/fetch-profile.handler';
import { SendReplyHandler } from './sending/send-reply.handler';
import { SendReplyService } from './sending/send-reply.service';
import { SentMessagesRepository } from './sending/sent-messages.repository';
import { VkApiClient, VkUserLookups } from './vk';
import { rawBodyMiddleware } from './webhooks/raw-body.middleware';
import { WebhookAdmission } from './webhooks/webhook-admission';
import { VkWebhookController } from './webhooks/vk-webhook.controller';
import { VkWebhookService } from './webhooks/vk-webhook.service';

export const SERVICE_NAME = 'gateway-vk';

/** Advisory lock key of the outbox relay lease ("gvko"). */
const OUTBOX_LEASE_KEY = 0x67766b6f;

/** The gateway-vk root module for a validated config. */
export function createAppModule(config: GatewayVkConfig): Type<unknown> {
  @Module({
    imports: [
      MessagingModule.forRoot({
        serviceName: SERVICE_NAME,
        servers: config.NATS_URL,
        provisionStreams: { replicas: config.NATS_REPLICAS },
      }),
    ],
    controllers: [VkWebhookController],
    providers: [
      { provide: GatewayVkConfig, useValue: config },
      // The key is checked here too, so a bad PARLEY_SECRET_KEY stops the boot before anything listens.
      { provide: SecretBox, useValue: new SecretBox(config.PARLEY_SECRET_KEY) },
      {
        provide: VkApiClient,
        useValue: new VkApiClient({
          baseUrl: config.VK_API_URL,
          timeoutMs: config.VK_API_TIMEOUT_MS,
          maxPacingWaitMs: config.VK_API_TIMEOUT_MS,
          coldStart: true,
        }),
      },
      { provide: VkUserLookups, inject: [VkApiClient], useFactory: (vk: VkApiClient) => new VkUserLookups(vk) },
      { provide: DataSource, useFactory: () => openGatewayVkDatabase(config.DATABASE_URL) },
      {
        provide: WebhookAdmission,
        useValue: new WebhookAdmission(config.WEBHOOK_MAX_IN_FLIGHT, config.WEBHOOK_MAX_QUEUED, config.WEBHOOK_MAX_WAIT_MS),
      },
      {
        provide: AttachmentStore,
        inject: [MessagingConnection],
        useFactory: (connection: MessagingConnection) => AttachmentStore.open(connection.nc, { replicas: config.NATS_REPLICAS }),
      },
      { provide: ChannelRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ChannelRepository(ds) },
      { provide: ReceivedKeysRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ReceivedKeysRepository(ds) },
      { provide: SentMessagesRepository, inject: [DataSource], useFactory: (ds: DataSource) => new SentMessagesRepository(ds) },
      ...outboxProviders({ table: GATEWAY_VK_OUTBOX, leaseKey: OUTBOX_LEASE_KEY, pollMs: config.OUTBOX_POLL_MS }),
      GatewayVkMetrics,
      InboundPublisher,
      MediaCopier,
      BackfillRunner,
      ChannelsService,
      ChannelRequestsHandler,
      VkWebhookService,
      SendReplyService,
      SendReplyHandler,
      FetchProfileHandler,
      GatewayVkLifecycle,
    ],
  })
  class AppModule {}
  return AppModule;
}

/** HTTP set-up before listening: webhook bodies are read raw (before Nest's JSON parser). */
export function configureGatewayVkApp(app: INestApplication): void {
  app.use('/webhooks/vk', rawBodyMiddleware);
}
