/*
 * System test of issue 8 (Telegram as the second channel): every process started from a build the way `npm run up`
 * starts them, TELEGRAM_API_URL and VK_API_URL pointing at the Telegram and VK fakes in this process. One line gets
 * a Telegram bot and a VK community; a Telegram customer and a VK customer each write text and a photo; the same
 * operator sees both live and answers each with text and a file; each customer gets both in their messenger.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, startTestNats, TelegramFake, TINY_PNG, VkFake, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { freeSystemPorts, startSystem, type RunningSystem } from '../up/src/start-system';
import { buildPrivateDist, type PrivateBuild } from './private-build';
import { ConsoleApiClient, LiveSocket, type ApiErrorBody } from './system-client';

interface Channel {
  id: string;
  type: string;
  status: string;
  webhookUrl: string;
  externalId: string;
}
interface Conversation {
  id: string;
  channelType: string;
  status: string;
  blocked: boolean;
  contact?: { displayName: string; avatarUrl?: string };
}
interface Attachment {
  id: string;
  name: string;
  kind: string;
}
interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  text: string;
  attachments: Attachment[];
  status: string;
  editedAt?: string;
  failureCode?: string;
}

const root = path.resolve(__dirname, '../..');
const BOT_TOKEN = '7300001:AAHe2eTelegramBotToken_abcdefghij';
const TG_ANN = 700_111;
const VK_GROUP = 230_000_001;
const VK_TOKEN = 'vk1.a.e2e-telegram-line-token';
const VK_IVAN = 4747;
const PDF = Buffer.from('%PDF-1.4\n% parley telegram e2e\n');
const deadline = { timeoutMs: 20_000 };

let build: PrivateBuild | undefined;
let nats: NatsServer;
let db: TestDatabase;
let tg: TelegramFake;
let vk: VkFake;
let system: RunningSystem;
let stateDir: string;
let admin: ConsoleApiClient;
let operator: ConsoleApiClient;
let live: LiveSocket;
let lineId: string;
let telegramChannel: Channel;
const output: string[] = [];

const conversations = (): Promise<Conversation[]> => admin.expect<Conversation[]>(200, 'GET', `/api/conversations?lineId=${lineId}`);
const messagesOf = (id: string): Promise<Message[]> => admin.expect<Message[]>(200, 'GET', `/api/conversations/${id}/messages`);

async function upload(bytes: Buffer, name: string, mime: string): Promise<Attachment> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: mime }), name);
  return operator.expect<Attachment>(201, 'POST', '/api/attachments', form);
}

async function conversationOf(channelType: string): Promise<Conversation> {
  return waitFor(async () => (await conversations()).find((c) => c.channelType === channelType), { what: `the ${channelType} conversation`, ...deadline });
}

/** Accepts, then answers with a text and a file; resolves once both are delivered. */
async function answer(conversation: Conversation, text: string, file: Attachment): Promise<void> {
  await operator.expect(200, 'POST', `/api/conversations/${conversation.id}/accept`);
  const ids: string[] = [randomUUID(), randomUUID()];
  expect((await operator.post(`/api/conversations/${conversation.id}/replies`, { id: ids[0], text })).status).toBe(202);
  expect((await operator.post(`/api/conversations/${conversation.id}/replies`, { id: ids[1], attachmentIds: [file.id] })).status).toBe(202);
  await waitFor(async () => {
    const out = (await messagesOf(conversation.id)).filter((m) => ids.includes(m.id));
    return out.length === 2 && out.every((m) => m.status === 'delivered') ? out : undefined;
  }, { what: `the replies to ${conversation.channelType} delivered`, ...deadline });
}

