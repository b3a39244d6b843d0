import { DataSource, type Migration } from 'typeorm';
import { eventStoreMigrations } from './event-store.migrations';

/**
 * Runs the event store migrations of `schema` against the database of `dataSource` (each in its own
 * transaction). It opens a short-lived second DataSource with the same connection options and only these
 * migrations, so it works whatever migrations the service's own DataSource lists. Services that run migrations
 * from a target should rather list `eventStoreMigrations(schema)` in their DataSource.
 */
export async function runEventStoreMigrations(dataSource: DataSource, schema: string): Promise<Migration[]> {
  const migrator = new DataSource({
    ...dataSource.options,
    type: 'postgres',
    entities: [],
    subscribers: [],
    migrations: eventStoreMigrations(schema),
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize: 1,
  } as ConstructorParameters<typeof DataSource>[0]);
  await migrator.initialize();
  try {
    return await migrator.runMigrations({ transaction: 'each' });
  } finally {
    await migrator.destroy();
  }
}
