import { openServiceDatabase, outboxMigration, outboxTable } from '@parley/service-kit';
import type { DataSource } from 'typeorm';
import { ContactSchemaMigration } from './migrations/contact-schema.migration';

/** The Postgres schema this service owns; no other service reads or writes it. */
export const CONTACT_SCHEMA = 'contact';

/** The event outbox (`contact.outbox`). */
export const CONTACT_OUTBOX = outboxTable(CONTACT_SCHEMA);

/** Connects, creates the schema and runs its migrations under an advisory lock ("cont"). */
export function openContactDatabase(url: string, poolSize = 10): Promise<DataSource> {
  return openServiceDatabase({
    url,
    schema: CONTACT_SCHEMA,
    migrations: [ContactSchemaMigration, outboxMigration(CONTACT_SCHEMA)],
    applicationName: 'contact-service',
    poolSize,
    migrationLockKey: 0x636f6e74,
  });
}