beforeAll(async () => {
  build = await buildPrivateDist(root);
  stateDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-tg-'));
  [nats, db, tg, vk] = await Promise.all([
    startTestNats(),
    createTestDatabase('parley_e2e_tg'),
    TelegramFake.start({ webhookRetry: { maxAttempts: 5, baseDelayMs: 50 } }),
    VkFake.start({ callbackRetry: { maxRetries: 3, delayMs: 50 } }),
  ]);
  tg.addBot({ token: BOT_TOKEN, username: 'e2e_shop_bot' });
  tg.addCustomer({ id: TG_ANN, firstName: 'Ann', lastName: 'Lee', username: 'annlee', photo: TINY_PNG });
  vk.addCommunity({ id: VK_GROUP, name: 'E2E shop', token: VK_TOKEN, secret: 'e2e-tg-secret', confirmation: 'e2e-tg-confirm' });
  vk.addUser({ id: VK_IVAN, firstName: 'Ivan', lastName: 'Petrov' });
  system = await startSystem({
    root,
    stateDir,
    distDir: build.distDir,
    ports: await freeSystemPorts(),
    natsUrl: nats.url,
    databaseUrl: db.url,
    // As `npm run up` takes them from the environment: the gateways talk to the fakes (Viber to an unused base), no sandbox runs.
    env: { PARLEY_ADMIN_EMAIL: 'admin@e2e.test', PARLEY_ADMIN_PASSWORD: 'admin-password-e2e', LOG_LEVEL: 'warn', VK_API_URL: vk.apiUrl, TELEGRAM_API_URL: tg.apiUrl, VIBER_API_URL: 'http://127.0.0.1:9' },
    readyTimeoutMs: 90_000,
    write: (line) => {
      output.push(line);
      if (output.length > 60) output.shift();
    },
  }).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- last output of the system ---\n${output.join('\n')}`);
  });
}, 180_000);

afterAll(async () => {
  await live?.close();
  await system?.stop();
  await Promise.allSettled([tg?.stop(), vk?.stop()]);
  await nats?.stop();
  await db?.drop();
  await build?.remove();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 60_000);

describe('Telegram and VK customers in one line (issue 8)', () => {
  it('starts gateway-telegram with the rest of the system, without the sandbox', () => {
    expect(system.skipped).toEqual([]);
    expect(system.started).toContain('gateway-telegram');
    expect(system.started).not.toContain('sandbox');
  });

  it('connects a bot (getMe refused → 422; setWebhook done by Parley) and a VK community to the same line', async () => {
    const anonymous = new ConsoleApiClient(system.consoleApiUrl);
    admin = await anonymous.login('admin@e2e.test', 'admin-password-e2e');
    const op = await admin.expect<{ id: string }>(201, 'POST', '/api/operators', { email: 'op@e2e.test', name: 'Operator', password: 'operator-pw-e2e', role: 'operator' });
    operator = await anonymous.login('op@e2e.test', 'operator-pw-e2e');
    lineId = (await admin.expect<{ id: string }>(201, 'POST', '/api/lines', { name: 'All messengers', sessionRule: { mode: 'reopen' } })).id;
    await admin.expect(200, 'PUT', `/api/lines/${lineId}/members`, { operatorIds: [op.id] });

    const refused = await admin.post<ApiErrorBody>(`/api/lines/${lineId}/channels`, { type: 'telegram', name: 'Bot', settings: { botToken: '7300001:AAHwrongwrongwrongwrong_wrong' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CHANNEL_CHECK_FAILED');
    telegramChannel = await admin.expect<Channel>(201, 'POST', `/api/lines/${lineId}/channels`, { type: 'telegram', name: 'Shop bot', settings: { botToken: BOT_TOKEN } });
    expect(telegramChannel).toMatchObject({ type: 'telegram', status: 'active', externalId: '7300001' });
    expect(tg.webhookInfo(BOT_TOKEN).url).toBe(telegramChannel.webhookUrl);
    const twice = await admin.post<ApiErrorBody>(`/api/lines/${lineId}/channels`, { type: 'telegram', name: 'Again', settings: { botToken: BOT_TOKEN } });
    expect(twice.status).toBe(409);

    const vkChannel = await admin.expect<Channel>(201, 'POST', `/api/lines/${lineId}/channels`, {
      type: 'vk',
      name: 'Shop VK',
      settings: { groupId: String(VK_GROUP), confirmation: 'e2e-tg-confirm', secret: 'e2e-tg-secret', token: VK_TOKEN },
    });
    vk.setCallbackUrl(VK_GROUP, vkChannel.webhookUrl);
    const channels = await admin.expect<Channel[]>(200, 'GET', `/api/channels?lineId=${lineId}`);
    expect(channels.map((c) => c.type).sort()).toEqual(['telegram', 'vk']);
  });

  it('a Telegram customer and a VK customer write text and a photo; the operator sees both live', async () => {
    live = await LiveSocket.open(system.consoleApiUrl, operator.token ?? '');
    const photo = Buffer.concat([TINY_PNG]);
    await tg.customerSends({ bot: BOT_TOKEN, customerId: TG_ANN, text: 'Hello from Telegram' });
    await tg.customerSends({ bot: BOT_TOKEN, customerId: TG_ANN, photo: { bytes: photo, width: 1, height: 1 }, caption: 'my parcel' });
    await vk.writeAsCustomer({ groupId: VK_GROUP, userId: VK_IVAN, text: 'Hello from VK', attachments: [{ type: 'photo', bytes: photo, mime: 'image/png' }] });

    const tgConversation = await conversationOf('telegram');
    const vkConversation = await conversationOf('vk');
    const tgMessages = await waitFor(async () => {
      const m = await messagesOf(tgConversation.id);
      return m.length === 2 ? m : undefined;
    }, { what: 'both Telegram messages', ...deadline });
    expect(tgMessages.map((m) => m.text)).toEqual(['Hello from Telegram', 'my parcel']);
    const image = tgMessages[1]?.attachments[0];
    expect(image?.kind).toBe('image');
    expect(Buffer.compare((await admin.get<Buffer>(`/api/attachments/${image?.id}`)).body, photo)).toBe(0);
    expect((await messagesOf(vkConversation.id))[0]?.attachments[0]?.kind).toBe('image');

    await waitFor(() => live.of(tgConversation.id, 'MessageAppended').length === 2 && live.of(vkConversation.id, 'MessageAppended').length === 1, {
      what: 'the messages of both customers on the operator socket',
      ...deadline,
    });
    const named = await waitFor(async () => {
      const c = await admin.expect<Conversation>(200, 'GET', `/api/conversations/${tgConversation.id}`);
      return c.contact?.displayName === 'Ann Lee (@annlee)' ? c : undefined;
    }, { what: 'the Telegram contact named from getChat', ...deadline });
    expect(named.contact?.avatarUrl).toBeTruthy();
  });

  it('the operator answers both with text and a file; each customer gets both in their messenger', async () => {
    const [tgConversation, vkConversation] = [await conversationOf('telegram'), await conversationOf('vk')];
    await answer(tgConversation, 'Hi Ann, it ships today', await upload(PDF, 'receipt.pdf', 'application/pdf'));
    await answer(vkConversation, 'Hi Ivan, it ships today', await upload(PDF, 'receipt.pdf', 'application/pdf'));

    const toAnn = tg.sentMessages(TG_ANN);
    expect(toAnn.map((m) => m.method)).toEqual(['sendMessage', 'sendDocument']);
    expect(toAnn[0]?.text).toBe('Hi Ann, it ships today');
    expect(toAnn[1]?.file?.fileName).toBe('receipt.pdf');
    expect(Buffer.compare(toAnn[1]?.file?.bytes ?? Buffer.alloc(0), PDF)).toBe(0);
    const toIvan = vk.sentMessages(VK_IVAN, VK_GROUP);
    expect(toIvan).toHaveLength(2);
    expect(vk.calls('docs.save')).toHaveLength(1);
  });

  it('an edit shows as edited; a customer who blocks the bot cannot be answered until they unblock it', async () => {
    const tgConversation = await conversationOf('telegram');
    const first = tg.messages(BOT_TOKEN, TG_ANN).find((m) => !m.from.is_bot);
    await tg.editMessage({ bot: BOT_TOKEN, customerId: TG_ANN, messageId: first?.message_id ?? 0, text: 'Hello from Telegram (edited)' });
    const edited = await waitFor(async () => (await messagesOf(tgConversation.id)).find((m) => m.editedAt !== undefined), { what: 'the edit', ...deadline });
    expect(edited.text).toBe('Hello from Telegram (edited)');
    await waitFor(() => live.of(tgConversation.id, 'MessageEditRecorded').length === 1, { what: 'the edit live', ...deadline });

    await tg.block({ bot: BOT_TOKEN, customerId: TG_ANN });
    await waitFor(async () => (await admin.expect<Conversation>(200, 'GET', `/api/conversations/${tgConversation.id}`)).blocked, { what: 'the block', ...deadline });
    const refused = await operator.post<ApiErrorBody>(`/api/conversations/${tgConversation.id}/replies`, { id: randomUUID(), text: 'Hello?' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('RECIPIENT_BLOCKED');
    await tg.unblock({ bot: BOT_TOKEN, customerId: TG_ANN });
    await waitFor(async () => !(await admin.expect<Conversation>(200, 'GET', `/api/conversations/${tgConversation.id}`)).blocked, { what: 'the unblock', ...deadline });
  });

  it('a channel deleted by the admin removes its webhook at Telegram', async () => {
    await admin.expect(204, 'DELETE', `/api/channels/${telegramChannel.id}`);
    await waitFor(() => (tg.webhookInfo(BOT_TOKEN).url ?? '') === '', { what: 'the webhook removed', ...deadline });
  });
});
