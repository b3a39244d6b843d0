import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTable } from './outbox-table';

/** Default timestamp of the outbox migration (TypeORM orders migrations by the 13 digits their names end with). */
export const OUTBOX_MIGRATION_TIMESTAMP = 1764000000500;

/**
 * The migration creating `<schema>.outbox` (or `table`): rows in insertion order (`position`), one per envelope id.
 * The class name is `Outbox<Schema><timestamp>`, so several services' outboxes never share a migration name.
 */
export function outboxMigration(schema: string, options: { table?: string; timestamp?: number } = {}): new () => MigrationInterface {
  const t = outboxTable(schema, options.table);
  const pascal = `${schema}_${t.table}`.replace(/(^|_)([a-z0-9])/g, (_m, _sep: string, ch: string) => ch.toUpperCase());
  const name = `${pascal}${options.timestamp ?? OUTBOX_MIGRATION_TIMESTAMP}`;
  if (!/\d{13}$/.test(name)) throw new Error(`outbox migration timestamp must have 13 digits: ${name}`);

  class OutboxMigration implements MigrationInterface {
    readonly name = name;

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE TABLE ${t.qualifiedName} (
        position   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        subject    text NOT NULL,
        payload    text NOT NULL,
        headers    jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE IF EXISTS ${t.qualifiedName}`);
    }
  }
  Object.defineProperty(OutboxMigration, 'name', { value: name });
  return OutboxMigration;
}
