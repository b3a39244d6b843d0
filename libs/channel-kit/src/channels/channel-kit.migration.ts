import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { MigrationClass } from '../gateway/gateway-definition';

/** Timestamp of the kit's first migration (a gateway's own earlier migrations sort before it). */
export const CHANNEL_KIT_MIGRATION_TIMESTAMP = 1765000000000;

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The kit's tables in a gateway's schema (idempotent: `IF NOT EXISTS`, so a gateway that moved its own tables onto
 * this shape in an earlier migration runs it as a no-op):
 * - `channels`: one row per connected account; `settings` in clear, `secrets` field → AES-GCM ciphertext;
 *   `health` written only when it changes; `backfill_since` while a backfill is owed. No per-message column.
 * - `received_keys`: dedupe keys of every inbound fact published, forever.
 * - `sent_messages`: Parley's own sends by (account, send key): echo recognition and send idempotency.
 * - `rate_windows` + `take_rate_slot()`: rate budgets shared by every replica (one row per connection or chat).
 */
export function channelKitTablesSql(schema: string): string[] {
  if (!IDENT.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${schema}.channels (
      id              uuid PRIMARY KEY,
      line_id         uuid NOT NULL,
      name            text NOT NULL,
      external_id     text NOT NULL,
      status          text NOT NULL CHECK (status IN ('active', 'disconnected')),
      health          text NOT NULL DEFAULT 'healthy' CHECK (health IN ('healthy', 'degraded', 'deactivated')),
      health_reason   text NULL,
      settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
      secrets         jsonb NOT NULL DEFAULT '{}'::jsonb,
      backfill_since  timestamptz NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS channels_external_id_key ON ${schema}.channels (external_id)`,
    `CREATE INDEX IF NOT EXISTS channels_line_idx ON ${schema}.channels (line_id)`,
    `CREATE TABLE IF NOT EXISTS ${schema}.received_keys (
      key         text PRIMARY KEY,
      channel_id  uuid NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE IF NOT EXISTS ${schema}.sent_messages (
      account_id           text NOT NULL,
      send_key             text NOT NULL,
      channel_id           uuid NOT NULL,
      reply_id             uuid NOT NULL,
      external_message_id  text NULL,
      sent_at              timestamptz NULL,
      created_at           timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sent_messages_pkey PRIMARY KEY (account_id, send_key)
    )`,
    // Echoes without a send key (Instagram) are recognised by the message id the send returned.
    `CREATE INDEX IF NOT EXISTS sent_messages_external_id_idx ON ${schema}.sent_messages (account_id, external_message_id)`,
    `CREATE TABLE IF NOT EXISTS ${schema}.rate_windows (
      key    text PRIMARY KEY,
      slots  bigint[] NOT NULL DEFAULT '{}'
    )`,
    // Takes a slot of `p_calls` per `p_window` ms at `p_now` (ms) for `p_key`: 0 when granted, else the ms to wait.
    // The row lock serialises replicas; one round trip per call.
    `CREATE OR REPLACE FUNCTION ${schema}.take_rate_slot(p_key text, p_now bigint, p_calls integer, p_window bigint)
    RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE kept bigint[];
    BEGIN
      INSERT INTO ${schema}.rate_windows (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
      SELECT ARRAY(SELECT x FROM unnest(w.slots) AS x WHERE x > p_now - p_window ORDER BY x) INTO kept
        FROM ${schema}.rate_windows w WHERE w.key = p_key FOR UPDATE;
      IF cardinality(kept) < p_calls THEN
        UPDATE ${schema}.rate_windows SET slots = kept || p_now WHERE key = p_key;
        RETURN 0;
      END IF;
      RETURN GREATEST(1, kept[cardinality(kept) - p_calls + 1] + p_window - p_now);
    END
    $fn$`,
  ];
}

/** The kit's migrations for `schema`, to run after the gateway's own. */
export function channelKitMigrations(schema: string): MigrationClass[] {
  const statements = channelKitTablesSql(schema);
  class ChannelKitSchema implements MigrationInterface {
    name = `ChannelKitSchema${CHANNEL_KIT_MIGRATION_TIMESTAMP}`;

    async up(q: QueryRunner): Promise<void> {
      for (const sql of statements) await q.query(sql);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP FUNCTION IF EXISTS ${schema}.take_rate_slot(text, bigint, integer, bigint)`);
      await q.query(`DROP TABLE IF EXISTS ${schema}.rate_windows`);
      await q.query(`DROP TABLE IF EXISTS ${schema}.sent_messages`);
      await q.query(`DROP TABLE IF EXISTS ${schema}.received_keys`);
      await q.query(`DROP TABLE IF EXISTS ${schema}.channels`);
    }
  }
  return [ChannelKitSchema];
}
