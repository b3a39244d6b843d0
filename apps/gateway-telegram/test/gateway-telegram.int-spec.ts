import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { caught, GatewayTestbed } from '@parley/channel-kit/testbed';
import { GatewayRequestsByType, newCorrelation, type AttachmentRef, type ChannelView, type SendReply } from '@parley/contracts';
import type { AttachmentStore } from '@parley/channel-kit';
import type { RequestClient } from '@parley/messaging';
import type { RunningService } from '@parley/observability';
import { TelegramFake, waitFor, type StoredEvent, type TestDatabase } from '@parley/testing';
import { Client } from 'pg';
import { configureGatewayTelegramApp, createAppModule } from '../src/app.module';
import { GatewayTelegramConfig } from '../src/gateway-telegram.config';

const tgRequests = GatewayRequestsByType.telegram;

const BOT_ID = 7100001;
const TOKEN = `${BOT_ID}:AAHtokenPLAINTEXTmustNotLeak_0123456789`;
const ANN = 111;
const BOB = 222;
const CAROL = 333;
const LINE = randomUUID();
const AVATAR = randomBytes(900);

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('gateway-telegram (real NATS, Postgres and the Telegram fake over HTTP)', () => {
  let db: TestDatabase;
  let tg: TelegramFake;
  let service: RunningService;
  let requests: RequestClient;
  let store: AttachmentStore;
  let channel: ChannelView;
  const bed = new GatewayTestbed({
    serviceName: 'gateway-telegram',
    database: 'gateway_telegram',
    startFake: () => TelegramFake.start({ webhookRetry: { maxAttempts: 3, baseDelayMs: 50 } }),
    configClass: GatewayTelegramConfig,
    env: (fake) => ({ TELEGRAM_API_URL: fake.apiUrl }),
    module: createAppModule,
    configure: configureGatewayTelegramApp,
  });
  const logLines = bed.logLines;

  const inbound = (): Promise<StoredEvent[]> => bed.inbound();
  const byKey = async (key: string): Promise<StoredEvent[]> => (await inbound()).filter((e) => e.envelope.data['dedupeKey'] === key);

  const storedBytes = (ref: AttachmentRef): Promise<Buffer> => bed.bytes(ref);

  function send(data: Partial<SendReply> & { externalChatId: string }) {
    return requests.request(
      tgRequests.send,
      { channelId: channel.id, conversationId: randomUUID(), replyId: randomUUID(), text: '', attachments: [], ...data },
      newCorrelation(),
      { timeoutMs: 20_000 },
    );
  }

  async function postUpdate(body: unknown, secret: string | undefined): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
    const res = await fetch(`${service.url}/webhooks/telegram/${channel.id}`, { method: 'POST', headers, body: JSON.stringify(body) });
    await res.text();
    return res.status;
  }

  /** The one MessageReceived of a customer's message, present once the webhook was answered. */
  async function received(messageId: number, chatId: number): Promise<Record<string, unknown> & { attachments: AttachmentRef[] }> {
    const events = await byKey(`telegram:${BOT_ID}:msg:${chatId}:${messageId}`);
    expect(events).toHaveLength(1);
    return events[0]?.envelope.data as Record<string, unknown> & { attachments: AttachmentRef[] };
  }

  beforeAll(async () => {
    await bed.start();
    ({ db, fake: tg, service, requests, store } = bed);
    tg.addBot({ token: TOKEN, username: 'shop_bot', firstName: 'Shop' });
    tg.addCustomer({ id: ANN, firstName: 'Ann', lastName: 'B', username: 'ann', photo: AVATAR });
    tg.addCustomer({ id: BOB, firstName: 'Bob' });
    tg.addCustomer({ id: CAROL, firstName: 'Carol' });
  });

  afterAll(() => bed.stop());

  it('refuses a token Telegram does not accept with CHANNEL_CHECK_FAILED', async () => {
    const err = await caught(requests.request(tgRequests.connectChannel, { lineId: LINE, name: 'Bot', settings: { botToken: `${BOT_ID}:AAHwrongTokenWrongToken_99999` } }, newCorrelation()));
    expect(err.code).toBe('CHANNEL_CHECK_FAILED');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/Telegram getMe failed: 401/);
    expect(tg.webhookInfo(TOKEN).url ?? '').toBe('');
  });

  it('connects a bot: getMe, token encrypted at rest, setWebhook with its URL, a random secret and allowed_updates', async () => {
    const channelId = randomUUID();
    channel = await requests.request(tgRequests.connectChannel, { channelId, lineId: LINE, name: 'Shop bot', settings: { botToken: TOKEN } }, newCorrelation());
    expect(channel).toMatchObject({ id: channelId, type: 'telegram', lineId: LINE, status: 'active', externalId: String(BOT_ID) });
    expect(channel.webhookUrl).toBe(`${service.url}/webhooks/telegram/${channelId}`);
    const hook = tg.webhookInfo(TOKEN);
    expect(hook.url).toBe(channel.webhookUrl);
    expect(hook.secretToken).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(hook.allowedUpdates).toEqual(['message', 'edited_message', 'my_chat_member']);

    const conflict = await caught(requests.request(tgRequests.connectChannel, { lineId: randomUUID(), name: 'Again', settings: { botToken: TOKEN } }, newCorrelation()));
    expect(conflict.code).toBe('CHANNEL_ALREADY_CONNECTED');

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const dump = JSON.stringify((await pg.query('SELECT * FROM gateway_telegram.channels')).rows);
      expect(dump).not.toContain('PLAINTEXT');
      expect(dump).not.toContain(hook.secretToken);
    } finally {
      await pg.end();
    }
  });

  it('answers 401 to a wrong or missing X-Telegram-Bot-Api-Secret-Token, storing nothing', async () => {
    const before = (await inbound()).length;
    const update = { update_id: 1, message: { message_id: 1, date: 1_700_000_000, chat: { id: ANN, type: 'private' }, from: { id: ANN, is_bot: false, first_name: 'Ann' }, text: 'x' } };
    expect(await postUpdate(update, undefined)).toBe(401);
    expect(await postUpdate(update, 'wrong-secret')).toBe(401);
    expect(await postUpdate(update, `${tg.webhookInfo(TOKEN).secretToken}x`)).toBe(401);
    expect((await inbound()).length).toBe(before);
  });

  it('publishes a private text message, and drops a redelivery by update_id and by (chat, message_id)', async () => {
    const { message, update } = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'hello, my order?' });
    expect(update.status).toBe('delivered');
    const data = await received(message!.message_id, ANN);
    expect(data).toMatchObject({ channelId: channel.id, channelType: 'telegram', lineId: LINE, externalChatId: String(ANN), externalUserId: String(ANN), text: 'hello, my order?', source: 'webhook', attachments: [] });

    const secret = tg.webhookInfo(TOKEN).secretToken;
    expect(await postUpdate(update.update, secret)).toBe(200);
    expect(await postUpdate({ ...update.update, update_id: update.update.update_id + 1000 }, secret)).toBe(200);
    await received(message!.message_id, ANN);
  });

  it('copies the largest photo size and a document into the attachment store (via getFile)', async () => {
    const photo = randomBytes(4000);
    const { message } = await tg.customerSends({ bot: TOKEN, customerId: ANN, photo: { bytes: photo, width: 1280, height: 960 }, caption: 'see this' });
    const data = await received(message!.message_id, ANN);
    expect(data.text).toBe('see this');
    expect(data.attachments).toHaveLength(1);
    expect(data.attachments[0]).toMatchObject({ kind: 'image', mime: 'image/jpeg', size: photo.length, sha256: sha256(photo) });
    expect(sha256(await storedBytes(data.attachments[0]!))).toBe(sha256(photo));

    const pdf = randomBytes(2500);
    const doc = await tg.customerSends({ bot: TOKEN, customerId: ANN, document: { bytes: pdf, fileName: 'invoice.pdf', mime: 'application/pdf' } });
    const docData = await received(doc.message!.message_id, ANN);
    expect(docData.attachments[0]).toMatchObject({ name: 'invoice.pdf', mime: 'application/pdf', kind: 'file', sha256: sha256(pdf) });
  });

  it('takes voice, audio, video, sticker, location and contact messages', async () => {
    const voice = await tg.customerSends({ bot: TOKEN, customerId: ANN, voice: { bytes: randomBytes(300) } });
    expect((await received(voice.message!.message_id, ANN)).attachments[0]).toMatchObject({ kind: 'audio', mime: 'audio/ogg' });
    const audio = await tg.customerSends({ bot: TOKEN, customerId: ANN, audio: { bytes: randomBytes(300), fileName: 'song.mp3', mime: 'audio/mpeg' } });
    expect((await received(audio.message!.message_id, ANN)).attachments[0]).toMatchObject({ kind: 'audio', name: 'song.mp3' });
    const video = await tg.customerSends({ bot: TOKEN, customerId: ANN, video: { bytes: randomBytes(300), mime: 'video/mp4' } });
    expect((await received(video.message!.message_id, ANN)).attachments[0]).toMatchObject({ kind: 'video', mime: 'video/mp4' });
    const sticker = await tg.customerSends({ bot: TOKEN, customerId: ANN, sticker: { emoji: '👍' } });
    const stickerData = await received(sticker.message!.message_id, ANN);
    expect(stickerData).toMatchObject({ text: '👍' });
    expect(stickerData.attachments[0]).toMatchObject({ kind: 'sticker' });
    const location = await tg.customerSends({ bot: TOKEN, customerId: ANN, location: { latitude: 55.75, longitude: 37.61 } });
    expect((await received(location.message!.message_id, ANN)).text).toContain('55.75, 37.61');
    const contact = await tg.customerSends({ bot: TOKEN, customerId: ANN, contact: { phoneNumber: '+79990001122', firstName: 'Ivan', lastName: 'P' } });
    expect((await received(contact.message!.message_id, ANN)).text).toContain('Ivan P +79990001122');
  });

  it('publishes an edited_message as MessageEdited, once', async () => {
    const { message } = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'helo' });
    const edit = await tg.editMessage({ bot: TOKEN, customerId: ANN, messageId: message!.message_id, text: 'hello' });
    const edits = (await inbound()).filter((e) => e.envelope.type === 'MessageEdited' && e.envelope.data['externalMessageId'] === String(message!.message_id));
    expect(edits).toHaveLength(1);
    expect(edits[0]?.envelope.data).toMatchObject({ text: 'hello', externalChatId: String(ANN), channelType: 'telegram' });
    expect(await postUpdate(edit.update.update, tg.webhookInfo(TOKEN).secretToken)).toBe(200);
    expect((await inbound()).filter((e) => e.envelope.type === 'MessageEdited' && e.envelope.data['externalMessageId'] === String(message!.message_id))).toHaveLength(1);
  });

  it('publishes my_chat_member kicked as CustomerBlockedChannel and member as CustomerUnblockedChannel', async () => {
    await tg.customerSends({ bot: TOKEN, customerId: CAROL, text: 'hi' });
    await tg.block({ bot: TOKEN, customerId: CAROL });
    const blocked = (await inbound()).filter((e) => e.envelope.type === 'CustomerBlockedChannel' && e.envelope.data['externalUserId'] === String(CAROL));
    expect(blocked).toHaveLength(1);
    const refused = await caught(send({ externalChatId: String(CAROL), text: 'are you there?' }));
    expect(refused.code).toBe('RECIPIENT_BLOCKED');
    expect(refused.retryable).toBe(false);
    await tg.unblock({ bot: TOKEN, customerId: CAROL });
    expect((await inbound()).filter((e) => e.envelope.type === 'CustomerUnblockedChannel' && e.envelope.data['externalUserId'] === String(CAROL))).toHaveLength(1);
  });

  it('sends a long text split at 4,096 characters, and a photo with the text as its caption (multipart upload)', async () => {
    const long = `${'a'.repeat(4000)}\n\n${'b'.repeat(3000)}`;
    await send({ externalChatId: String(ANN), text: long });
    const texts = tg.sentMessages(ANN).filter((m) => m.method === 'sendMessage').map((m) => m.text ?? '');
    expect(texts.join('')).toBe(long);
    expect(texts.every((t) => t.length <= 4096)).toBe(true);
    expect(texts).toHaveLength(2);

    await tg.customerSends({ bot: TOKEN, customerId: BOB, text: 'and me?' });
    const photo = randomBytes(5000);
    const ref = await store.put({ name: 'answer.png', mime: 'image/png', kind: 'image', data: photo });
    const receipt = await send({ externalChatId: String(BOB), text: 'here is the photo', attachments: [ref] });
    const [sent] = tg.sentMessages(BOB);
    expect(sent).toMatchObject({ method: 'sendPhoto', caption: 'here is the photo' });
    expect(sha256(sent!.file!.bytes)).toBe(sha256(photo));
    expect(receipt.externalMessageId).toBe(String(sent!.message.message_id));
    expect(Object.keys(tg.calls('sendPhoto').at(-1)!.files)).toEqual(['photo']);
  });

  it('sends a document after the text when the text is over the 1,024-character caption limit', async () => {
    const pdf = randomBytes(3000);
    const ref = await store.put({ name: 'contract.pdf', mime: 'application/pdf', kind: 'file', data: pdf });
    const text = 'x'.repeat(1500);
    await send({ externalChatId: String(BOB), text, attachments: [ref] });
    const after = tg.sentMessages(BOB).slice(1);
    expect(after.map((m) => m.method)).toEqual(['sendMessage', 'sendDocument']);
    expect(after[0]?.text).toBe(text);
    expect(after[1]?.file).toMatchObject({ kind: 'document', fileName: 'contract.pdf' });
    expect(sha256(after[1]!.file!.bytes)).toBe(sha256(pdf));
  });

  it('answers 429 with RATE_LIMITED and retry_after, and 403 "bot was blocked" with RECIPIENT_BLOCKED', async () => {
    tg.failNext('sendMessage', 429, 1, { retryAfter: 3 });
    const limited = await caught(send({ externalChatId: String(BOB), text: 'slow down' }));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.retryable).toBe(true);
    expect(limited.options.retryAfterMs).toBe(3000);
    tg.failNext('sendMessage', 403, 1, { description: 'Forbidden: bot was blocked by the user' });
    const blocked = await caught(send({ externalChatId: String(BOB), text: 'hello?' }));
    expect(blocked.code).toBe('RECIPIENT_BLOCKED');
    expect(blocked.retryable).toBe(false);
  });

  it('resumes a reply cut short by a 429 after its last sent part, so the retry does not repeat the text', async () => {
    const ref = await store.put({ name: 'terms.pdf', mime: 'application/pdf', kind: 'file', data: randomBytes(1200) });
    const reply = { externalChatId: String(BOB), replyId: randomUUID(), text: 'y'.repeat(1300), attachments: [ref] };
    const before = tg.sentMessages(BOB).length;
    tg.failNext('sendDocument', 429, 1, { retryAfter: 1 });
    const limited = await caught(send(reply));
    expect(limited.code).toBe('RATE_LIMITED');
    await send(reply);
    expect(tg.sentMessages(BOB).slice(before).map((m) => m.method)).toEqual(['sendMessage', 'sendDocument']);
  });

  it('fetches a profile: first/last name and @username from getChat, the avatar from getUserProfilePhotos', async () => {
    const profile = await requests.request(tgRequests.fetchProfile, { channelId: channel.id, externalUserId: String(ANN) }, newCorrelation());
    expect(profile.displayName).toBe('Ann B (@ann)');
    expect(profile.avatar).toMatchObject({ kind: 'image', sha256: sha256(AVATAR) });
    const bob = await requests.request(tgRequests.fetchProfile, { channelId: channel.id, externalUserId: String(BOB) }, newCorrelation());
    expect(bob).toEqual({ displayName: 'Bob' });
  });

  it('never logs the bot token or a file URL', () => {
    const logs = logLines.join('\n');
    expect(logs).not.toContain('PLAINTEXT');
    expect(logs).not.toContain('/file/bot');
  });

  it('removes the webhook when the channel is deleted; its URL then answers 404', async () => {
    expect(await requests.request(tgRequests.deleteChannel, { channelId: channel.id }, newCorrelation())).toEqual({ deleted: true });
    expect(tg.webhookInfo(TOKEN).url ?? '').toBe('');
    await waitFor(async () => ((await postUpdate({ update_id: 5 }, 'x')) === 404 ? true : undefined), { what: 'webhook URL gone' });
  });
});
