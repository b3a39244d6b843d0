import { Module, type Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingModule } from '@parley/messaging';
import { OutboxServiceLifecycle, outboxProviders } from '@parley/service-kit';
import { ContactServiceConfig } from './contact-service.config';
import { ContactRequestsHandler } from './contact/contact-requests.handler';
import { ContactRepository } from './contact/contact.repository';
import { ProfileFetchHandler } from './contact/profile-fetch.handler';
import { CONTACT_OUTBOX, openContactDatabase } from './database/contact-data-source';

export const SERVICE_NAME = 'contact-service';

/** Advisory lock key of the outbox relay lease ("cobx"). */
const OUTBOX_LEASE_KEY = 0x636f6278;

/** The contact-service root module for a validated config. */
export function createAppModule(config: ContactServiceConfig): Type<unknown> {
  @Module({
    imports: [
      MessagingModule.forRoot({ serviceName: SERVICE_NAME, servers: config.NATS_URL, provisionStreams: { replicas: config.NATS_REPLICAS } }),
    ],
    providers: [
      { provide: ContactServiceConfig, useValue: config },
      { provide: DataSource, useFactory: () => openContactDatabase(config.DATABASE_URL) },
      ...outboxProviders({ table: CONTACT_OUTBOX, leaseKey: OUTBOX_LEASE_KEY, pollMs: config.OUTBOX_POLL_MS }),
      { provide: ContactRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new ContactRepository(dataSource) },
      ContactRequestsHandler,
      ProfileFetchHandler,
      OutboxServiceLifecycle,
    ],
  })
  class AppModule {}
  return AppModule;
}
