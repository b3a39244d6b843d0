import { openServiceDatabase, outboxMigration, type AdvisoryLockKey } from '@parley/service-kit';
import type { DataSource } from 'typeorm';
import { channelKitMigrations } from '../channels/channel-kit.migration';
import type { MigrationClass } from './gateway-definition';

/**
 * Connects to the gateway's schema and runs, under an advisory lock (`<schema>:migrations`), the gateway's own
 * migrations, the kit's tables and the ChannelChanged outbox (TypeORM orders them by their timestamps).
 */
export function openGatewayDatabase(options: {
  url: string;
  schema: string;
  serviceName: string;
  migrations?: readonly MigrationClass[];
  poolSize?: number;
  migrationLockKey?: AdvisoryLockKey;
}): Promise<DataSource> {
  return openServiceDatabase({
    url: options.url,
    schema: options.schema,
    migrations: [...(options.migrations ?? []), ...channelKitMigrations(options.schema), outboxMigration(options.schema)],
    applicationName: options.serviceName,
    poolSize: options.poolSize ?? 10,
    ...(options.migrationLockKey === undefined ? {} : { migrationLockKey: options.migrationLockKey }),
  });
}
