import { openServiceDatabase, outboxMigration, outboxTable } from '@parley/service-kit';
import type { DataSource } from 'typeorm';
import { DispatcherSchemaMigration1700000000000 } from './migrations/dispatcher-schema.migration';

/** The Postgres schema this service owns; no other service reads or writes it. */
export const DISPATCHER_SCHEMA = 'dispatcher';

/** The outbox of the outcome events (`dispatcher.outbox`). */
export const DISPATCHER_OUTBOX = outboxTable(DISPATCHER_SCHEMA);

/** Connects, creates the schema and runs its migrations under an advisory lock ("disp"). */
export function openDispatcherDatabase(url: string, poolSize: number): Promise<DataSource> {
  return openServiceDatabase({
    url,
    schema: DISPATCHER_SCHEMA,
    migrations: [DispatcherSchemaMigration1700000000000, outboxMigration(DISPATCHER_SCHEMA)],
    applicationName: 'outbound-dispatcher',
    poolSize,
    migrationLockKey: 0x64697370,
  });
}
