import { Module, type Type } from '@nestjs/common';
import { MessagingModule } from '@parley/messaging';
import { ConversationCommandsHandler } from './commands/conversation-commands.handler';
import { ConversationCommandsService } from './commands/conversation-commands.service';
import { ConversationRepository } from './conversation/conversation.repository';
import { ConversationServiceConfig, SERVICE_NAME } from './conversation-service.config';
import { DatabaseModule } from './database/database.module';
import { DeliveryOutcomeHandler } from './delivery/delivery-outcome.handler';
import { ReplyExternalIdsRepository } from './delivery/reply-external-ids.repository';
import { ReplyReceiptHandler } from './delivery/reply-receipt.handler';
import { DependencyHealth } from './health/dependency-health';
import { ChannelBlocksRepository } from './inbound/channel-blocks.repository';
import { ContactResolver } from './inbound/contact-resolver';
import { InboundHandler } from './inbound/inbound.handler';
import { InboundService } from './inbound/inbound.service';
import { SessionsRepository } from './inbound/sessions.repository';
import { LineChangedHandler } from './lines/line-changed.handler';
import { LinesRepository } from './lines/lines.repository';
import { ConversationQueriesHandler } from './read-model/conversation-queries.handler';
import { ReadModelRepository } from './read-model/read-model.repository';
import { ReadModelService } from './read-model/read-model.service';
import { EventRelayService } from './relay/event-relay.service';

/** The conversation-service's root module for a validated config (`runService` adds observability around it). */
export function createAppModule(config: ConversationServiceConfig): Type<unknown> {
  @Module({ providers: [{ provide: ConversationServiceConfig, useValue: config }], exports: [ConversationServiceConfig] })
  class ConfigModule {}

  @Module({
    imports: [
      ConfigModule,
      { module: DatabaseModule, imports: [ConfigModule] },
      MessagingModule.forRoot({ serviceName: SERVICE_NAME, servers: config.NATS_URL, provisionStreams: { replicas: config.NATS_REPLICAS } }),
    ],
    providers: [
      DependencyHealth,
      EventRelayService,
      ReadModelService,
      ReadModelRepository,
      ConversationRepository,
      LinesRepository,
      LineChangedHandler,
      SessionsRepository,
      ChannelBlocksRepository,
      ContactResolver,
      InboundService,
      InboundHandler,
      ConversationCommandsService,
      ConversationCommandsHandler,
      ConversationQueriesHandler,
      DeliveryOutcomeHandler,
      ReplyExternalIdsRepository,
      ReplyReceiptHandler,
    ],
  })
  class AppModule {}

  return AppModule;
}
