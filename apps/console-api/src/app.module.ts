import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AttachmentStore } from '@parley/channel-kit';
import { MessagingConnection, MessagingHealth, MessagingModule } from '@parley/messaging';
import { HealthRegistry, loadConfig } from '@parley/observability';
import { AttachmentsModule } from './attachments/attachments.module';
import { AccessTokenService } from './auth/access-token.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { ChannelTypesRepository } from './channels/channel-types.repository';
import { ChannelsController } from './channels/channels.controller';
import { ChannelsService } from './channels/channels.service';
import { ConsoleApiConfig, SERVICE_NAME } from './console-api.config';
import { ContactsController } from './contacts/contacts.controller';
import { ConversationsController } from './conversations/conversations.controller';
import { ConversationsService } from './conversations/conversations.service';
import { DatabaseModule } from './database/database.module';
import { LineAccessService } from './lines/line-access.service';
import { LinesController } from './lines/lines.controller';
import { FeedNotifyListener } from './live/feed-notify.listener';
import { FeedWriter } from './live/feed-writer.service';
import { FeedRepository } from './live/feed.repository';
import { LiveHub } from './live/live-hub.service';
import { LiveGateway } from './live/live.gateway';
import { AdminBootstrapService } from './operators/admin-bootstrap.service';
import { OperatorsController } from './operators/operators.controller';
import { OperatorsRepository } from './operators/operators.repository';
import { OperatorsService } from './operators/operators.service';

/** The validated config, global so every module (and MessagingModule's factory) can inject it. */
@Global()
@Module({
  providers: [{ provide: ConsoleApiConfig, useFactory: () => loadConfig(ConsoleApiConfig) }],
  exports: [ConsoleApiConfig],
})
class ConfigModule {}

/** Messaging, auth and the attachment store, shared by every feature module. */
@Global()
@Module({
  imports: [
    MessagingModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConsoleApiConfig],
      useFactory: (config: ConsoleApiConfig) => ({
        serviceName: SERVICE_NAME,
        servers: config.NATS_URL,
        provisionStreams: { replicas: config.NATS_REPLICAS },
      }),
    }),
  ],
  providers: [
    {
      provide: AttachmentStore,
      inject: [MessagingConnection, ConsoleApiConfig],
      useFactory: (connection: MessagingConnection, config: ConsoleApiConfig) =>
        AttachmentStore.open(connection.nc, { replicas: config.NATS_REPLICAS }),
    },
    AccessTokenService,
    OperatorsRepository,
    OperatorsService,
    AuthGuard,
  ],
  exports: [AttachmentStore, AccessTokenService, OperatorsService, AuthGuard],
})
class CoreModule {}


@Module({
  imports: [ConfigModule, CoreModule, DatabaseModule, AttachmentsModule],
  controllers: [AuthController, OperatorsController, LinesController, ChannelsController, ConversationsController, ContactsController],
  providers: [
    AdminBootstrapService,
    LineAccessService,
    ChannelTypesRepository,
    ChannelsService,
    ConversationsService,
    FeedRepository,
    LiveHub,
    FeedWriter,
    FeedNotifyListener,
    LiveGateway,
  ],
})
export class AppModule implements OnModuleInit {
  constructor(
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(MessagingHealth) private readonly messaging: MessagingHealth,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'nats',
      check: async () => {
        if (!this.messaging.check().healthy) throw new Error('nats disconnected or a consumer stopped');
      },
    });
  }
}
