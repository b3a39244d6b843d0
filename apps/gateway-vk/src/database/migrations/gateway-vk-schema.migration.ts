import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels (credentials encrypted), the keys of inbound facts already published, the random_ids of Parley's own
 * sends (echo recognition and send idempotency) (the ChannelChanged outbox
 * is the service kit's `outboxMigration`).
 */
export class GatewayVkSchemaMigration implements MigrationInterface {
  name = 'GatewayVkSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE gateway_vk.channels (
      id                uuid PRIMARY KEY,
      line_id           uuid NOT NULL,
      name              text NOT NULL,
      group_id          bigint NOT NULL,
      status            text NOT NULL CHECK (status IN ('active', 'disconnected')),
      confirmation      text NOT NULL,
      secret_enc        text NOT NULL,
      token_enc         text NOT NULL,
      last_message_at   timestamptz NULL,
      last_message_id   bigint NULL,
      backfill_since    timestamptz NULL,
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE UNIQUE INDEX channels_group_id_key ON gateway_vk.channels (group_id)');
    await q.query('CREATE INDEX channels_line_idx ON gateway_vk.channels (line_id)');
    await q.query(`CREATE TABLE gateway_vk.received_keys (
      key         text PRIMARY KEY,
      channel_id  uuid NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE gateway_vk.sent_messages (
      group_id       bigint NOT NULL,
      random_id      bigint NOT NULL,
      channel_id     uuid NOT NULL,
      reply_id       uuid NOT NULL,
      vk_message_id  bigint NULL,
      sent_at        timestamptz NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sent_messages_pkey PRIMARY KEY (group_id, random_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway_vk.sent_messages');
    await q.query('DROP TABLE gateway_vk.received_keys');
    await q.query('DROP TABLE gateway_vk.channels');
  }
}
