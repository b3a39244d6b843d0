import { openServiceDatabase, outboxMigration, outboxTable } from '@parley/service-kit';
import type { DataSource } from 'typeorm';
import { RoutingSchemaMigration } from './migrations/routing-schema.migration';

/** The Postgres schema this service owns; no other service reads or writes it. */
export const ROUTING_SCHEMA = 'routing';

/** The event outbox (`routing.outbox`). */
export const ROUTING_OUTBOX = outboxTable(ROUTING_SCHEMA);

/** Connects, creates the schema and runs its migrations under an advisory lock ("rout"). */
export function openRoutingDatabase(url: string, poolSize = 10): Promise<DataSource> {
  return openServiceDatabase({
    url,
    schema: ROUTING_SCHEMA,
    migrations: [RoutingSchemaMigration, outboxMigration(ROUTING_SCHEMA)],
    applicationName: 'routing-service',
    poolSize,
    migrationLockKey: 0x726f7574,
  });
}
