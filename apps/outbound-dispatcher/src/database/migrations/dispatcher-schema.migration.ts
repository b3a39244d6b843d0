import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `deliveries`: one row per reply, the dispatcher's durable queue and its delivery status.
 * - `seq` (identity) orders replies as they were recorded; within a conversation it is the conversation's order.
 * - `next_attempt_at` is when the row may be claimed: the retry time while `pending`, the end of the claim lease
 *   while `sending` (a replica that died mid-send loses its claim when the lease passes).
 * The outbox of the outcome events (written in the transaction that sets the final status) is the service kit's
 * `outboxMigration`.
 */
export class DispatcherSchemaMigration1700000000000 implements MigrationInterface {
  name = 'DispatcherSchemaMigration1700000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE dispatcher.deliveries (
        reply_id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        conversation_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        channel_type text NOT NULL,
        external_chat_id text NOT NULL,
        payload jsonb NOT NULL,
        attachment_count int NOT NULL,
        correlation_id text NOT NULL,
        causation_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claim_token uuid,
        last_error_code text,
        last_error text,
        messenger_error_code text,
        external_message_id text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await runner.query(
      `CREATE INDEX deliveries_open_by_conversation ON dispatcher.deliveries (conversation_id, seq) WHERE status IN ('pending', 'sending')`,
    );
    await runner.query(`CREATE INDEX deliveries_open_by_due ON dispatcher.deliveries (next_attempt_at) WHERE status IN ('pending', 'sending')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE dispatcher.deliveries');
  }
}
