import { DataSource, type MigrationInterface } from 'typeorm';
import { advisoryKeySql, type AdvisoryLockKey } from './advisory-lock';

export interface ServiceDataSourceOptions {
  url: string;
  /** The Postgres schema the service owns; no other service reads or writes it. Created when missing. */
  schema: string;
  /** Migration classes, run in the order of the 13-digit timestamp their names end with. */
  migrations: ReadonlyArray<new () => MigrationInterface>;
  /** Shown in `pg_stat_activity`. */
  applicationName: string;
  poolSize?: number;
  /** Serialises the migrations of replicas that boot together; `"<schema>:migrations"` by default. */
  migrationLockKey?: AdvisoryLockKey;
}

/** A DataSource on the service's own schema: no entities (repositories write SQL), no synchronize. */
export function serviceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: [...options.migrations],
    entities: [],
    poolSize: options.poolSize ?? 10,
    logging: false,
    applicationName: options.applicationName,
  });
}

/**
 * Connects and brings the schema up to date (each migration in its own transaction). The schema is created first
 * (TypeORM keeps its migrations table inside it), and a session advisory lock makes replicas that boot together
 * migrate one after the other instead of racing. On failure the pool is closed and the error rethrown.
 */
export async function initialiseServiceDatabase(
  dataSource: DataSource,
  options: Pick<ServiceDataSourceOptions, 'schema' | 'migrationLockKey'>,
): Promise<DataSource> {
  const key = options.migrationLockKey ?? `${options.schema}:migrations`;
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(${advisoryKeySql(key)})`, [key]);
    try {
      await lock.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(${advisoryKeySql(key)})`, [key]);
    }
  } catch (err: unknown) {
    await lock.release();
    await dataSource.destroy();
    throw err;
  }
  await lock.release();
  return dataSource;
}

/** `serviceDataSource` + `initialiseServiceDatabase`: what a service's DataSource provider returns. */
export function openServiceDatabase(options: ServiceDataSourceOptions): Promise<DataSource> {
  return initialiseServiceDatabase(serviceDataSource(options), options);
}
