import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operators, the live feed and the copies of line membership / channel types console-api keeps from events. */
export class ConsoleSchema1732200000000 implements MigrationInterface {
  name = 'ConsoleSchema1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console.operators (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX operators_email_key ON console.operators (lower(email))`);

    await q.query(`
      CREATE TABLE console.feed (
        seq bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        conversation_id uuid,
        line_id uuid,
        line_ids uuid[] NOT NULL DEFAULT '{}',
        data jsonb NOT NULL
      )`);

    await q.query(`
      CREATE TABLE console.line_members (
        line_id uuid NOT NULL,
        operator_id uuid NOT NULL,
        PRIMARY KEY (line_id, operator_id)
      )`);
    await q.query(`CREATE INDEX line_members_operator_idx ON console.line_members (operator_id)`);

    await q.query(`
      CREATE TABLE console.conversation_lines (
        conversation_id uuid PRIMARY KEY,
        line_id uuid NOT NULL,
        contact_id uuid NOT NULL
      )`);
    await q.query(`CREATE INDEX conversation_lines_contact_idx ON console.conversation_lines (contact_id)`);

    await q.query(`
      CREATE TABLE console.channel_types (
        channel_id uuid PRIMARY KEY,
        type text NOT NULL,
        deleted boolean NOT NULL DEFAULT false
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['channel_types', 'conversation_lines', 'line_members', 'feed', 'operators']) {
      await q.query(`DROP TABLE IF EXISTS console.${table}`);
    }
  }
}
