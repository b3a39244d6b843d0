import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { MigrationClass } from '@parley/channel-kit';

/** `<schema>.reply_windows`: the customer's last message per chat (Meta's 24 h / 7 day windows). */
export function replyWindowsMigration(schema: string): MigrationClass {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return class ReplyWindowsMigration implements MigrationInterface {
    name = `ReplyWindows${schema.replace(/_/g, '')}1764700000000`;

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await q.query(`CREATE TABLE IF NOT EXISTS ${schema}.reply_windows (
        channel_id        uuid NOT NULL,
        chat_id           text NOT NULL,
        last_customer_at  timestamptz NOT NULL,
        PRIMARY KEY (channel_id, chat_id)
      )`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE IF EXISTS ${schema}.reply_windows`);
    }
  };
}
