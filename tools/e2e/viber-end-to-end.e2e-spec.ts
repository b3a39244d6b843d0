/*
 * System test of issue 9 (Viber bots end to end): the system started from a private build the way `npm run up`
 * starts it (tools/up startSystem, gateway-viber among its processes with VIBER_API_URL = the Viber fake), a
 * throwaway NATS and database, and the Viber fake in this process. A Viber customer writes
 * (text, then a picture), the operator answers under their own name with text and an image; an unsubscribe blocks
 * replies until the customer writes again. The steps share state and run in order.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, startTestNats, VIBER_TINY_PNG, ViberFake, VkFake, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { freeSystemPorts, startSystem, type RunningSystem } from '../up/src/start-system';
import { buildPrivateDist, type PrivateBuild } from './private-build';
import { ConsoleApiClient, LiveSocket, type ApiErrorBody } from './system-client';

interface Channel {
  id: string;
  status: string;
  externalId: string;
  customerLink?: string;
}
interface Conversation {
  id: string;
  status: 'queued' | 'assigned' | 'closed';
  blocked: boolean;
  contact?: { displayName: string; avatarUrl?: string };
}
interface Attachment {
  id: string;
  kind: string;
}
interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  text: string;
  attachments: Attachment[];
  status: string;
  externalMessageId?: string;
  receipt?: 'delivered' | 'seen' | 'failed';
}

const root = path.resolve(__dirname, '../..');
const TOKEN = '4453b6ac1234e2e-e02c5f12174805f9-daec9cbb5448c51f';
const JOHN = 'JoHn0123456789AB==';
const VISITOR = 'ViSiToR0123456789==';
const deadline = { timeoutMs: 30_000 };

let build: PrivateBuild | undefined;
let nats: NatsServer;
let db: TestDatabase;
let vk: VkFake;
let viber: ViberFake;
let system: RunningSystem;
let stateDir: string;
let logStream: WriteStream;
let admin: ConsoleApiClient;
let op: ConsoleApiClient;
let lineId: string;
let channel: Channel;
let johnConversation: Conversation;

const conversations = (): Promise<Conversation[]> => admin.expect<Conversation[]>(200, 'GET', `/api/conversations?lineId=${lineId}`);
const messagesOf = (id: string): Promise<Message[]> => admin.expect<Message[]>(200, 'GET', `/api/conversations/${id}/messages`);

async function reply(body: { text?: string; attachmentIds?: string[] }): Promise<{ status: number; body: Message | ApiErrorBody; id: string }> {
  const id = randomUUID();
  const answer = await op.post<Message | ApiErrorBody>(`/api/conversations/${johnConversation.id}/replies`, { id, ...body });
  return { status: answer.status, body: answer.body, id };
}

beforeAll(async () => {
  build = await buildPrivateDist(root);
  stateDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-viber-'));
  logStream = createWriteStream(path.join(stateDir, 'system.log'));
  [nats, db, vk, viber] = await Promise.all([
    startTestNats(),
    createTestDatabase('parley_e2e_viber'),
    VkFake.start(),
    ViberFake.start({ callbackRetry: { delayMs: 100, retryWindowMs: 30_000 } }),
  ]);
  const write = (line: string): void => void logStream.write(`${line}\n`);
  system = await startSystem({
    root,
    stateDir,
    distDir: build.distDir,
    ports: await freeSystemPorts(),
    natsUrl: nats.url,
    databaseUrl: db.url,
    vkApiUrl: vk.apiUrl,
    // As `npm run up` takes them from the environment: gateway-viber talks to the Viber fake, no sandbox runs.
    env: { PARLEY_ADMIN_EMAIL: 'admin@e2e.test', PARLEY_ADMIN_PASSWORD: 'admin-password-e2e', LOG_LEVEL: 'warn', VIBER_API_URL: viber.apiUrl, TELEGRAM_API_URL: 'http://127.0.0.1:9' },
    readyTimeoutMs: 90_000,
    write,
    onProcessExit: (name, code, signal) => write(`!!! ${name} exited (${signal ?? String(code)})`),
  });
  if (system.skipped.length > 0) throw new Error(`not built, so not started: ${system.skipped.join(', ')}`);
  viber.addBot({ authToken: TOKEN, id: 'pa:e2e-shop', name: 'E2E shop', uri: 'e2eshop' });
  viber.addUser({ id: JOHN, name: 'John McClane', avatar: randomBytes(400) });
  viber.addUser({ id: VISITOR, name: 'Just Looking' });
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await Promise.allSettled([viber?.stop(), vk?.stop()]);
  await nats?.stop();
  await db?.drop();
  await build?.remove();
  await new Promise<void>((resolve) => (logStream ? logStream.end(() => resolve()) : resolve()));
  if (process.env['PARLEY_E2E_KEEP_LOG']) process.stdout.write(`system log kept in ${stateDir}/system.log\n`);
  else await rm(stateDir, { recursive: true, force: true });
}, 60_000);

describe('Viber end to end (issue 9)', () => {
  it('1. the admin connects the bot: token checked, webhook registered by Parley, the deep link shown', async () => {
    const anonymous = new ConsoleApiClient(system.consoleApiUrl);
    admin = await anonymous.login('admin@e2e.test', 'admin-password-e2e');
    const operator = await admin.expect<{ id: string }>(201, 'POST', '/api/operators', { email: 'anna@e2e.test', name: 'Anna Karenina', password: 'anna-password', role: 'operator' });
    op = await anonymous.login('anna@e2e.test', 'anna-password');
    lineId = (await admin.expect<{ id: string }>(201, 'POST', '/api/lines', { name: 'Viber support', sessionRule: { mode: 'reopen' } })).id;
    await admin.expect(200, 'PUT', `/api/lines/${lineId}/members`, { operatorIds: [operator.id] });

    const bad = await admin.post<ApiErrorBody>(`/api/lines/${lineId}/channels`, { type: 'viber', name: 'Shop', settings: { authToken: 'wrong-token-123' } });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'CHANNEL_CHECK_FAILED']);
    channel = await admin.expect<Channel>(201, 'POST', `/api/lines/${lineId}/channels`, { type: 'viber', name: 'Shop', settings: { authToken: TOKEN, sendAsOperator: true } });
    expect(channel).toMatchObject({ status: 'active', externalId: 'pa:e2e-shop', customerLink: 'viber://pa?chatURI=e2eshop' });
    expect(viber.webhook(TOKEN)?.url).toMatch(new RegExp(`/webhooks/viber/${channel.id}$`));
    const again = await admin.post<ApiErrorBody>(`/api/lines/${lineId}/channels`, { type: 'viber', name: 'Again', settings: { authToken: TOKEN } });
    expect([again.status, again.body.error.code]).toEqual([409, 'CHANNEL_ALREADY_CONNECTED']);
  });

  it('2. opening the chat creates nothing; the first message creates the contact (Viber name, avatar copied) and a queued conversation', async () => {
    expect((await viber.openChat({ authToken: TOKEN, userId: VISITOR, context: 'site' }))?.delivered).toBe(true);
    const photo = Buffer.concat([VIBER_TINY_PNG]);
    await viber.writeAsCustomer({ authToken: TOKEN, userId: JOHN, message: { type: 'text', text: 'Hello, where is my order?' } });
    await viber.writeAsCustomer({ authToken: TOKEN, userId: JOHN, message: { type: 'picture', bytes: photo, mime: 'image/png', text: 'the receipt' } });
    johnConversation = await waitFor(async () => {
      const c = (await conversations())[0];
      return c?.contact?.displayName === 'John McClane' && c.contact.avatarUrl ? c : undefined;
    }, { what: 'the conversation with the named contact', ...deadline });
    expect(await conversations()).toHaveLength(1); // nothing for the visitor who only opened the chat
    const messages = await waitFor(async () => {
      const m = await messagesOf(johnConversation.id);
      return m.length === 2 ? m : undefined;
    }, { what: 'both messages', ...deadline });
    expect(messages.map((m) => m.text)).toEqual(['Hello, where is my order?', 'the receipt']);
    const image = messages[1]?.attachments[0];
    expect(image?.kind).toBe('image');
    const bytes = await admin.get<Buffer>(`/api/attachments/${image?.id}`);
    expect(Buffer.compare(bytes.body, photo)).toBe(0);
  });

  it('3. the operator answers with text and an image under their own name; Viber fetched the image from the signed link', async () => {
    await op.expect(200, 'POST', `/api/conversations/${johnConversation.id}/accept`);
    const png = Buffer.concat([VIBER_TINY_PNG, randomBytes(64)]);
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'answer.png');
    const uploaded = await op.expect<Attachment>(201, 'POST', '/api/attachments', form);
    const text = await reply({ text: 'It ships today' });
    const picture = await reply({ text: 'Your parcel', attachmentIds: [uploaded.id] });
    expect([text.status, picture.status]).toEqual([202, 202]);
    for (const r of [text, picture]) {
      await waitFor(async () => (await messagesOf(johnConversation.id)).find((m) => m.id === r.id && m.status === 'delivered'), { what: `reply ${r.id} delivered`, ...deadline });
    }
    const sent = viber.sentMessages(JOHN, TOKEN);
    expect(sent.map((m) => [m.type, m.text, m.senderName])).toEqual([
      ['text', 'It ships today', 'Anna Karenina'],
      ['picture', 'Your parcel', 'Anna Karenina'],
    ]);
    expect(Buffer.compare(sent[1]?.mediaBytes ?? Buffer.alloc(0), png)).toBe(0);
  });

  it('3b. Viber\'s delivered and seen receipts show on the replies through console-api (sent → delivered → seen)', async () => {
    const replies = (await messagesOf(johnConversation.id)).filter((m) => m.direction === 'outbound');
    expect(replies).toHaveLength(2);
    // The fake reports `delivered` right after each accepted send_message, with the token send returned.
    const tokens = viber.sentMessages(JOHN, TOKEN).map((m) => m.messageToken.toString());
    expect(replies.map((m) => m.externalMessageId)).toEqual(tokens);
    await waitFor(async () => {
      const list = (await messagesOf(johnConversation.id)).filter((m) => m.direction === 'outbound');
      return list.every((m) => m.receipt === 'delivered') ? list : undefined;
    }, { what: 'both replies delivered to the device', ...deadline });
    // Pushed live too: the operator's console gets ReplyReceiptRecorded for each reply.
    const live = await LiveSocket.open(system.consoleApiUrl, op.token ?? '');
    try {
      await viber.seeAll({ authToken: TOKEN, userId: JOHN });
      const frames = await waitFor(() => {
        const seenFrames = live.of(johnConversation.id, 'ReplyReceiptRecorded').filter((f) => f.data['status'] === 'seen');
        return seenFrames.length === 2 ? seenFrames : undefined;
      }, { what: 'two live ReplyReceiptRecorded seen frames', ...deadline });
      expect(frames.map((f) => f.data['replyId']).sort()).toEqual(replies.map((m) => m.id).sort());
    } finally {
      await live.close();
    }
    const seen = await waitFor(async () => {
      const list = (await messagesOf(johnConversation.id)).filter((m) => m.direction === 'outbound');
      return list.every((m) => m.receipt === 'seen') ? list : undefined;
    }, { what: 'both replies seen', ...deadline });
    expect(seen.map((m) => [m.status, m.receipt])).toEqual([['delivered', 'seen'], ['delivered', 'seen']]);
  });

  it('4. after unsubscribing, replies are refused with RECIPIENT_BLOCKED until the customer writes again', async () => {
    await viber.unsubscribe({ authToken: TOKEN, userId: JOHN });
    await waitFor(async () => (await admin.expect<Conversation>(200, 'GET', `/api/conversations/${johnConversation.id}`)).blocked, { what: 'the blocked flag', ...deadline });
    const refused = await reply({ text: 'Are you there?' });
    expect([refused.status, (refused.body as ApiErrorBody).error.code]).toEqual([409, 'RECIPIENT_BLOCKED']);
    // The history stays visible.
    expect((await messagesOf(johnConversation.id)).length).toBeGreaterThanOrEqual(4);
    await viber.writeAsCustomer({ authToken: TOKEN, userId: JOHN, message: { type: 'text', text: 'I am back' } });
    await waitFor(async () => !(await admin.expect<Conversation>(200, 'GET', `/api/conversations/${johnConversation.id}`)).blocked, { what: 'the block lifted', ...deadline });
    const ok = await reply({ text: 'Welcome back' });
    expect(ok.status).toBe(202);
    await waitFor(async () => (await messagesOf(johnConversation.id)).find((m) => m.id === ok.id && m.status === 'delivered'), { what: 'the reply after writing again', ...deadline });
    expect(viber.sentMessages(JOHN, TOKEN).at(-1)?.text).toBe('Welcome back');
  });
});
