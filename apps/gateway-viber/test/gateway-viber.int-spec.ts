import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AttachmentStore } from '@parley/channel-kit';
import {
  GatewayErrorCodes,
  GatewayRequestsByType,
  newCorrelation,
  SendErrorCodes,
  type AttachmentRef,
  type ChannelView,
  type SendReply,
} from '@parley/contracts';
import type { RequestClient } from '@parley/messaging';
import type { RunningService } from '@parley/observability';
import { caught, GatewayTestbed } from '@parley/channel-kit/testbed';
import { ViberFake, viberSignature, waitFor, type StoredEvent, type TestDatabase } from '@parley/testing';
import { Client } from 'pg';
import { configureGatewayViberApp, createAppModule } from '../src/app.module';
import { GatewayViberConfig } from '../src/gateway-viber.config';

const viberRequests = GatewayRequestsByType.viber;

const TOKEN = '4453b6ac1234PLAINTEXT-e02c5f12174805f9-daec9cbb5448c51f';
const OPERATOR_TOKEN = '5553b6ac1234PLAINTEXT-e02c5f12174805f9-operatorbot000';
const USER = 'u1AbCdEfGhIjKlMnOp==';
const LINE = randomUUID();
const AVATAR = randomBytes(700);

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('gateway-viber (real NATS, Postgres and the Viber fake over HTTP)', () => {
  let db: TestDatabase;
  let viber: ViberFake;
  let service: RunningService;
  let requests: RequestClient;
  let store: AttachmentStore;
  let channel: ChannelView;
  const bed = new GatewayTestbed({
    serviceName: 'gateway-viber',
    database: 'gateway_viber',
    startFake: () => ViberFake.start({ callbackRetry: { delayMs: 50, retryWindowMs: 20_000 } }),
    configClass: GatewayViberConfig,
    env: (fake) => ({ VIBER_API_URL: fake.apiUrl, VIBER_API_TIMEOUT_MS: '3000' }),
    module: createAppModule,
    configure: configureGatewayViberApp,
  });
  const logLines = bed.logLines;

  const inbound = (): Promise<StoredEvent[]> => bed.inbound();
  const ofType = (events: StoredEvent[], type: string) => events.filter((e) => e.envelope.type === type);

  const storedBytes = (ref: AttachmentRef): Promise<Buffer> => bed.bytes(ref);

  async function putAttachment(name: string, mime: string, bytes: Buffer): Promise<AttachmentRef> {
    return store.put({ name, mime, data: bytes });
  }

  function send(data: Partial<SendReply>, channelId = channel.id) {
    return requests.request(
      viberRequests.send,
      { channelId, conversationId: randomUUID(), replyId: randomUUID(), externalChatId: USER, text: '', attachments: [], ...data },
      newCorrelation(),
    );
  }

  function connect(name: string, settings: Record<string, unknown>, channelId?: string) {
    return requests.request(viberRequests.connectChannel, { lineId: LINE, name, settings, ...(channelId ? { channelId } : {}) }, newCorrelation());
  }

  async function post(channelId: string, body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(`${service.url}/webhooks/viber/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    return res.status;
  }

  beforeAll(async () => {
    await bed.start();
    ({ db, fake: viber, service, requests, store } = bed);
    viber.addBot({ authToken: TOKEN, id: 'pa:5882944422452', name: 'Shop bot', uri: 'parleyshop' });
    viber.addBot({ authToken: OPERATOR_TOKEN, id: 'pa:777', name: 'Agents', uri: 'parleyagents' });
    viber.addUser({ id: USER, name: 'John McClane', avatar: AVATAR });
    viber.addUser({ id: 'ghost==', registered: false });
  });

  afterAll(() => bed.stop());


  it('connect: a token Viber refuses is CHANNEL_CHECK_FAILED, nothing stored', async () => {
    const err = await caught(connect('Bad', { authToken: 'not-a-viber-token' }));
    expect(err.code).toBe(GatewayErrorCodes.CHANNEL_CHECK_FAILED);
    expect((await requests.request(viberRequests.listChannels, { lineId: LINE }, newCorrelation())).channels).toEqual([]);
  });

  it('connect: get_account_info, set_webhook (its signed check answered), the deep link, the token encrypted; the same bot twice is 409', async () => {
    channel = await connect('Shop', { authToken: TOKEN });
    expect(channel).toMatchObject({ type: 'viber', externalId: 'pa:5882944422452', customerLink: 'viber://pa?chatURI=parleyshop', status: 'active' });
    expect(viber.webhook(TOKEN)?.url).toBe(channel.webhookUrl);
    const check = viber.callbacks('webhook')[0];
    expect(check?.delivered).toBe(true);
    expect(check?.attempts[0]?.status).toBe(200);
    const err = await caught(connect('Again', { authToken: TOKEN }));
    expect(err.code).toBe(GatewayErrorCodes.CHANNEL_ALREADY_CONNECTED);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const rows = (await pg.query('SELECT secrets::text AS s, settings::text AS c FROM gateway_viber.channels')).rows as Array<{ s: string; c: string }>;
    await pg.end();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.s).not.toContain('PLAINTEXT');
    expect(rows[0]?.c).not.toContain('PLAINTEXT');
  });

  it('connect: a set_webhook Viber refuses undoes the connect (WEBHOOK_REGISTRATION_FAILED)', async () => {
    viber.addBot({ authToken: 'third-bot-token-0001', id: 'pa:333', uri: 'third' });
    viber.failNext('set_webhook', 1);
    expect((await caught(connect('Third', { authToken: 'third-bot-token-0001' }))).code).toBe(GatewayErrorCodes.WEBHOOK_REGISTRATION_FAILED);
    const listed = await requests.request(viberRequests.listChannels, { lineId: LINE }, newCorrelation());
    expect(listed.channels.map((c) => c.externalId)).toEqual(['pa:5882944422452']);
  });

  it('a callback without or with a wrong signature is refused (4xx) and nothing is published', async () => {
    const before = (await inbound()).length;
    const body = `{"event":"message","timestamp":${Date.now()},"message_token":5753750845017966001,"sender":{"id":"${USER}"},"message":{"type":"text","text":"forged"}}`;
    expect(await post(channel.id, body, {})).toBe(401);
    expect(await post(channel.id, body, { 'x-viber-content-signature': viberSignature(body, 'another-token') })).toBe(403);
    // Signed over other bytes (re-serialised JSON), as a gateway that parsed first would check.
    expect(await post(channel.id, body, { 'x-viber-content-signature': viberSignature(JSON.stringify(JSON.parse(body)), TOKEN) })).toBe(403);
    expect(await post(channel.id, body.replace('forged', 'forgeD'), { 'x-viber-content-signature': viberSignature(body, TOKEN) })).toBe(403);
    expect((await inbound()).length).toBe(before);
  });

  it('message_token above 2^53 is exact: two tokens differing in the last digits are two messages; a replay is one', async () => {
    const a = 5_753_750_845_017_966_998n;
    const b = 5_753_750_845_017_966_999n;
    await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'first' }, messageToken: a });
    await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'second' }, messageToken: b });
    const replay = viber.callbacks('message').find((d) => d.raw.includes(a.toString()));
    expect((await viber.sendCallback(TOKEN, replay?.raw ?? '')).delivered).toBe(true);
    const received = ofType(await inbound(), 'MessageReceived').map((e) => e.envelope.data);
    expect(received.map((d) => [d['externalMessageId'], d['text']])).toEqual([
      [a.toString(), 'first'],
      [b.toString(), 'second'],
    ]);
    expect(received[0]).toMatchObject({ channelType: 'viber', externalChatId: USER, externalUserId: USER, dedupeKey: `viber:pa:5882944422452:msg:${a}`, profile: { displayName: 'John McClane' } });
  });

  it('every message type lands; media is copied into the attachment store', async () => {
    const pic = randomBytes(2000);
    const video = randomBytes(3000);
    const file = randomBytes(1500);
    const sticker = randomBytes(500);
    const messages = [
      { type: 'picture', bytes: pic, text: 'look' },
      { type: 'video', bytes: video },
      { type: 'file', bytes: file, fileName: 'invoice.pdf', mime: 'application/pdf' },
      { type: 'sticker', stickerId: 40133, bytes: sticker },
      { type: 'contact', name: 'Ann', phoneNumber: '+380501234567' },
      { type: 'location', lat: 50.45, lon: 30.52 },
      { type: 'url', url: 'https://example.com/item/7' },
    ] as const;
    const tokens: string[] = [];
    for (const message of messages) tokens.push((await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message })).messageToken.toString());
    const got = ofType(await inbound(), 'MessageReceived').map((e) => e.envelope.data).filter((d) => tokens.includes(String(d['externalMessageId'])));
    expect(got).toHaveLength(7);
    const atts = got.map((d) => d['attachments'] as AttachmentRef[]);
    expect(got[0]?.['text']).toBe('look');
    expect(atts[0]?.[0]).toMatchObject({ kind: 'image', sha256: sha256(pic), mime: 'image/jpeg' });
    expect(await storedBytes(atts[0]?.[0] as AttachmentRef)).toEqual(pic);
    expect(atts[1]?.[0]).toMatchObject({ kind: 'video', sha256: sha256(video) });
    expect(atts[2]?.[0]).toMatchObject({ kind: 'file', name: 'invoice.pdf', sha256: sha256(file) });
    expect(atts[3]?.[0]).toMatchObject({ kind: 'sticker', sha256: sha256(sticker) });
    expect(got[4]?.['text']).toBe('Contact: Ann, +380501234567');
    expect(got[5]?.['text']).toMatch(/^Location: 50.45, 30.52 https:/);
    expect(got[6]?.['text']).toBe('https://example.com/item/7');
  });

  it('conversation_started publishes nothing; subscribed/unsubscribed are recorded as unblock/block', async () => {
    const before = (await inbound()).length;
    const started = await viber.openChat({ authToken: TOKEN, userId: 'visitor==', context: 'site' });
    expect(started?.delivered).toBe(true);
    expect((await inbound()).length).toBe(before);
    await viber.unsubscribe({ authToken: TOKEN, userId: USER });
    await viber.subscribe({ authToken: TOKEN, userId: USER });
    const events = (await inbound()).slice(before).map((e) => [e.envelope.type, e.envelope.data['externalUserId']]);
    expect(events).toEqual([
      ['CustomerBlockedChannel', USER],
      ['CustomerUnblockedChannel', USER],
    ]);
  });

  it('sends text, picture, file and video (media served at signed links), with the bot as sender; receipts become ReplyReceiptReceived', async () => {
    const png = randomBytes(900);
    const pdf = randomBytes(1200);
    const mp4 = randomBytes(1500);
    const text = await send({ text: 'Hello from Parley' });
    const picture = await send({ text: 'your photo', attachments: [await putAttachment('photo.png', 'image/png', png)] });
    const fileAndVideo = await send({ text: 'docs', attachments: [await putAttachment('a.pdf', 'application/pdf', pdf), await putAttachment('clip.mp4', 'video/mp4', mp4)] });
    const sent = viber.sentMessages(USER, TOKEN);
    expect(sent.map((m) => [m.type, m.text ?? null, m.senderName])).toEqual([
      ['text', 'Hello from Parley', 'Shop bot'],
      ['picture', 'your photo', 'Shop bot'],
      ['text', 'docs', 'Shop bot'],
      ['file', null, 'Shop bot'],
      ['video', null, 'Shop bot'],
    ]);
    expect(sent[1]?.mediaBytes).toEqual(png);
    expect(sent[3]?.mediaBytes).toEqual(pdf);
    expect(sent[3]?.fileName).toBe('a.pdf');
    expect(sent[4]?.mediaBytes).toEqual(mp4);
    expect(text.externalMessageId).toBe(sent[0]?.messageToken.toString());
    expect(picture.externalMessageId).toBe(sent[1]?.messageToken.toString());
    expect(fileAndVideo.externalMessageId).toBe(sent[4]?.messageToken.toString());

    // A tampered link reaches nothing.
    const link = new URL(String(sent[1]?.media));
    const forged = link.pathname.replace(/\/(\d+)\//, (_m, e: string) => `/${Number(e) + 1}/`);
    expect((await fetch(`${link.origin}${forged}`)).status).toBe(404);

    await viber.seeAll({ authToken: TOKEN, userId: USER });
    await viber.failMessage(sent[0]?.messageToken ?? 0n, 'receiver device offline too long');
    const receipts = await waitFor(
      async () => {
        const r = ofType(await inbound(), 'ReplyReceiptReceived').map((e) => e.envelope.data);
        return r.length >= 11 ? r : undefined;
      },
      { what: 'delivered, seen and failed receipts' },
    );
    const forText = receipts.filter((r) => r['externalMessageId'] === text.externalMessageId).map((r) => r['status']);
    expect(forText.sort()).toEqual(['delivered', 'failed', 'seen']);
    expect(receipts.find((r) => r['status'] === 'failed')).toMatchObject({ reason: 'receiver device offline too long', externalChatId: USER });
  });

  it('send errors: unsubscribed and unknown receivers are permanent RECIPIENT_BLOCKED; status 12 is retryable RATE_LIMITED', async () => {
    const unknown = await caught(send({ text: 'x', externalChatId: 'ghost==' }));
    expect([unknown.code, unknown.retryable]).toEqual([SendErrorCodes.RECIPIENT_BLOCKED, false]);
    expect(unknown.message).toMatch(/5 receiverNotRegistered/);
    await viber.unsubscribe({ authToken: TOKEN, userId: USER });
    const unsubscribed = await caught(send({ text: 'x' }));
    expect([unsubscribed.code, unsubscribed.retryable]).toEqual([SendErrorCodes.RECIPIENT_BLOCKED, false]);
    expect(unsubscribed.message).toMatch(/6 receiverNotSubscribed/);
    // Writing again re-subscribes: the answer goes through, and the gateway published an unblock with the message.
    const { messageToken } = await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'back' } });
    const unblocks = ofType(await inbound(), 'CustomerUnblockedChannel').map((e) => e.envelope.data['dedupeKey']);
    expect(unblocks).toContain(`viber:pa:5882944422452:msg:${messageToken}:writes`);
    expect((await send({ text: 'welcome back' })).externalMessageId).toMatch(/^\d+$/);
    viber.failNext('send_message', 12);
    const limited = await caught(send({ text: 'y' }));
    expect([limited.code, limited.retryable]).toEqual([SendErrorCodes.RATE_LIMITED, true]);
    viber.failNextHttp('send_message', 503);
    expect((await caught(send({ text: 'z' }))).code).toBe(SendErrorCodes.MESSENGER_UNAVAILABLE);
  });

  it('sendAsOperator: the customer sees the operator’s name (cut to 28 characters)', async () => {
    const agents = await connect('Agents', { authToken: OPERATOR_TOKEN, sendAsOperator: true });
    await viber.writeAsCustomer({ authToken: OPERATOR_TOKEN, userId: USER, message: { type: 'text', text: 'hi agents' } });
    await send({ text: 'Anna here', senderName: 'Anna Karenina' }, agents.id);
    await send({ text: 'long', senderName: 'Maximilian Alexander von Humboldt-Wittgenstein' }, agents.id);
    await send({ text: 'no name' }, agents.id);
    expect(viber.sentMessages(USER, OPERATOR_TOKEN).map((m) => m.senderName)).toEqual(['Anna Karenina', 'Maximilian Alexander von Hum', 'Agents']);
    // Without sendAsOperator the operator's name is not used.
    await send({ text: 'bot speaking', senderName: 'Anna Karenina' });
    expect(viber.sentMessages(USER, TOKEN).at(-1)?.senderName).toBe('Shop bot');
  });

  it('fetch-profile: the name Viber sent and the avatar copied into the attachment store', async () => {
    const profile = await requests.request(viberRequests.fetchProfile, { channelId: channel.id, externalUserId: USER }, newCorrelation());
    expect(profile.displayName).toBe('John McClane');
    expect(profile.avatar && (await storedBytes(profile.avatar))).toEqual(AVATAR);
    expect(viber.calls('get_user_details')).toHaveLength(0);
  });

  it('never logs the auth token', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.filter((l) => l.includes('PLAINTEXT'))).toEqual([]);
  });
});
