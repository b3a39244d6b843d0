import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PostgresEventStore } from '@parley/event-store';
import { DataSource } from 'typeorm';
import { ConversationServiceConfig, SCHEMA } from '../conversation-service.config';
import { createDataSource } from './data-source.factory';
import { TransactionRunner } from './transaction-runner';

/** Postgres (migrated at boot), the event store on the `conversation` schema, transactions with conflict retry. */
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [ConversationServiceConfig],
      useFactory: (config: ConversationServiceConfig) => createDataSource(config.DATABASE_URL),
    },
    {
      provide: PostgresEventStore,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new PostgresEventStore(dataSource, SCHEMA),
    },
    TransactionRunner,
  ],
  exports: [DataSource, PostgresEventStore, TransactionRunner],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
