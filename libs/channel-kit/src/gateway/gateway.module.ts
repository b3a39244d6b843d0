import { Module, type INestApplication, type Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingConnection, MessagingModule } from '@parley/messaging';
import { PARLEY_LOGGER, ServiceMetrics, type PinoLogger } from '@parley/observability';
import { outboxProviders, outboxTable } from '@parley/service-kit';
import { AttachmentStore } from '../attachment-store';
import { BackfillRunner } from '../backfill/backfill-runner';
import { ChannelHealthTracker } from '../channels/channel-health';
import { ChannelRegistry } from '../channels/channel-registry';
import { ChannelRepository } from '../channels/channel.repository';
import { ConnectionCache } from '../channels/connection-cache';
import { SecretBox } from '../crypto/secret-box';
import { InboundIntake } from '../inbound/inbound-intake';
import { InboundPublisher } from '../inbound/inbound-publisher';
import { ReceivedKeysRepository } from '../inbound/received-keys.repository';
import { MediaDownloader } from '../media/media-downloader';
import { MediaTransfer } from '../media/media-transfer';
import { ConnectionPacer } from '../pacing/connection-pacer';
import { SharedRateBudget } from '../pacing/shared-rate-budget';
import { ProfileService } from '../profiles/profile-service';
import { SendService } from '../sending/send-service';
import { SentMessagesRepository } from '../sending/sent-messages.repository';
import { rawBodyMiddleware } from '../webhooks/raw-body.middleware';
import { WebhookAdmission } from '../webhooks/webhook-admission';
import { WebhookController } from '../webhooks/webhook.controller';
import { WebhookPipeline } from '../webhooks/webhook-pipeline';
import { GatewayContext } from './gateway-context';
import { openGatewayDatabase } from './gateway-database';
import type { GatewayDefinition } from './gateway-definition';
import { GatewayLifecycle } from './gateway-lifecycle';
import { gatewayRequestsHandler } from './gateway-requests.handler';
import { GatewayMetrics } from './gateway.metrics';
import type { GatewayConfig } from './gateway.config';

const DEFAULT_MAX_MEDIA_BYTES = 50 * 1024 * 1024;

/** The root module of a gateway: the kit's pieces around the definition's adapter, for a validated config. */
export function createGatewayModule<TConfig extends GatewayConfig>(definition: GatewayDefinition<TConfig>, config: TConfig): Type<unknown> {
  const schema = definition.schema;
  @Module({
    imports: [
      MessagingModule.forRoot({
        serviceName: definition.serviceName,
        servers: config.NATS_URL,
        provisionStreams: { replicas: config.NATS_REPLICAS },
      }),
    ],
    controllers: [WebhookController],
    providers: [
      {
        provide: GatewayContext,
        inject: [PARLEY_LOGGER],
        useFactory: (logger: PinoLogger) =>
          new GatewayContext(definition.type, definition.serviceName, schema, definition.createAdapter(config, logger), config, {
            maxMediaBytes: definition.maxMediaBytes?.(config) ?? DEFAULT_MAX_MEDIA_BYTES,
            apiBaseUrl: definition.apiBaseUrl(config),
            metricsPrefix: definition.metricsPrefix ?? definition.type,
          }),
      },
      // The key is checked here too, so a bad PARLEY_SECRET_KEY stops the boot before anything listens.
      { provide: SecretBox, useValue: new SecretBox(config.PARLEY_SECRET_KEY) },
      {
        provide: DataSource,
        useFactory: () =>
          openGatewayDatabase({
            url: config.DATABASE_URL,
            schema,
            serviceName: definition.serviceName,
            ...(definition.migrations ? { migrations: definition.migrations } : {}),
            ...(definition.lockKeys?.migrations === undefined ? {} : { migrationLockKey: definition.lockKeys.migrations }),
          }),
      },
      {
        provide: AttachmentStore,
        inject: [MessagingConnection],
        useFactory: (connection: MessagingConnection) => AttachmentStore.open(connection.nc, { replicas: config.NATS_REPLICAS }),
      },
      {
        provide: GatewayMetrics,
        inject: [ServiceMetrics, GatewayContext],
        useFactory: (metrics: ServiceMetrics, context: GatewayContext) => new GatewayMetrics(metrics, context.options.metricsPrefix, definition.type.toUpperCase()),
      },
      { provide: ChannelRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ChannelRepository(ds, schema) },
      { provide: ReceivedKeysRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ReceivedKeysRepository(ds, schema) },
      { provide: SentMessagesRepository, inject: [DataSource], useFactory: (ds: DataSource) => new SentMessagesRepository(ds, schema) },
      {
        provide: ConnectionCache,
        inject: [ChannelRepository, SecretBox, GatewayContext],
        useFactory: (channels: ChannelRepository, box: SecretBox, context: GatewayContext) => new ConnectionCache(channels, box, context),
      },
      {
        provide: MediaDownloader,
        inject: [GatewayContext],
        useFactory: (context: GatewayContext) => new MediaDownloader(context.adapter.capabilities.mediaHosts, context.options.apiBaseUrl),
      },
      {
        provide: ConnectionPacer,
        inject: [GatewayContext, DataSource],
        useFactory: (context: GatewayContext, ds: DataSource) =>
          new ConnectionPacer(context.adapter.capabilities.rateBudgets, new SharedRateBudget(ds, schema), {
            maxWaitMs: config.PACING_MAX_WAIT_MS,
            coldStart: config.PACING_COLD_START,
          }),
      },
      {
        provide: WebhookAdmission,
        useValue: new WebhookAdmission(config.WEBHOOK_MAX_IN_FLIGHT, config.WEBHOOK_MAX_QUEUED, config.WEBHOOK_MAX_WAIT_MS),
      },
      ...outboxProviders({
        table: outboxTable(schema),
        leaseKey: definition.lockKeys?.outboxLease ?? `${schema}:outbox`,
        pollMs: config.OUTBOX_POLL_MS,
      }),
      InboundPublisher,
      MediaTransfer,
      InboundIntake,
      BackfillRunner,
      ChannelRegistry,
      ChannelHealthTracker,
      WebhookPipeline,
      SendService,
      ProfileService,
      gatewayRequestsHandler(definition.type),
      GatewayLifecycle,
    ],
  })
  class GatewayModule {}
  return GatewayModule;
}

/** HTTP set-up before listening: webhook bodies are read raw (before Nest's JSON parser). */
export function configureGatewayApp(app: INestApplication): void {
  app.use('/webhooks', rawBodyMiddleware);
}
