import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AttachmentStore } from '@parley/channel-kit';
import {
  GatewayRequestsByType,
  newCorrelation,
  SendErrorCodes,
  Streams,
  type AttachmentRef,
  type ChannelView,
  type SendReply,
} from '@parley/contracts';
import type { MessagingConnection, RequestClient } from '@parley/messaging';
import { ConfigValidationError, loadConfig, type RunningService } from '@parley/observability';
import { caught, GatewayTestbed } from '@parley/channel-kit/testbed';
import { readStream, VkFake, waitFor, type NatsServer, type StoredEvent, type TestDatabase } from '@parley/testing';
import { Client } from 'pg';
import { configureGatewayVkApp, createAppModule } from '../src/app.module';
import { GatewayVkConfig } from '../src/gateway-vk.config';
import { vkRandomIdFromReplyId } from '../src/vk';

const vkRequests = GatewayRequestsByType.vk;

const GROUP = 21001;
const OTHER_GROUP = 21002;
const TOKEN = 'vk1.a.community-token-PLAINTEXT-must-not-leak';
const SECRET = 'callbackSecretPLAINTEXT42';
const CONFIRMATION = 'c0nf1rm';
const USER = 4242;
const LINE = randomUUID();

const PHOTO = randomBytes(3000);
const DOC = randomBytes(5000);
const AVATAR = randomBytes(700);

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('gateway-vk (real NATS, Postgres and the VK fake over HTTP)', () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let vk: VkFake;
  let service: RunningService;
  let client: MessagingConnection;
  let requests: RequestClient;
  let store: AttachmentStore;
  let channel: ChannelView;
  /** Every log line the service writes, at debug level, to prove no credential is ever logged. */
  const bed = new GatewayTestbed({
    serviceName: 'gateway-vk',
    database: 'gateway_vk',
    startFake: () => VkFake.start({ callbackRetry: { maxRetries: 3, delayMs: 50, timeoutMs: 20_000 } }),
    configClass: GatewayVkConfig,
    env: (fake) => ({ VK_API_URL: fake.apiUrl, VK_API_TIMEOUT_MS: '3000' }),
    module: createAppModule,
    configure: configureGatewayVkApp,
  });
  const logLines = bed.logLines;

  const inbound = (): Promise<StoredEvent[]> => bed.inbound();
  const channelEvents = async (): Promise<StoredEvent[]> =>
    (await readStream(client.nc, Streams.EVENTS.name, 'parley.channel.')).filter((e) => e.envelope.data['id'] === channel.id);
  const ofType = (events: StoredEvent[], type: string) => events.filter((e) => e.envelope.type === type);

  const storedBytes = (ref: AttachmentRef): Promise<Buffer> => bed.bytes(ref);

  function send(data: Partial<SendReply> & { replyId: string }) {
    return requests.request(
      vkRequests.send,
      { channelId: channel.id, conversationId: randomUUID(), externalChatId: String(USER), text: '', attachments: [], ...data },
      newCorrelation(),
    );
  }

  async function postWebhook(channelId: string, body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${service.url}/webhooks/vk/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, text: await res.text() };
  }

  beforeAll(async () => {
    await bed.start();
    ({ nats, db, fake: vk, service, client, requests, store } = bed);
    vk.addCommunity({ id: GROUP, name: 'Shop', token: TOKEN, secret: SECRET, confirmation: CONFIRMATION });
    vk.addCommunity({ id: OTHER_GROUP, name: 'Other', token: 'vk1.a.other-token' });
    vk.addUser({ id: USER, firstName: 'Ivan', lastName: 'Petrov', avatar: AVATAR });
  });

  afterAll(() => bed.stop());


  it('refuses a PARLEY_SECRET_KEY that is not 32 bytes of base64 at boot, naming the variable only', () => {
    const bad = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      loadConfig(GatewayVkConfig, { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://u@localhost/db', PARLEY_SECRET_KEY: bad });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).variables).toEqual(['PARLEY_SECRET_KEY']);
    expect((error as Error).message).not.toContain(bad);
  });

  it('is ready with its Postgres and NATS checks and serves metrics', async () => {
    const res = await fetch(`${service.url}/health/ready`);
    const body = (await res.json()) as { checks: Array<{ name: string }> };
    expect(res.status).toBe(200);
    expect(body.checks.map((c) => c.name).sort()).toEqual(['nats', 'postgres']);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toContain('parley_vk_webhooks_total');
  });

  it('refuses a token VK does not accept with CHANNEL_CHECK_FAILED, and a token of another community', async () => {
    const settings = { groupId: String(GROUP), confirmation: CONFIRMATION, secret: SECRET, token: 'vk1.a.wrong-token' };
    const err = await caught(requests.request(vkRequests.connectChannel, { lineId: LINE, name: 'Shop', settings }, newCorrelation()));
    expect(err.code).toBe('CHANNEL_CHECK_FAILED');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/VK groups.getById failed: 5/);

    const other = await caught(
      requests.request(vkRequests.connectChannel, { lineId: LINE, name: 'Shop', settings: { ...settings, token: 'vk1.a.other-token' } }, newCorrelation()),
    );
    expect(other.code).toBe('CHANNEL_CHECK_FAILED');

    const invalid = await caught(
      requests.request(vkRequests.connectChannel, { lineId: LINE, name: 'Shop', settings: { groupId: 'abc', token: TOKEN } }, newCorrelation()),
    );
    expect(invalid.code).toBe('CONTRACT_VIOLATION');
  });

  it('connects a community: credentials encrypted at rest, webhook URL, ChannelChanged published', async () => {
    const channelId = randomUUID();
    const settings = { groupId: GROUP, confirmation: CONFIRMATION, secret: SECRET, token: TOKEN };
    channel = await requests.request(vkRequests.connectChannel, { channelId, lineId: LINE, name: 'Shop', settings }, newCorrelation());
    expect(channel).toMatchObject({ id: channelId, type: 'vk', lineId: LINE, status: 'active', externalId: String(GROUP) });
    expect(channel.webhookUrl).toBe(`${service.url}/webhooks/vk/${channelId}`);

    // The same command again is idempotent; another channel for the same community is refused.
    expect(await requests.request(vkRequests.connectChannel, { channelId, lineId: LINE, name: 'Shop', settings }, newCorrelation())).toEqual(channel);
    const conflict = await caught(requests.request(vkRequests.connectChannel, { lineId: randomUUID(), name: 'Again', settings }, newCorrelation()));
    expect(conflict.code).toBe('CHANNEL_ALREADY_CONNECTED');

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query('SELECT * FROM gateway_vk.channels');
      expect(rows).toHaveLength(1);
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(TOKEN);
      expect(dump).not.toContain(SECRET);
      expect(dump).not.toContain('PLAINTEXT');
    } finally {
      await pg.end();
    }

    const events = await waitFor(async () => {
      const found = ofType(await channelEvents(), 'ChannelChanged');
      return found.length === 1 ? found : undefined;
    }, { what: 'ChannelChanged for the connect' });
    expect(events[0]?.envelope.data).toMatchObject({ id: channelId, status: 'active', deleted: false, externalId: String(GROUP) });
    expect(JSON.stringify(events)).not.toContain('PLAINTEXT');

    const list = await requests.request(vkRequests.listChannels, { lineId: LINE }, newCorrelation());
    expect(list.channels).toEqual([channel]);
    vk.setCallbackUrl(GROUP, channel.webhookUrl);
  });

  it('answers the confirmation string as text/plain', async () => {
    expect(await vk.confirm(GROUP)).toMatchObject({ ok: true, status: 200, body: CONFIRMATION });
    expect(await vk.confirm(GROUP, { includeSecret: true })).toMatchObject({ ok: true, body: CONFIRMATION });
  });

  it('answers 403 to a wrong or missing secret, 404 to an unknown channel and 400 to an invalid body, storing nothing', async () => {
    const before = (await inbound()).length;
    const object = { message: { id: 999_001, date: 1_700_000_000, peer_id: USER, from_id: USER, text: 'x', out: 0, conversation_message_id: 1, attachments: [] } };
    const bad = await vk.sendCallback(GROUP, { ...vk.envelope(GROUP, 'message_new', object), secret: 'wrong' }, { maxRetries: 0 });
    expect(bad.attempts[0]?.status).toBe(403);
    const { secret: _secret, ...missing } = vk.envelope(GROUP, 'message_new', object);
    expect((await vk.sendCallback(GROUP, missing, { maxRetries: 0 })).attempts[0]?.status).toBe(403);
    expect((await postWebhook(channel.id, JSON.stringify({ ...vk.envelope(OTHER_GROUP, 'message_new', object), secret: SECRET }))).status).toBe(403);
    expect((await postWebhook(randomUUID(), JSON.stringify(vk.envelope(GROUP, 'message_new', object)))).status).toBe(404);
    expect((await postWebhook('not-a-uuid', '{}')).status).toBe(404);
    expect((await postWebhook(channel.id, '{not json')).status).toBe(400);
    expect((await postWebhook(channel.id, JSON.stringify({ type: 'message_new', group_id: GROUP, secret: SECRET }))).status).toBe(400);
    expect((await inbound()).length).toBe(before);
  });

  let firstMessageKey = '';

  it('publishes message_new as MessageReceived with the photo and the document copied into the attachment store', async () => {
    const { message, delivery } = await vk.writeAsCustomer({
      groupId: GROUP,
      userId: USER,
      text: 'hello, my order?',
      attachments: [{ type: 'photo', bytes: PHOTO }, { type: 'doc', bytes: DOC, title: 'invoice.pdf' }],
    });
    expect(delivery?.delivered).toBe(true);
    expect(delivery?.attempts.map((a) => a.body)).toEqual(['ok']);
    firstMessageKey = `vk:${GROUP}:msg:${message.id}`;

    // Answered only after the publish: the event is in the stream by the time `ok` came back.
    const received = ofType(await inbound(), 'MessageReceived').filter((e) => e.envelope.data['dedupeKey'] === firstMessageKey);
    expect(received).toHaveLength(1);
    const data = received[0]?.envelope.data as Record<string, unknown> & { attachments: AttachmentRef[] };
    expect(data).toMatchObject({
      channelId: channel.id,
      channelType: 'vk',
      lineId: LINE,
      externalChatId: String(USER),
      externalUserId: String(USER),
      externalMessageId: String(message.id),
      text: 'hello, my order?',
      source: 'webhook',
      sentAt: new Date(message.date * 1000).toISOString(),
    });
    expect(received[0]?.subject).toBe('parley.inbound.message-received.v1');
    expect(data.attachments).toHaveLength(2);
    const [photo, doc] = data.attachments as [AttachmentRef, AttachmentRef];
    expect(photo).toMatchObject({ kind: 'image', mime: 'image/jpeg', size: PHOTO.length, sha256: sha256(PHOTO) });
    expect(doc).toMatchObject({ kind: 'file', name: 'invoice.pdf', mime: 'application/pdf', size: DOC.length, sha256: sha256(DOC) });
    expect((await storedBytes(photo)).equals(PHOTO)).toBe(true);
    expect((await storedBytes(doc)).equals(DOC)).toBe(true);
  });

  it('answers ok to a replayed event and to a new event with the same message, storing the message once', async () => {
    const first = vk.callbacks('message_new').find((d) => d.delivered && JSON.stringify(d.body).includes('hello, my order?'));
    if (!first?.eventId) throw new Error('no first delivery');
    const replay = await vk.sendCallback(GROUP, vk.callbackBody(first.eventId));
    expect(replay.attempts.map((a) => a.body)).toEqual(['ok']);
    const body = vk.callbackBody(first.eventId) as Record<string, unknown>;
    const sameMessage = await vk.sendCallback(GROUP, { ...body, event_id: randomBytes(20).toString('hex') });
    expect(sameMessage.attempts.map((a) => a.body)).toEqual(['ok']);

    const all = ofType(await inbound(), 'MessageReceived').filter((e) => e.envelope.data['dedupeKey'] === firstMessageKey);
    expect(all).toHaveLength(1);
  });

  it('stores a message once when VK delivers it concurrently (same event and a new event_id)', async () => {
    const { message } = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'concurrent', deliver: false });
    const body = vk.envelope(GROUP, 'message_new', { message, client_info: {} });
    const raw = JSON.stringify(body);
    const answers = await Promise.all([
      postWebhook(channel.id, raw),
      postWebhook(channel.id, raw),
      postWebhook(channel.id, JSON.stringify({ ...body, event_id: randomBytes(20).toString('hex') })),
    ]);
    expect(answers.map((a) => `${a.status} ${a.text}`)).toEqual(['200 ok', '200 ok', '200 ok']);
    const stored = ofType(await inbound(), 'MessageReceived').filter((e) => e.envelope.data['externalMessageId'] === String(message.id));
    expect(stored).toHaveLength(1);
  });

  it('answers 5xx while NATS is down and ok to VK\'s retry once it is back', async () => {
    vk.setCallbackRetry({ maxRetries: 60, delayMs: 250 });
    await nats.shutdown();
    const writing = vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'during the outage' });
    await waitFor(() => vk.callbacks('message_new').some((d) => d.attempts.some((a) => a.status !== undefined && a.status >= 500)), {
      what: 'a 5xx answer while NATS is down',
      timeoutMs: 30_000,
    });
    await nats.restart();
    const { message, delivery } = await writing;
    vk.setCallbackRetry({ maxRetries: 3, delayMs: 50 });
    expect(delivery?.delivered).toBe(true);
    expect(delivery?.attempts[0]?.status).toBeGreaterThanOrEqual(500);
    expect(delivery?.attempts.at(-1)?.body).toBe('ok');
    await waitFor(async () => client.nc.isClosed() === false && (await inbound()).length > 0, { what: 'test client reconnected', timeoutMs: 30_000 });
    const stored = ofType(await inbound(), 'MessageReceived').filter((e) => e.envelope.data['externalMessageId'] === String(message.id));
    expect(stored).toHaveLength(1);
  }, 90_000);

  it('publishes message_reply written inside VK as ExternalReplyReceived', async () => {
    const { message, delivery } = await vk.replyFromCommunity({ groupId: GROUP, userId: USER, text: 'answered in VK' });
    expect(delivery?.delivered).toBe(true);
    const replies = ofType(await inbound(), 'ExternalReplyReceived').filter((e) => e.envelope.data['externalMessageId'] === String(message.id));
    expect(replies).toHaveLength(1);
    expect(replies[0]?.envelope.data).toMatchObject({ text: 'answered in VK', externalChatId: String(USER), dedupeKey: `vk:${GROUP}:msg:${message.id}` });
  });

  it('sends text, a photo and a document with random_id from the reply id, once, and ignores its own echo', async () => {
    const photo = await store.put({ name: 'answer.png', mime: 'image/png', data: PHOTO });
    const doc = await store.put({ name: 'terms.pdf', mime: 'application/pdf', data: DOC });
    const replyId = randomUUID();
    const receipt = await send({ replyId, text: 'here you go', attachments: [photo, doc] });
    const sends = vk.calls('messages.send').filter((c) => c.params['random_id'] === String(vkRandomIdFromReplyId(replyId)));
    expect(sends).toHaveLength(1);
    expect(sends[0]?.params).toMatchObject({ peer_id: String(USER), message: 'here you go' });
    expect(sends[0]?.params['attachment']).toMatch(new RegExp(`^photo-${GROUP}_\\d+(_\\w+)?,doc-${GROUP}_\\d+(_\\w+)?$`));
    expect(receipt.externalMessageId).toMatch(/^\d+$/);

    // Retried by the dispatcher: same receipt, still one message at VK.
    expect(await send({ replyId, text: 'here you go', attachments: [photo, doc] })).toEqual(receipt);
    expect(vk.sentMessages(USER, GROUP).filter((m) => m.text === 'here you go')).toHaveLength(1);

    // The echo (message_reply with our random_id) was answered ok and not published.
    await vk.idle();
    const echo = vk.callbacks('message_reply').find((d) => JSON.stringify(d.body).includes('here you go'));
    expect(echo?.delivered).toBe(true);
    expect(ofType(await inbound(), 'ExternalReplyReceived').filter((e) => e.envelope.data['externalMessageId'] === receipt.externalMessageId)).toHaveLength(0);
  });

  it('maps VK errors: 901 RECIPIENT_BLOCKED (final), 6 RATE_LIMITED (retryable), long text MESSAGE_TOO_LONG', async () => {
    vk.failNext('messages.send', 6);
    const limited = await caught(send({ replyId: randomUUID(), text: 'rate limited' }));
    expect(limited).toMatchObject({ code: SendErrorCodes.RATE_LIMITED, retryable: true });

    const long = await caught(send({ replyId: randomUUID(), text: 'x'.repeat(9001) }));
    expect(long).toMatchObject({ code: SendErrorCodes.MESSAGE_TOO_LONG, retryable: false });

    vk.failNext('messages.send', 901);
    const blocked = await caught(send({ replyId: randomUUID(), text: 'blocked' }));
    expect(blocked).toMatchObject({ code: SendErrorCodes.RECIPIENT_BLOCKED, retryable: false });
  });

  it('publishes message_deny / message_allow as CustomerBlockedChannel / CustomerUnblockedChannel', async () => {
    const denied = await vk.deny({ groupId: GROUP, userId: USER });
    expect(denied?.delivered).toBe(true);
    const blocked = ofType(await inbound(), 'CustomerBlockedChannel');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]?.envelope.data).toMatchObject({ channelId: channel.id, externalUserId: String(USER), dedupeKey: `vk:${GROUP}:event:${denied?.eventId}` });
    expect(await caught(send({ replyId: randomUUID(), text: 'after deny' }))).toMatchObject({ code: SendErrorCodes.RECIPIENT_BLOCKED });

    expect((await vk.allow({ groupId: GROUP, userId: USER }))?.delivered).toBe(true);
    expect(ofType(await inbound(), 'CustomerUnblockedChannel')).toHaveLength(1);
  });

  it('fetches a profile: display name and the avatar copied into the attachment store', async () => {
    const profile = await requests.request(vkRequests.fetchProfile, { channelId: channel.id, externalUserId: String(USER) }, newCorrelation());
    expect(profile.displayName).toBe('Ivan Petrov');
    expect(profile.avatar).toMatchObject({ kind: 'image', size: AVATAR.length, sha256: sha256(AVATAR) });
    expect((await storedBytes(profile.avatar as AttachmentRef)).equals(AVATAR)).toBe(true);
  });

  it('backfills what customers wrote while the channel was disconnected, without duplicates', async () => {
    const off = await requests.request(vkRequests.updateChannel, { channelId: channel.id, active: false, name: 'Shop (paused)' }, newCorrelation());
    expect(off).toMatchObject({ status: 'disconnected', name: 'Shop (paused)' });
    expect(await caught(send({ replyId: randomUUID(), text: 'while off' }))).toMatchObject({ code: SendErrorCodes.CHANNEL_DISCONNECTED, retryable: false });

    const before = await inbound();
    const missedA = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'missed A', deliver: false });
    const delivered = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'missed B (webhook while off)' });
    expect(delivered.delivery?.attempts.map((a) => a.body)).toEqual(['ok']);
    const otherUser = USER + 1;
    vk.addUser({ id: otherUser, firstName: 'Olga', lastName: 'S' });
    const missedC = await vk.writeAsCustomer({ groupId: GROUP, userId: otherUser, text: 'missed C', deliver: false });
    expect((await inbound()).length).toBe(before.length);

    const on = await requests.request(vkRequests.updateChannel, { channelId: channel.id, active: true }, newCorrelation());
    expect(on.status).toBe('active');
    const wanted = [missedA.message, delivered.message, missedC.message].map((m) => `vk:${GROUP}:msg:${m.id}`);
    const backfilled = await waitFor(async () => {
      const found = ofType(await inbound(), 'MessageReceived').filter((e) => wanted.includes(String(e.envelope.data['dedupeKey'])));
      return found.length === wanted.length ? found : undefined;
    }, { what: 'the three backfilled messages', timeoutMs: 20_000 });
    expect(backfilled.every((e) => e.envelope.data['source'] === 'backfill')).toBe(true);
    expect(backfilled.map((e) => e.envelope.data['text'])).toEqual(['missed A', 'missed B (webhook while off)', 'missed C']);

    // Nothing received before is published again: every dedupe key appears once in the stream.
    const keys = ofType(await inbound(), 'MessageReceived').map((e) => String(e.envelope.data['dedupeKey']));
    expect(new Set(keys).size).toBe(keys.length);

    const statuses = await waitFor(async () => {
      const found = ofType(await channelEvents(), 'ChannelChanged').map((e) => e.envelope.data['status']);
      return found.length === 3 ? found : undefined;
    }, { what: 'three ChannelChanged events' });
    expect(statuses).toEqual(['active', 'disconnected', 'active']);
  });

  it('deletes a channel: its webhook answers 404 and ChannelChanged says deleted', async () => {
    expect(await requests.request(vkRequests.deleteChannel, { channelId: channel.id }, newCorrelation())).toEqual({ deleted: true });
    expect(await requests.request(vkRequests.deleteChannel, { channelId: channel.id }, newCorrelation())).toEqual({ deleted: false });
    const delivery = await vk.sendCallback(GROUP, vk.envelope(GROUP, 'message_new', {}), { maxRetries: 0 });
    expect(delivery.attempts[0]?.status).toBe(404);
    expect(await caught(send({ replyId: randomUUID(), text: 'gone' }))).toMatchObject({ code: SendErrorCodes.CHANNEL_DISCONNECTED });
    const last = await waitFor(async () => {
      const found = ofType(await channelEvents(), 'ChannelChanged');
      return found.length === 4 ? found[3] : undefined;
    }, { what: 'ChannelChanged deleted' });
    expect(last?.envelope.data).toMatchObject({ deleted: true, id: channel.id });
    expect((await requests.request(vkRequests.listChannels, {}, newCorrelation())).channels).toEqual([]);
  });

  it('never logs the token or the secret', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const all = logLines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('PLAINTEXT');
  });
});
