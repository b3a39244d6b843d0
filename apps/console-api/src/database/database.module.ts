import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@parley/observability';
import { DataSource } from 'typeorm';
import { ConsoleApiConfig } from '../console-api.config';
import { ConsoleSchema1732200000000 } from './migrations/1732200000000-console-schema.migration';

export const CONSOLE_SCHEMA = 'console';

async function openDataSource(config: ConsoleApiConfig): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: CONSOLE_SCHEMA,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: [ConsoleSchema1732200000000],
    extra: { max: 10, application_name: 'console-api' },
    logging: false,
  });
  await dataSource.initialize();
  // The migrations table lives in the schema, so the schema must exist before TypeORM looks for it.
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${CONSOLE_SCHEMA}`);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** The `console` schema: one pool, migrations run at boot, a readiness check. */
@Global()
@Module({
  providers: [
    { provide: DataSource, inject: [ConsoleApiConfig], useFactory: openDataSource },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'postgres', check: async () => void (await this.dataSource.query('SELECT 1')) });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
