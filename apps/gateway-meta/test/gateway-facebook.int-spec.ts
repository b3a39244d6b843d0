import { randomBytes } from 'node:crypto';
import { GatewayErrorCodes, newCorrelation, SendErrorCodes, type AttachmentRef, type ChannelView } from '@parley/contracts';
import { metaSignature, waitFor } from '@parley/testing';
import { caught, DAY, MetaHarness } from './meta-harness';

const PAGE = '104857600123';
const TOKEN = 'EAAG-page-token-1';
const PAGE2 = '104857600456';
const TOKEN2 = 'EAAG-page-token-2';
const SECRET = 'page-app-secret-1';
const PSID = '6100000000000001';
const PSID2 = '6100000000000002';
const PICTURE = randomBytes(900);

describe('gateway-meta as gateway-facebook (real NATS, Postgres and the Meta fake over HTTP)', () => {
  const h = new MetaHarness('facebook');
  let channel: ChannelView;
  let agentChannel: ChannelView;
  const settings = { pageId: PAGE, pageAccessToken: TOKEN, appSecret: SECRET, verifyToken: 'verify-me', language: 'ru' };

  beforeAll(async () => {
    await h.start();
    h.meta.addPage({ id: PAGE, name: 'Creatio Shop', token: TOKEN, appSecret: SECRET, verifyToken: 'verify-me' });
    h.meta.addPage({ id: PAGE2, name: 'Agents', token: TOKEN2, appSecret: SECRET });
    h.meta.addUser({ id: PSID, firstName: 'Anna', lastName: 'Ivanova', picture: PICTURE });
    h.meta.addUser({ id: PSID2, firstName: 'Boris', lastName: 'Smirnov' });
  });
  afterAll(() => h.stop());

  it('connect: a token Meta refuses (190) is CHANNEL_CHECK_FAILED and nothing is stored; another page’s token too', async () => {
    expect((await caught(h.connect('Bad', { ...settings, pageAccessToken: 'EAAG-not-a-token' }))).code).toBe(GatewayErrorCodes.CHANNEL_CHECK_FAILED);
    expect((await caught(h.connect('Other', { ...settings, pageAccessToken: TOKEN2 }))).code).toBe(GatewayErrorCodes.CHANNEL_CHECK_FAILED);
    expect((await h.requests.request(h.api.listChannels, { lineId: h.lineId }, newCorrelation())).channels).toEqual([]);
  });

  it('connect: checks the token, subscribes the page’s webhook fields, keeps the language; the same page twice is 409', async () => {
    channel = await h.connect('Shop', settings);
    expect(channel).toMatchObject({ type: 'facebook', externalId: PAGE, status: 'active' });
    expect(h.meta.subscribedFields(PAGE)).toEqual(['message_deliveries', 'message_echoes', 'message_reactions', 'message_reads', 'messages', 'messaging_postbacks', 'standby']);
    expect(JSON.stringify(channel)).not.toContain(TOKEN);
    expect(h.logLines.join('\n')).not.toContain(TOKEN);
    expect((await caught(h.connect('Again', settings))).code).toBe(GatewayErrorCodes.CHANNEL_ALREADY_CONNECTED);
    h.meta.setWebhookUrl(PAGE, channel.webhookUrl);
    agentChannel = await h.connect('Agents', { pageId: PAGE2, pageAccessToken: TOKEN2, appSecret: SECRET, verifyToken: 'v2', humanAgent: true });
    h.meta.setWebhookUrl(PAGE2, agentChannel.webhookUrl);
  });

  it('GET verification echoes hub.challenge for the verify token, 403 otherwise', async () => {
    expect((await h.meta.verifyWebhook(PAGE)).ok).toBe(true);
    const wrong = await h.meta.verifyWebhook(PAGE, 'not-it');
    expect(wrong).toMatchObject({ ok: false, status: 403 });
  });

  it('a POST with a wrong or missing signature is 401 and stores nothing', async () => {
    const { entry } = await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'forged', deliver: false });
    const body = JSON.stringify({ object: 'page', entry: [entry] });
    const before = (await h.inbound()).length;
    expect(await h.post(channel.id, body, { 'x-hub-signature-256': metaSignature(body, 'another-secret') })).toBe(401);
    expect(await h.post(channel.id, body, {})).toBe(401);
    expect(await h.post(channel.id, body + ' ', { 'x-hub-signature-256': metaSignature(body, SECRET) })).toBe(401);
    expect((await h.inbound()).length).toBe(before);
  });

  it('a message with text and an image: published with the image copied, before Meta gets its 200', async () => {
    const { event, delivery } = await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'Hello', attachments: [{ type: 'image', bytes: PICTURE, mime: 'image/png' }, { type: 'file', bytes: Buffer.from('%PDF-1.7'), mime: 'application/pdf' }] });
    expect(delivery?.attempts.map((a) => [a.status, a.body])).toEqual([[200, 'EVENT_RECEIVED']]);
    // Answered only after JetStream had it: read at once, no waiting.
    const got = (await h.ofType('MessageReceived')).find((d) => d['externalMessageId'] === event.message?.['mid']);
    expect(got).toMatchObject({ channelType: 'facebook', externalChatId: PSID, externalUserId: PSID, text: 'Hello', dedupeKey: `facebook:${PAGE}:msg:${String(event.message?.['mid'])}` });
    const refs = got?.['attachments'] as AttachmentRef[];
    expect(refs.map((r) => r.kind)).toEqual(['image', 'file']);
    expect(await h.bytes(refs[0]!)).toEqual(PICTURE);
  });

  it('a batch is handled entry by entry; a replayed mid is not published twice', async () => {
    const a = await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'batch one', deliver: false });
    const b = await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID2, text: 'batch two', deliver: false });
    const p = await h.meta.postback({ accountId: PAGE, userId: PSID2, title: 'Talk to a person', payload: 'HUMAN', deliver: false });
    const other = await h.meta.writeAsCustomer({ accountId: PAGE2, userId: PSID, text: 'not this page', deliver: false });
    const before = (await h.inbound()).length;
    expect((await h.meta.sendEntries(PAGE, [a.entry, b.entry, p.entry, other.entry])).delivered).toBe(true);
    expect((await h.meta.sendEntries(PAGE, [b.entry])).delivered).toBe(true);
    const added = (await h.inbound()).slice(before).map((e) => [e.envelope.type, e.envelope.data['text']]);
    expect(added).toEqual([['MessageReceived', 'batch one'], ['MessageReceived', 'batch two'], ['MessageReceived', 'Talk to a person']]);
  });

  it('own echoes are dropped (app_id + send key); a person’s reply in the Page Inbox is an external reply; delivery is a receipt', async () => {
    const receipt = await h.send(channel.id, { externalChatId: PSID, text: 'From Parley' });
    await h.meta.idle();
    const echo = h.meta.webhooks(PAGE).find((d) => d.body.includes(receipt.externalMessageId) && d.body.includes('"is_echo":true'));
    expect(echo?.delivered).toBe(true);
    const inbox = await h.meta.replyFromInbox({ accountId: PAGE, userId: PSID, text: 'From the Page Inbox' });
    const external = await h.ofType('ExternalReplyReceived');
    expect(external.map((d) => d['text'])).toEqual(['From the Page Inbox']);
    expect(external[0]).toMatchObject({ externalChatId: PSID, externalMessageId: inbox.event.message?.['mid'] });
    await h.meta.markDelivered({ accountId: PAGE, userId: PSID });
    const receipts = await h.ofType('ReplyReceiptReceived');
    expect(receipts).toContainEqual(expect.objectContaining({ externalMessageId: receipt.externalMessageId, status: 'delivered', externalChatId: PSID }));
  });

  it('reply windows: 23 h 59 min sent, 24 h 01 min refused before Meta with the closing time; HUMAN_AGENT where allowed', async () => {
    const wroteAt = h.clock;
    await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID2, text: 'window opens' });
    await h.meta.writeAsCustomer({ accountId: PAGE2, userId: PSID2, text: 'window opens too' });
    h.clock = wroteAt + DAY - 60_000;
    await h.send(channel.id, { externalChatId: PSID2, text: 'in time' });
    expect(h.meta.sentMessages(PSID2).at(-1)).toMatchObject({ text: 'in time', messagingType: 'RESPONSE' });
    h.clock = wroteAt + DAY + 60_000;
    const calls = h.meta.calls('/me/messages').length;
    const refused = await caught(h.send(channel.id, { externalChatId: PSID2, text: 'too late' }));
    expect(refused.code).toBe(SendErrorCodes.REPLY_WINDOW_CLOSED);
    expect(refused.retryable).toBe(false);
    expect(refused.options.details).toMatchObject({ reason: 'window-closed', closedAt: new Date(wroteAt + DAY).toISOString() });
    expect(h.meta.calls('/me/messages')).toHaveLength(calls);
    // Without an operator's name (a bot's reply) no HUMAN_AGENT, even where the channel allows it.
    expect((await caught(h.send(agentChannel.id, { externalChatId: PSID2, text: 'bot answer' }))).code).toBe(SendErrorCodes.REPLY_WINDOW_CLOSED);
    await h.send(agentChannel.id, { externalChatId: PSID2, text: 'agent answer', senderName: 'Olga' });
    expect(h.meta.sentMessages(PSID2).at(-1)).toMatchObject({ text: 'agent answer', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', accountId: PAGE2 });
    h.clock = wroteAt + 7 * DAY + 60_000;
    expect((await caught(h.send(agentChannel.id, { externalChatId: PSID2, text: 'a week later', senderName: 'Olga' }))).options.details).toMatchObject({ closedAt: new Date(wroteAt + 7 * DAY).toISOString() });
  });

  it('Meta’s own refusals: 10/2018278 is REPLY_WINDOW_CLOSED (final), 551 RECIPIENT_BLOCKED, 613 RATE_LIMITED (retryable)', async () => {
    await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'fresh' });
    h.meta.failNext('/me/messages', 10, 2018278);
    const window = await caught(h.send(channel.id, { externalChatId: PSID, text: 'x' }));
    expect([window.code, window.retryable, window.options.details?.['reason']]).toEqual([SendErrorCodes.REPLY_WINDOW_CLOSED, false, 'meta-refused']);
    h.meta.failNext('/me/messages', 551, 1545041);
    expect((await caught(h.send(channel.id, { externalChatId: PSID, text: 'x' }))).code).toBe(SendErrorCodes.RECIPIENT_BLOCKED);
    h.meta.failNext('/me/messages', 613);
    const rate = await caught(h.send(channel.id, { externalChatId: PSID, text: 'x' }));
    expect([rate.code, rate.retryable]).toEqual([SendErrorCodes.RATE_LIMITED, true]);
  });

  it('long texts are split at 2000 characters; files are uploaded as bytes', async () => {
    const file = await h.store.put({ name: 'price.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-price') });
    const before = h.meta.sentMessages(PSID).length;
    await h.send(channel.id, { externalChatId: PSID, text: 'я'.repeat(2500), attachments: [file] });
    const sent = h.meta.sentMessages(PSID).slice(before);
    expect(sent.map((m) => [m.text?.length, m.attachment?.via, m.attachment?.bytes.toString()])).toEqual([[2000, undefined, undefined], [500, undefined, undefined], [undefined, 'upload', '%PDF-price']]);
  });

  it('profiles: name from first/last name, the picture copied into the attachment store', async () => {
    const profile = await h.requests.request(h.api.fetchProfile, { channelId: channel.id, externalUserId: PSID }, newCorrelation());
    expect(profile.displayName).toBe('Anna Ivanova');
    expect(profile.avatar).toBeDefined();
    expect(await h.bytes(profile.avatar!)).toEqual(PICTURE);
  });

  it('standby events (a bot app owns the thread) are recorded as the customer’s messages', async () => {
    const { event, delivery } = await h.meta.writeAsCustomer({ accountId: PAGE, userId: PSID2, text: 'to the bot', standby: true });
    expect(delivery?.delivered).toBe(true);
    expect((await h.ofType('MessageReceived')).find((d) => d['externalMessageId'] === event.message?.['mid'])).toMatchObject({ text: 'to the bot', externalChatId: PSID2 });
  });

  it('a token Meta no longer accepts (190) fails the send with CHANNEL_AUTH_FAILED and deactivates the channel', async () => {
    await h.meta.writeAsCustomer({ accountId: PAGE2, userId: PSID, text: 'hi agents' });
    h.meta.failNext('/me/messages', 190);
    expect((await caught(h.send(agentChannel.id, { externalChatId: PSID, text: 'x' }))).code).toBe(SendErrorCodes.CHANNEL_AUTH_FAILED);
    // The health change is written after the failed send answered: wait for it.
    await waitFor(
      async () => (await h.requests.request(h.api.listChannels, { lineId: h.lineId }, newCorrelation())).channels.find((c) => c.id === agentChannel.id)?.health === 'deactivated',
      { timeoutMs: 5000, what: 'the channel deactivated' },
    );
    expect((await caught(h.send(agentChannel.id, { externalChatId: PSID, text: 'again' }))).code).toBe(SendErrorCodes.CHANNEL_DISCONNECTED);
  });
});
