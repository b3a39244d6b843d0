import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lines (unique name, case-insensitive), their operators, (the event outbox is the service kit's `outboxMigration`). */
export class RoutingSchemaMigration implements MigrationInterface {
  name = 'RoutingSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE routing.lines (
      id           uuid PRIMARY KEY,
      name         text NOT NULL,
      session_rule jsonb NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE UNIQUE INDEX lines_name_key ON routing.lines (lower(name))');
    await q.query(`CREATE TABLE routing.line_members (
      line_id     uuid NOT NULL REFERENCES routing.lines (id) ON DELETE CASCADE,
      operator_id uuid NOT NULL,
      CONSTRAINT line_members_pkey PRIMARY KEY (line_id, operator_id)
    )`);
    await q.query('CREATE INDEX line_members_operator_idx ON routing.line_members (operator_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE routing.line_members');
    await q.query('DROP TABLE routing.lines');
  }
}
