import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { GatewayRequestsByType, newCorrelation, type ChannelView, type Envelope } from '@parley/contracts';
import type { MessagingConnection, RequestClient } from '@parley/messaging';
import type { RunningService } from '@parley/observability';
import { waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { credentialBinding } from '../src/channels';
import { SecretBox } from '../src/crypto/secret-box';
import { configureGatewayApp, createGatewayModule } from '../src/gateway';
import { caught, GatewayTestbed } from './gateway-testbed';
import { sign, TestGatewayConfig, testGateway } from './signed-test.adapter';
import { TestMessengerFake } from './test-messenger.fake';

const requests = GatewayRequestsByType.viber;
const TOKEN = 'auth-token-PLAINTEXT-0123456789';
const LINE = randomUUID();
const PNG = randomBytes(2000);
const KEY = randomBytes(32).toString('base64');

describe('channel-kit gateway skeleton (a signed test messenger, real NATS and Postgres)', () => {
  const bed = new GatewayTestbed({
    serviceName: testGateway.serviceName,
    clientName: 'kit-test-client',
    database: 'kit_test',
    startFake: () => TestMessengerFake.start(),
    configClass: TestGatewayConfig,
    env: (fake) => ({
      PARLEY_SECRET_KEY: KEY,
      // Long enough that only the NOTIFY can make another replica's change visible within the test.
      CHANNEL_CACHE_MS: '600000',
      TEST_API_URL: fake.url,
      CHANNEL_DEGRADED_AFTER_FAILURES: '2',
      // One webhook at a time, none waiting: a second delivery during one is shed (the tests post one by one).
      WEBHOOK_MAX_IN_FLIGHT: '1',
      WEBHOOK_MAX_QUEUED: '0',
    }),
    module: (config) => createGatewayModule(testGateway, config),
    configure: configureGatewayApp,
    logLevel: 'silent',
  });
  let nats: NatsServer;
  let db: TestDatabase;
  let fake: TestMessengerFake;
  let service: RunningService;
  let client: MessagingConnection;
  let rpc: RequestClient;
  let pg: Client;
  let channel: ChannelView;
  let seq = 0;

  const inbound = async (): Promise<Array<Envelope<Record<string, unknown>>>> => (await bed.inbound()).map((e) => e.envelope);
  const view = async (): Promise<ChannelView | undefined> =>
    (await rpc.request(requests.listChannels, {}, newCorrelation())).channels.find((c) => c.id === channel.id);
  const message = (text: string, extra: Record<string, unknown> = {}) => ({ token: `t${++seq}`, user: 'u1', text, date: Math.floor(Date.now() / 1000), ...extra });

  async function post(body: unknown, options: { signature?: string; channelId?: string } = {}) {
    const raw = JSON.stringify(body);
    const res = await fetch(`${service.url}/webhooks/viber/${options.channelId ?? channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': options.signature ?? sign(raw, TOKEN) },
      body: raw,
    });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
  }
  const send = (text: string) =>
    rpc.request(requests.send, { channelId: channel.id, conversationId: randomUUID(), replyId: randomUUID(), externalChatId: 'u1', text, attachments: [] }, newCorrelation());

  beforeAll(async () => {
    await bed.start();
    ({ nats, db, fake, service, client, requests: rpc } = bed);
    fake.tokens.set(TOKEN, 'acct-1');
    fake.media.set('/media/a.png', PNG);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await bed.stop();
  });

  it('connects: credentials checked, webhook registered by API, secrets encrypted; a refused registration leaves nothing', async () => {
    const refused = await caught(rpc.request(requests.connectChannel, { lineId: LINE, name: 'Bot', settings: { authToken: 'wrong-token-123' } }, newCorrelation()));
    expect(refused).toMatchObject({ code: 'CHANNEL_CHECK_FAILED', retryable: false });

    fake.refuseWebhook = true;
    const noHook = await caught(rpc.request(requests.connectChannel, { lineId: LINE, name: 'Bot', settings: { authToken: TOKEN } }, newCorrelation()));
    expect(noHook.code).toBe('WEBHOOK_REGISTRATION_FAILED');
    expect((await pg.query('SELECT id FROM kit_test.channels')).rows).toEqual([]);
    fake.refuseWebhook = false;

    channel = await rpc.request(requests.connectChannel, { lineId: LINE, name: 'Bot', settings: { authToken: TOKEN } }, newCorrelation());
    expect(channel).toMatchObject({ type: 'viber', externalId: 'acct-1', status: 'active', webhookUrl: `${service.url}/webhooks/viber/${channel.id}` });
    expect(fake.webhookUrl).toBe(channel.webhookUrl);
    expect(JSON.stringify((await pg.query('SELECT * FROM kit_test.channels')).rows)).not.toContain('PLAINTEXT');
    const again = await caught(rpc.request(requests.connectChannel, { lineId: randomUUID(), name: 'Again', settings: { authToken: TOKEN } }, newCorrelation()));
    expect(again.code).toBe('CHANNEL_ALREADY_CONNECTED');
  });

  it('sees a change committed by another replica at once (NOTIFY), not after the cache time', async () => {
    const handshake = async (verify: string) => (await fetch(`${service.url}/webhooks/viber/${channel.id}?challenge=7&verify=${verify}`)).status;
    const rotate = async (token: string) => {
      const sealed = new SecretBox(KEY).encrypt(token, credentialBinding(testGateway.serviceName, channel.id, 'authToken'));
      // What another replica's registry does: change the row and NOTIFY in one transaction.
      await pg.query('BEGIN');
      await pg.query(`UPDATE kit_test.channels SET secrets = jsonb_build_object('authToken', $2::text) WHERE id = $1`, [channel.id, sealed]);
      await pg.query(`SELECT pg_notify('kit_test_outbox', '')`);
      await pg.query('COMMIT');
    };
    expect(await handshake(TOKEN)).toBe(200);
    await rotate('rotated-token-abcdef');
    await waitFor(async () => ((await handshake('rotated-token-abcdef')) === 200 ? true : undefined), { what: 'the rotated token', timeoutMs: 10_000 });
    await rotate(TOKEN);
    await waitFor(async () => ((await handshake(TOKEN)) === 200 ? true : undefined), { what: 'the token back', timeoutMs: 10_000 });
  });

  it('answers the GET handshake and the check event; refuses a bad signature with 401, storing nothing', async () => {
    const hs = await fetch(`${service.url}/webhooks/viber/${channel.id}?challenge=12345&verify=${TOKEN}`);
    expect([hs.status, await hs.text()]).toEqual([200, '12345']);
    expect((await fetch(`${service.url}/webhooks/viber/${channel.id}?challenge=1&verify=nope`)).status).toBe(403);
    expect((await post({ event: 'webhook' })).status).toBe(200);
    expect((await fetch(`${service.url}/webhooks/vk/${channel.id}`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await post({ event: 'message', message: message('x') }, { channelId: randomUUID() })).status).toBe(404);

    expect((await post({ event: 'message', message: message('forged') }, { signature: 'ab'.repeat(32) })).status).toBe(401);
    expect((await post({ event: 'message', message: message('unsigned') }, { signature: '' })).status).toBe(401);
    expect(await inbound()).toEqual([]);
    expect((await pg.query('SELECT key FROM kit_test.received_keys')).rows).toEqual([]);
  });

  it('publishes before answering, copies media from allowed hosts only, never updates the channel row per message', async () => {
    const before = (await pg.query('SELECT xmin::text AS x FROM kit_test.channels WHERE id = $1', [channel.id])).rows[0];
    const m = message('hello', { media: [`${fake.url}/media/a.png`, 'https://evil.invalid/x.png'] });
    expect(await post({ event: 'message', message: m })).toMatchObject({ status: 200, text: 'ok' });
    const published = (await inbound()).filter((e) => e.data['externalMessageId'] === m.token);
    expect(published).toHaveLength(1);
    expect(published[0]?.data['attachments']).toEqual([expect.objectContaining({ kind: 'image', size: PNG.length })]);

    expect(await post({ event: 'message', message: m })).toMatchObject({ status: 200, text: 'ok' });
    expect((await inbound()).filter((e) => e.data['externalMessageId'] === m.token)).toHaveLength(1);
    const after = (await pg.query('SELECT xmin::text AS x FROM kit_test.channels WHERE id = $1', [channel.id])).rows[0];
    expect(after).toEqual(before);
  });

  it('publishes a fact of any definition through the generic event item, with its media', async () => {
    const m = message('answered in the app', { media: [`${fake.url}/media/a.png`] });
    expect(await post({ event: 'answered-elsewhere', message: m })).toMatchObject({ status: 200, text: 'ok' });
    const [reply] = (await inbound()).filter((e) => e.type === 'ExternalReplyReceived');
    expect(reply?.data).toMatchObject({ externalMessageId: m.token, text: 'answered in the app', attachments: [expect.objectContaining({ size: PNG.length })] });
  });

  it('marks the channel degraded after repeated failures, healthy after a success, deactivated on a revoked token', async () => {
    fake.failNext(500, 500);
    expect((await caught(send('a'))).code).toBe('MESSENGER_UNAVAILABLE');
    expect((await caught(send('b'))).code).toBe('MESSENGER_UNAVAILABLE');
    await waitFor(async () => ((await view())?.health === 'degraded' ? true : undefined), { what: 'degraded' });
    expect((await view())?.healthReason).toContain('HTTP 500');
    expect((await send('c')).externalMessageId).toMatch(/^m\d+$/);
    await waitFor(async () => ((await view())?.health === undefined ? true : undefined), { what: 'healthy again' });

    fake.failNext(401);
    expect((await caught(send('d'))).code).toBe('CHANNEL_AUTH_FAILED');
    await waitFor(async () => ((await view())?.health === 'deactivated' ? true : undefined), { what: 'deactivated' });
    expect(await caught(send('e'))).toMatchObject({ code: 'CHANNEL_DISCONNECTED', retryable: false });
    const back = await rpc.request(requests.updateChannel, { channelId: channel.id, active: true }, newCorrelation());
    expect(back.health).toBeUndefined();
    expect((await send('f')).externalMessageId).toMatch(/^m\d+$/);
  });

  it('sends once per reply id, telling the adapter when an earlier attempt did not complete', async () => {
    const reply = { channelId: channel.id, conversationId: randomUUID(), replyId: randomUUID(), externalChatId: 'u1', text: 'once', attachments: [] };
    fake.failNext(500);
    expect((await caught(rpc.request(requests.send, reply, newCorrelation()))).code).toBe('MESSENGER_UNAVAILABLE');
    const receipt = await rpc.request(requests.send, reply, newCorrelation());
    expect(await rpc.request(requests.send, reply, newCorrelation())).toEqual(receipt);
    const calls = fake.calls.filter((c) => c.path === '/send' && c.body['text'] === 'once');
    expect(calls.map((c) => c.body['attemptedBefore'])).toEqual([false, true]);
  });

  it('backfills the whole window after a Disconnected spell, skipping what it already has', async () => {
    await rpc.request(requests.updateChannel, { channelId: channel.id, active: false }, newCorrelation());
    const known = (await inbound()).length;
    const missed = message('while off');
    expect(await post({ event: 'message', message: missed })).toMatchObject({ status: 200, text: 'ok' });
    expect((await inbound()).length).toBe(known);
    const old = (await inbound())[0]?.data as { externalMessageId: string; text: string; sentAt: string };
    fake.history = [{ token: old.externalMessageId, user: 'u1', text: old.text, date: Math.floor(Date.parse(old.sentAt) / 1000) }, missed];

    await rpc.request(requests.updateChannel, { channelId: channel.id, active: true }, newCorrelation());
    const backfilled = await waitFor(async () => (await inbound()).find((e) => e.data['externalMessageId'] === missed.token), { what: 'backfill' });
    expect(backfilled.data['source']).toBe('backfill');
    await waitFor(async () => ((await pg.query('SELECT backfill_since FROM kit_test.channels')).rows[0]?.backfill_since === null ? true : undefined), { what: 'done' });
    const keys = (await inbound()).map((e) => e.data['dedupeKey']);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sheds a delivery beyond WEBHOOK_MAX_IN_FLIGHT at once (503 + Retry-After, no database work), handles the admitted one', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      // The admitted delivery holds the only slot, stuck in its de-duplication query on the locked table.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE kit_test.received_keys IN ACCESS EXCLUSIVE MODE');
      const admitted = post({ event: 'message', message: message('admitted') });
      await waitFor(
        async () => ((await pg.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rows[0] as { n: number }).n > 0,
        { what: 'the admitted webhook waiting on the lock' },
      );
      // Handled, it would wait on the lock too; shed, it is answered at once.
      expect(await post({ event: 'message', message: message('shed') })).toMatchObject({ status: 503, text: 'retry later', retryAfter: '1' });
      await locker.query('COMMIT');
      expect(await admitted).toMatchObject({ status: 200, text: 'ok' });
      expect((await inbound()).map((e) => e.data['text'])).toContain('admitted');
    } finally {
      await locker.end();
    }
  });

  it('answers 503 with Retry-After while NATS is down', async () => {
    await nats.shutdown();
    try {
      expect(await post({ event: 'message', message: message('outage') })).toMatchObject({ status: 503, retryAfter: '1' });
    } finally {
      await nats.restart();
    }
  }, 30_000);

  it('deletes: the webhook is removed at the messenger and the URL answers 404', async () => {
    await waitFor(async () => (client.nc.isClosed() ? undefined : await rpc.request(requests.deleteChannel, { channelId: channel.id }, newCorrelation(), { timeoutMs: 1_000 }).catch(() => undefined)), {
      what: 'delete after NATS is back',
      timeoutMs: 20_000,
    });
    expect(fake.webhookUrl).toBeUndefined();
    expect((await post({ event: 'message', message: message('gone') })).status).toBe(404);
  }, 30_000);
});
