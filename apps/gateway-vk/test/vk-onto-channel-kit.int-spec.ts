import { randomBytes, randomUUID } from 'node:crypto';
import { credentialBinding, openGatewayDatabase, SecretBox } from '@parley/channel-kit';
import { openServiceDatabase, outboxMigration } from '@parley/service-kit';
import { createTestDatabase, type TestDatabase } from '@parley/testing';
import { GatewayVkMigrations } from '../src/database/migrations';
import { GatewayVkSchemaMigration } from '../src/database/migrations/gateway-vk-schema.migration';

/** A gateway_vk schema written by gateway-vk before the channel kit keeps its channels, keys and sends. */
describe('gateway-vk schema moved onto the channel kit', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('gateway_vk_upgrade');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps every channel (credentials still decrypt), received key and sent message', async () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const id = randomUUID();
    const lineId = randomUUID();
    const replyId = randomUUID();
    const old = await openServiceDatabase({
      url: db.url,
      schema: 'gateway_vk',
      migrations: [GatewayVkSchemaMigration, outboxMigration('gateway_vk')],
      applicationName: 'old-gateway-vk',
      migrationLockKey: 0x6777766b,
    });
    await old.query(
      `INSERT INTO gateway_vk.channels (id, line_id, name, group_id, status, confirmation, secret_enc, token_enc, last_message_at, backfill_since)
       VALUES ($1, $2, 'Shop', 21001, 'disconnected', 'c0nf1rm', $3, $4, now(), now() - interval '1 hour')`,
      [id, lineId, box.encrypt('s3cret', `gateway-vk:${id}:secret`), box.encrypt('vk1.token', `gateway-vk:${id}:token`)],
    );
    await old.query(`INSERT INTO gateway_vk.received_keys (key, channel_id) VALUES ('vk:21001:msg:7', $1)`, [id]);
    await old.query(
      `INSERT INTO gateway_vk.sent_messages (group_id, random_id, channel_id, reply_id, vk_message_id, sent_at) VALUES (21001, 9007199254740991, $1, $2, 55, now())`,
      [id, replyId],
    );
    await old.destroy();

    const upgraded = await openGatewayDatabase({ url: db.url, schema: 'gateway_vk', serviceName: 'gateway-vk', migrations: GatewayVkMigrations, migrationLockKey: 0x6777766b });
    try {
      const [row] = (await upgraded.query('SELECT * FROM gateway_vk.channels')) as Array<Record<string, unknown> & { secrets: Record<string, string> }>;
      expect(row).toMatchObject({ id, line_id: lineId, name: 'Shop', external_id: '21001', status: 'disconnected', health: 'healthy', settings: { groupId: 21001, confirmation: 'c0nf1rm' } });
      expect(row?.['backfill_since']).toBeInstanceOf(Date);
      expect(box.decrypt(row?.secrets['token'] ?? '', credentialBinding('gateway-vk', id, 'token'))).toBe('vk1.token');
      expect(box.decrypt(row?.secrets['secret'] ?? '', credentialBinding('gateway-vk', id, 'secret'))).toBe('s3cret');
      expect(await upgraded.query('SELECT key FROM gateway_vk.received_keys')).toEqual([{ key: 'vk:21001:msg:7' }]);
      expect(await upgraded.query('SELECT account_id, send_key, reply_id, external_message_id FROM gateway_vk.sent_messages')).toEqual([
        { account_id: '21001', send_key: '9007199254740991', reply_id: replyId, external_message_id: '55' },
      ]);
      // One external account → one channel still holds.
      await expect(upgraded.query(`INSERT INTO gateway_vk.channels (id, line_id, name, external_id, status) VALUES ($1, $2, 'x', '21001', 'active')`, [randomUUID(), lineId])).rejects.toThrow(/duplicate key/);
    } finally {
      await upgraded.destroy();
    }
  });
});
