import { channelKitTablesSql } from '@parley/channel-kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moves gateway-vk's own tables (GatewayVkSchema1764100000000) onto the channel kit's shape, keeping every row:
 * - channels: `group_id` → `external_id`, `confirmation` + `group_id` → `settings`, `secret_enc`/`token_enc` →
 *   `secrets` (same ciphertexts: their associated data `gateway-vk:<id>:<field>` is the kit's binding too);
 *   `last_message_at`/`last_message_id` are dropped (backfill now reads the whole window and skips known keys).
 * - received_keys: already the kit's shape.
 * - sent_messages: `(group_id, random_id)` → `(account_id, send_key)` as text, `vk_message_id` → `external_message_id`.
 * Runs before the kit's own migration, which then finds every table in place.
 */
export class VkOntoChannelKitMigration implements MigrationInterface {
  name = 'VkOntoChannelKit1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TEMP TABLE vk_channels_v1 ON COMMIT DROP AS SELECT * FROM gateway_vk.channels');
    await q.query('CREATE TEMP TABLE vk_sent_v1 ON COMMIT DROP AS SELECT * FROM gateway_vk.sent_messages');
    await q.query('DROP TABLE gateway_vk.channels');
    await q.query('DROP TABLE gateway_vk.sent_messages');
    for (const sql of channelKitTablesSql('gateway_vk')) await q.query(sql);
    await q.query(`INSERT INTO gateway_vk.channels (id, line_id, name, external_id, status, settings, secrets, backfill_since, created_at, updated_at)
      SELECT id, line_id, name, group_id::text, status,
             jsonb_build_object('groupId', group_id, 'confirmation', confirmation),
             jsonb_build_object('secret', secret_enc, 'token', token_enc),
             backfill_since, created_at, updated_at
      FROM vk_channels_v1`);
    await q.query(`INSERT INTO gateway_vk.sent_messages (account_id, send_key, channel_id, reply_id, external_message_id, sent_at, created_at)
      SELECT group_id::text, random_id::text, channel_id, reply_id, vk_message_id::text, sent_at, created_at FROM vk_sent_v1`);
  }

  async down(): Promise<void> {
    throw new Error('VkOntoChannelKit cannot be reverted (the old tables carried columns the kit does not keep)');
  }
}
