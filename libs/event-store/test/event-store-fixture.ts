import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/testing';
import { PostgresEventStore, runEventStoreMigrations } from '../src';

export interface EventStoreFixture {
  db: TestDatabase;
  dataSource: DataSource;
  store: PostgresEventStore;
  close(): Promise<void>;
}

export function testDataSource(url: string, poolSize = 20): DataSource {
  return new DataSource({ type: 'postgres', url, synchronize: false, entities: [], poolSize, logging: false });
}

/** A fresh database with the event store schema migrated in, and a store on it. */
export async function createEventStoreFixture(prefix: string, schema = 'conversation', poolSize = 20): Promise<EventStoreFixture> {
  const db = await createTestDatabase(prefix);
  const dataSource = testDataSource(db.url, poolSize);
  await dataSource.initialize();
  await runEventStoreMigrations(dataSource, schema);
  return {
    db,
    dataSource,
    store: new PostgresEventStore(dataSource, schema),
    close: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
