import { Module, type Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingModule } from '@parley/messaging';
import { OutboxServiceLifecycle, outboxProviders } from '@parley/service-kit';
import { openRoutingDatabase, ROUTING_OUTBOX } from './database/routing-data-source';
import { LineRequestsHandler } from './line/line-requests.handler';
import { LineRepository } from './line/line.repository';
import { RoutingServiceConfig } from './routing-service.config';

export const SERVICE_NAME = 'routing-service';

/** Advisory lock key of the outbox relay lease ("robx"). */
const OUTBOX_LEASE_KEY = 0x726f6278;

/** The routing-service root module for a validated config. */
export function createAppModule(config: RoutingServiceConfig): Type<unknown> {
  @Module({
    imports: [MessagingModule.forRoot({ serviceName: SERVICE_NAME, servers: config.NATS_URL, provisionStreams: { replicas: config.NATS_REPLICAS } })],
    providers: [
      { provide: RoutingServiceConfig, useValue: config },
      { provide: DataSource, useFactory: () => openRoutingDatabase(config.DATABASE_URL) },
      ...outboxProviders({ table: ROUTING_OUTBOX, leaseKey: OUTBOX_LEASE_KEY, pollMs: config.OUTBOX_POLL_MS }),
      { provide: LineRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new LineRepository(dataSource) },
      LineRequestsHandler,
      OutboxServiceLifecycle,
    ],
  })
  class AppModule {}
  return AppModule;
}
