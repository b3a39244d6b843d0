/*
 * System test of issue 3 (the VK channel end to end): every process started from a build the way `npm run up` starts
 * them (tools/up startSystem), on free ports, a throwaway NATS and database from the harness, and the VK fake in
 * this process. The test drives the fake over real HTTP and checks the results through console-api (REST + the
 * live WebSocket) and the fake's record of calls. The steps share state and run in order: each `it` is one
 * numbered point of the issue.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, startTestNats, TINY_PNG, VkFake, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { freeSystemPorts, startSystem, type RunningSystem } from '../up/src/start-system';
import { buildPrivateDist, type PrivateBuild } from './private-build';
import { ConsoleApiClient, LiveSocket, type ApiErrorBody } from './system-client';

interface Operator {
  id: string;
  email: string;
  role: string;
}
interface Line {
  id: string;
  memberIds: string[];
}
interface Channel {
  id: string;
  status: 'active' | 'disconnected';
  webhookUrl: string;
  externalId: string;
}
interface Conversation {
  id: string;
  lineId: string;
  status: 'queued' | 'assigned' | 'closed';
  assigneeId: string | null;
  blocked: boolean;
  previousConversationId: string | null;
  contactId: string;
  contact?: { displayName: string; avatarUrl?: string };
}
interface Attachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  kind: string;
}
interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  author: { kind: string; id?: string };
  text: string;
  attachments: Attachment[];
  status: string;
  failureCode?: string;
  failureReason?: string;
}
interface LoggedEvent {
  type: string;
  data: Record<string, unknown>;
}

const root = path.resolve(__dirname, '../..');
const GROUP = 210_000_001;
const GROUP_B = 210_000_002;
const TOKEN = 'vk1.a.e2e-community-token';
const TOKEN_B = 'vk1.a.e2e-second-community-token';
const IVAN = 4242;
const OLGA = 4343;
const PAVEL = 4444;
const STRANGER = 4545;
const MARIA = 4646;
const PDF = Buffer.from('%PDF-1.4\n% parley e2e\n');
/** gateway-telegram runs too; this test connects no bot, so it never calls its API (and no sandbox is started). */
const TELEGRAM_UNUSED = 'http://127.0.0.1:9';

let build: PrivateBuild | undefined;
let nats: NatsServer;
let db: TestDatabase;
let vk: VkFake;
let system: RunningSystem;
let stateDir: string;
let logStream: WriteStream;
let admin: ConsoleApiClient;
let op1: ConsoleApiClient;
let op2: ConsoleApiClient;
let op1Id: string;
let lineA: Line;
let lineB: Line;
let channelA: Channel;
let channelB: Channel;
let liveOp1: LiveSocket;
let liveOp2: LiveSocket;
let ivanConversation: Conversation;
const deadline = { timeoutMs: 20_000 };

const sends = (): Array<{ randomId: string; ok: boolean; errorCode?: number }> =>
  vk.calls('messages.send').map((c) => ({
    randomId: c.params['random_id'] ?? '',
    ok: 'response' in c.result,
    ...('error' in c.result ? { errorCode: c.result.error.error_code } : {}),
  }));

async function conversationsOf(lineId: string): Promise<Conversation[]> {
  return admin.expect<Conversation[]>(200, 'GET', `/api/conversations?lineId=${lineId}`);
}

async function messagesOf(conversationId: string): Promise<Message[]> {
  return admin.expect<Message[]>(200, 'GET', `/api/conversations/${conversationId}/messages`);
}

async function conversation(id: string): Promise<Conversation> {
  return admin.expect<Conversation>(200, 'GET', `/api/conversations/${id}`);
}

async function waitForMessage(conversationId: string, match: (m: Message) => boolean, what: string): Promise<Message> {
  return waitFor(async () => (await messagesOf(conversationId)).find(match), { what, ...deadline });
}

async function reply(client: ConsoleApiClient, conversationId: string, body: { text?: string; attachmentIds?: string[] }, id: string = randomUUID()): Promise<{ status: number; body: Message | ApiErrorBody; id: string }> {
  const answer = await client.post<Message | ApiErrorBody>(`/api/conversations/${conversationId}/replies`, { id, ...body });
  return { status: answer.status, body: answer.body, id };
}

async function upload(client: ConsoleApiClient, bytes: Buffer, name: string, mime: string): Promise<Attachment> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: mime }), name);
  return client.expect<Attachment>(201, 'POST', '/api/attachments', form);
}

beforeAll(async () => {
  // The system runs from a build, like `npm run up`, but from this test's own build of the current sources (a few
  // seconds of SWC), so a shared dist/ being rebuilt or stale never changes what is tested.
  build = await buildPrivateDist(root);
  stateDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-'));
  logStream = createWriteStream(path.join(stateDir, 'system.log'));
  [nats, db, vk] = await Promise.all([startTestNats(), createTestDatabase('parley_e2e'), VkFake.start({ callbackRetry: { maxRetries: 3, delayMs: 50 } })]);
  const ports = await freeSystemPorts();
  const output: string[] = [];
  system = await startSystem({
    root,
    stateDir,
    distDir: build.distDir,
    ports,
    natsUrl: nats.url,
    databaseUrl: db.url,
    // VK_API_URL as `npm run up` takes it from the environment: the gateway talks to the fake, no sandbox runs.
    env: { PARLEY_ADMIN_EMAIL: 'admin@e2e.test', PARLEY_ADMIN_PASSWORD: 'admin-password-e2e', LOG_LEVEL: 'warn', VK_API_URL: vk.apiUrl, TELEGRAM_API_URL: TELEGRAM_UNUSED, VIBER_API_URL: TELEGRAM_UNUSED },
    extraEnv: { 'outbound-dispatcher': { RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '500' } },
    readyTimeoutMs: 90_000,
    write: (line) => {
      logStream.write(`${line}\n`);
      output.push(line);
      if (output.length > 60) output.shift();
    },
    onProcessExit: (name, code, signal) => logStream.write(`!!! ${name} exited (${signal ?? code})\n`),
  }).catch((err: unknown) => {
    // Show what the processes said: a service that dies at boot explains itself in its last lines.
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- last output of the system ---\n${output.join('\n')}`);
  });
  vk.addCommunity({ id: GROUP, name: 'E2E shop', token: TOKEN, secret: 'e2e-secret', confirmation: 'e2e-confirm' });
  vk.addCommunity({ id: GROUP_B, name: 'E2E second shop', token: TOKEN_B, secret: 'e2e-secret-b', confirmation: 'e2e-confirm-b' });
  vk.addUser({ id: IVAN, firstName: 'Ivan', lastName: 'Petrov' });
  vk.addUser({ id: OLGA, firstName: 'Olga', lastName: 'Sidorova' });
  vk.addUser({ id: PAVEL, firstName: 'Pavel', lastName: 'Orlov' });
  vk.addUser({ id: STRANGER, firstName: 'Not', lastName: 'Stored' });
  vk.addUser({ id: MARIA, firstName: 'Maria', lastName: 'Ivanova' });
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([liveOp1?.close(), liveOp2?.close()]);
  await system?.stop();
  await vk?.stop();
  await nats?.stop();
  await db?.drop();
  await build?.remove();
  await new Promise<void>((resolve) => (logStream ? logStream.end(() => resolve()) : resolve()));
  if (process.env['PARLEY_E2E_KEEP_LOG']) process.stdout.write(`system log kept in ${stateDir}/system.log\n`);
  else await rm(stateDir, { recursive: true, force: true });
}, 60_000);

describe('VK end to end (issue 3)', () => {
  it('1. starts every process of the system from its build', () => {
    expect(system.skipped).toEqual([]);
    expect(system.started).toEqual(['routing-service', 'contact-service', 'conversation-service', 'gateway-vk', 'gateway-telegram', 'gateway-viber', 'outbound-dispatcher', 'console-api']);
  });

  it('2. admin creates operators and lines, connects the community; checks and RBAC hold', async () => {
    const anonymous = new ConsoleApiClient(system.consoleApiUrl);
    admin = await anonymous.login('admin@e2e.test', 'admin-password-e2e');
    const created1 = await admin.expect<Operator>(201, 'POST', '/api/operators', { email: 'op1@e2e.test', name: 'Operator One', password: 'operator-one-pw', role: 'operator' });
    await admin.expect<Operator>(201, 'POST', '/api/operators', { email: 'op2@e2e.test', name: 'Operator Two', password: 'operator-two-pw', role: 'operator' });
    op1Id = created1.id;
    op1 = await anonymous.login('op1@e2e.test', 'operator-one-pw');
    op2 = await anonymous.login('op2@e2e.test', 'operator-two-pw');

    lineA = await admin.expect<Line>(201, 'POST', '/api/lines', { name: 'Support', sessionRule: { mode: 'reopen' } });
    lineB = await admin.expect<Line>(201, 'POST', '/api/lines', { name: 'Sales', sessionRule: { mode: 'new' } });
    await admin.expect<Line>(200, 'PUT', `/api/lines/${lineA.id}/members`, { operatorIds: [op1Id] });
    await admin.expect<Line>(200, 'PUT', `/api/lines/${lineB.id}/members`, { operatorIds: [op1Id] });

    // Only admins manage lines and channels.
    expect((await op1.post<ApiErrorBody>('/api/lines', { name: 'Nope', sessionRule: { mode: 'reopen' } })).status).toBe(403);
    const settings = { groupId: String(GROUP), confirmation: 'e2e-confirm', secret: 'e2e-secret', token: TOKEN };
    expect((await op1.post<ApiErrorBody>(`/api/lines/${lineA.id}/channels`, { type: 'vk', name: 'Shop', settings })).status).toBe(403);

    // VK refuses a bad token: 422, nothing connected.
    const bad = await admin.post<ApiErrorBody>(`/api/lines/${lineA.id}/channels`, { type: 'vk', name: 'Shop', settings: { ...settings, token: 'vk1.a.wrong' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('CHANNEL_CHECK_FAILED');

    channelA = await admin.expect<Channel>(201, 'POST', `/api/lines/${lineA.id}/channels`, { type: 'vk', name: 'Shop', settings });
    expect(channelA.status).toBe('active');
    expect(channelA.webhookUrl).toBe(`${system.webhookBaseUrl}/webhooks/vk/${channelA.id}`);
    expect(vk.calls().some((c) => c.token === TOKEN && 'response' in c.result)).toBe(true);

    // One community → one line.
    const again = await admin.post<ApiErrorBody>(`/api/lines/${lineB.id}/channels`, { type: 'vk', name: 'Shop again', settings });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CHANNEL_ALREADY_CONNECTED');

    channelB = await admin.expect<Channel>(201, 'POST', `/api/lines/${lineB.id}/channels`, {
      type: 'vk',
      name: 'Second shop',
      settings: { groupId: String(GROUP_B), confirmation: 'e2e-confirm-b', secret: 'e2e-secret-b', token: TOKEN_B },
    });
    vk.setCallbackUrl(GROUP, channelA.webhookUrl);
    vk.setCallbackUrl(GROUP_B, channelB.webhookUrl);
  });

  it('4. confirmation answers the string; a wrong secret gets 403', async () => {
    expect(await vk.confirm(GROUP)).toMatchObject({ ok: true, status: 200, body: 'e2e-confirm' });
    expect(await vk.confirm(GROUP_B)).toMatchObject({ ok: true, body: 'e2e-confirm-b' });
    const forged = vk.envelope(GROUP, 'message_new', {
      message: { id: 999_999, date: Math.floor(Date.now() / 1000), peer_id: STRANGER, from_id: STRANGER, text: 'forged', out: 0, attachments: [], fwd_messages: [], conversation_message_id: 1 },
      client_info: {},
    });
    const wrong = await vk.sendCallback(GROUP, { ...forged, secret: 'not-the-secret' }, { maxRetries: 0 });
    expect(wrong.attempts[0]?.status).toBe(403);
    const missing: Record<string, unknown> = { ...forged };
    delete missing['secret'];
    const none = await vk.sendCallback(GROUP, missing, { maxRetries: 0 });
    expect(none.attempts[0]?.status).toBe(403);
    // "Nothing stored" is checked in step 5, after later messages of the same channel went through.
  });

  it('5. message_new from a new customer: contact from users.get, queued conversation, live to line members only, media stored', async () => {
    liveOp1 = await LiveSocket.open(system.consoleApiUrl, op1.token ?? '');
    liveOp2 = await LiveSocket.open(system.consoleApiUrl, op2.token ?? '');
    const photoBytes = Buffer.concat([TINY_PNG]);
    const written = await vk.writeAsCustomer({
      groupId: GROUP,
      userId: IVAN,
      text: 'Hello, my order is late',
      attachments: [{ type: 'photo', bytes: photoBytes, mime: 'image/png' }, { type: 'doc', bytes: PDF, title: 'invoice.pdf', mime: 'application/pdf' }],
    });
    expect(written.delivery?.delivered).toBe(true);
    expect(written.delivery?.attempts).toHaveLength(1);

    ivanConversation = await waitFor(async () => (await conversationsOf(lineA.id)).find((c) => c.status === 'queued'), { what: 'the queued conversation', ...deadline });
    const withName = await waitFor(async () => {
      const c = await conversation(ivanConversation.id);
      return c.contact?.displayName === 'Ivan Petrov' ? c : undefined;
    }, { what: 'the contact named from users.get', ...deadline });
    expect(withName.contact?.avatarUrl).toBeTruthy();
    expect(vk.calls('users.get').length).toBeGreaterThan(0);

    await waitFor(() => liveOp1.of(ivanConversation.id, 'ConversationOpened').length > 0 && liveOp1.of(ivanConversation.id, 'MessageAppended').length > 0, {
      what: 'the live frames on the line member socket',
      ...deadline,
    });
    expect(liveOp2.of(ivanConversation.id)).toEqual([]);

    const [message] = await messagesOf(ivanConversation.id);
    expect(message?.text).toBe('Hello, my order is late');
    expect(message?.author.kind).toBe('contact');
    const image = message?.attachments.find((a) => a.kind === 'image');
    const file = message?.attachments.find((a) => a.kind === 'file');
    expect(image && file).toBeTruthy();
    const imageBytes = await admin.get<Buffer>(`/api/attachments/${image?.id}`);
    expect(imageBytes.status).toBe(200);
    expect(Buffer.compare(imageBytes.body, photoBytes)).toBe(0);
    const fileBytes = await admin.get<Buffer>(`/api/attachments/${file?.id}`);
    expect(Buffer.compare(fileBytes.body, PDF)).toBe(0);
    expect(file?.name).toBe('invoice.pdf');

    // The forged callbacks of step 4 stored nothing: no contact/conversation for that user.
    const all = await admin.expect<Conversation[]>(200, 'GET', '/api/conversations');
    expect(all.filter((c) => c.contact?.displayName?.includes(String(STRANGER)) || c.contact?.displayName === 'Not Stored')).toEqual([]);
    expect(all).toHaveLength(1);
  });

  it('4b. a retried callback (same event_id) and a replay of the same message are answered ok and stored once', async () => {
    const first = vk.callbacks('message_new').find((d) => d.delivered);
    const retried = await vk.sendCallback(GROUP, vk.callbackBody(first?.eventId ?? ''), { maxRetries: 0 });
    expect(retried.attempts[0]).toMatchObject({ status: 200, body: 'ok' });
    const original = vk.callbackBody(first?.eventId ?? '') as { object: unknown };
    const replay = await vk.sendCallback(GROUP, vk.envelope(GROUP, 'message_new', original.object), { maxRetries: 0 });
    expect(replay.attempts[0]).toMatchObject({ status: 200, body: 'ok' });
    // A later message of the same chat is handled after the replays (per-chat order).
    await vk.writeAsCustomer({ groupId: GROUP, userId: IVAN, text: 'Are you there?' });
    await waitForMessage(ivanConversation.id, (m) => m.text === 'Are you there?', 'the follow-up message');
    const texts = (await messagesOf(ivanConversation.id)).map((m) => m.text);
    expect(texts).toEqual(['Hello, my order is late', 'Are you there?']);
  });

  it('7. an operator accepts, reads the history, replies with text, image and file: each sent once with random_id', async () => {
    expect((await op2.post<ApiErrorBody>(`/api/conversations/${ivanConversation.id}/accept`)).status).toBe(403);
    const accepted = await op1.expect<Conversation>(200, 'POST', `/api/conversations/${ivanConversation.id}/accept`);
    expect(accepted).toMatchObject({ status: 'assigned', assigneeId: op1Id });
    const history = await op1.expect<Message[]>(200, 'GET', `/api/conversations/${ivanConversation.id}/messages`);
    expect(history).toHaveLength(2);

    const image = await upload(op1, TINY_PNG, 'label.png', 'image/png');
    const file = await upload(op1, PDF, 'refund.pdf', 'application/pdf');
    const text = await reply(op1, ivanConversation.id, { text: 'Sorry! Checking now.' });
    expect(text.status).toBe(202);
    const withImage = await reply(op1, ivanConversation.id, { text: 'Your label', attachmentIds: [image.id] });
    const withFile = await reply(op1, ivanConversation.id, { attachmentIds: [file.id] });
    // The same reply id twice is one reply.
    const twice = await reply(op1, ivanConversation.id, { text: 'Sorry! Checking now.' }, text.id);
    expect([200, 202]).toContain(twice.status);

    for (const r of [text, withImage, withFile]) {
      await waitForMessage(ivanConversation.id, (m) => m.id === r.id && m.status === 'delivered', `reply ${r.id} delivered`);
    }
    const sent = sends().filter((s) => s.ok);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.randomId)).size).toBe(3);
    for (const s of sent) expect(s.randomId).toMatch(/^-?[1-9]\d*$/);
    expect(vk.sentMessages(IVAN, GROUP)).toHaveLength(3);
    expect(vk.calls('photos.getMessagesUploadServer')).toHaveLength(1);
    expect(vk.calls('photos.saveMessagesPhoto')).toHaveLength(1);
    expect(vk.calls('docs.getMessagesUploadServer')).toHaveLength(1);
    expect(vk.calls('docs.save')).toHaveLength(1);
    const attachmentParams = vk.calls('messages.send').map((c) => c.params['attachment'] ?? '');
    expect(attachmentParams.some((a) => a.startsWith('photo'))).toBe(true);
    expect(attachmentParams.some((a) => a.startsWith('doc'))).toBe(true);
    // VK echoes each send as message_reply: the echoes are not new messages.
    await vk.idle();
    await vk.writeAsCustomer({ groupId: GROUP, userId: IVAN, text: 'Thanks' });
    await waitForMessage(ivanConversation.id, (m) => m.text === 'Thanks', 'the customer thanks');
    const all = await messagesOf(ivanConversation.id);
    expect(all.filter((m) => m.direction === 'outbound')).toHaveLength(3);
    expect(all.filter((m) => m.author.kind === 'messenger')).toHaveLength(0);
  });

  it('7b. an operator of another line cannot answer the conversation', async () => {
    const other = await reply(op2, ivanConversation.id, { text: 'hi' });
    expect(other.status).toBe(403);
  });

  it('6. closed, then a later message reopens it (rule reopen) with the reason in the log', async () => {
    const closed = await op1.expect<Conversation>(200, 'POST', `/api/conversations/${ivanConversation.id}/close`);
    expect(closed.status).toBe('closed');
    // Queries read eventually consistent read models: wait until they show the close.
    await waitFor(async () => (await conversation(ivanConversation.id)).status === 'closed', { what: 'the close in the read model', ...deadline });
    await vk.writeAsCustomer({ groupId: GROUP, userId: IVAN, text: 'One more question' });
    const reopened = await waitFor(async () => {
      const c = await conversation(ivanConversation.id);
      return c.status === 'queued' ? c : undefined;
    }, { what: 'the conversation reopened', ...deadline });
    expect(reopened.id).toBe(ivanConversation.id);
    expect((await conversationsOf(lineA.id)).filter((c) => c.contactId === ivanConversation.contactId)).toHaveLength(1);
    const log = await admin.expect<LoggedEvent[]>(200, 'GET', `/api/conversations/${ivanConversation.id}/log`);
    const reopen = log.find((e) => e.type === 'ConversationReopened');
    expect(reopen).toBeDefined();
    const decision = reopen?.data['decision'] as { outcome: string; reason: string } | undefined;
    expect(decision?.outcome).toBe('reopen');
    expect(decision?.reason.length).toBeGreaterThan(0);
    await op1.expect<Conversation>(200, 'POST', `/api/conversations/${ivanConversation.id}/accept`);
  });

  it('6b. a line with rule "new" opens a new conversation linked to the previous one', async () => {
    await vk.writeAsCustomer({ groupId: GROUP_B, userId: OLGA, text: 'Price of the blue one?' });
    const first = await waitFor(async () => (await conversationsOf(lineB.id)).find((c) => c.status === 'queued'), { what: 'Olga conversation', ...deadline });
    await op1.expect(200, 'POST', `/api/conversations/${first.id}/accept`);
    await op1.expect(200, 'POST', `/api/conversations/${first.id}/close`);
    await vk.writeAsCustomer({ groupId: GROUP_B, userId: OLGA, text: 'And the red one?' });
    const second = await waitFor(async () => (await conversationsOf(lineB.id)).find((c) => c.id !== first.id && c.contactId === first.contactId), {
      what: 'the new linked conversation',
      ...deadline,
    });
    expect(second.previousConversationId).toBe(first.id);
    expect(second.status).toBe('queued');
    await waitFor(async () => (await conversation(first.id)).status === 'closed', { what: 'the first conversation closed', ...deadline });
    const log = await admin.expect<LoggedEvent[]>(200, 'GET', `/api/conversations/${second.id}/log`);
    const opened = log.find((e) => e.type === 'ConversationOpened');
    expect((opened?.data['decision'] as { outcome: string } | undefined)?.outcome).toBe('new');
  });

  it('8. message_reply (answered inside VK) shows as sent from VK and can be closed without an operator', async () => {
    await vk.replyFromCommunity({ groupId: GROUP_B, userId: PAVEL, text: 'We answered you inside VK' });
    const found = await waitFor(async () => {
      for (const c of await conversationsOf(lineB.id)) {
        const m = (await messagesOf(c.id)).find((x) => x.text === 'We answered you inside VK');
        if (m) return { conversation: c, message: m };
      }
      return undefined;
    }, { what: 'the message written inside VK', ...deadline });
    expect(found.message.author.kind).toBe('messenger');
    expect(found.message.direction).toBe('outbound');
    const closed = await op1.expect<Conversation>(200, 'POST', `/api/conversations/${found.conversation.id}/close`);
    expect(closed.status).toBe('closed');
    expect(closed.assigneeId).toBeNull();
  });

  it('8b. an admin who is not a member closes a conversation answered inside VK; a supervisor works every line', async () => {
    const adminId = (await admin.expect<Operator>(200, 'GET', '/api/me')).id;
    const members = (await admin.expect<Line[]>(200, 'GET', '/api/lines')).find((l) => l.id === lineB.id)?.memberIds;
    expect(members).toEqual([op1Id]);
    await vk.replyFromCommunity({ groupId: GROUP_B, userId: MARIA, text: 'We called Maria back' });
    const answered = await waitFor(async () => {
      for (const c of await conversationsOf(lineB.id)) {
        if ((await messagesOf(c.id)).some((m) => m.text === 'We called Maria back')) return c;
      }
      return undefined;
    }, { what: 'the conversation answered inside VK', ...deadline });
    expect(answered).toMatchObject({ status: 'queued', assigneeId: null });
    const refused = await op2.post<ApiErrorBody>(`/api/conversations/${answered.id}/close`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'NOT_A_LINE_MEMBER']);
    const closed = await admin.expect<Conversation>(200, 'POST', `/api/conversations/${answered.id}/close`);
    expect(closed).toMatchObject({ status: 'closed', assigneeId: null });
    const log = await admin.expect<LoggedEvent[]>(200, 'GET', `/api/conversations/${answered.id}/log`);
    expect(log.find((e) => e.type === 'ConversationClosed')?.data).toMatchObject({ closedBy: { kind: 'operator', id: adminId }, actorRole: 'admin' });

    // A supervisor, member of no line, takes Maria's next conversation, answers it and closes it; no configuration.
    await admin.expect<Operator>(201, 'POST', '/api/operators', { email: 'sup@e2e.test', name: 'Supervisor', password: 'supervisor-pw', role: 'supervisor' });
    const supervisor = await new ConsoleApiClient(system.consoleApiUrl).login('sup@e2e.test', 'supervisor-pw');
    await vk.writeAsCustomer({ groupId: GROUP_B, userId: MARIA, text: 'Maria again' });
    const next = await waitFor(async () => {
      const list = await supervisor.expect<Conversation[]>(200, 'GET', `/api/conversations?lineId=${lineB.id}&status=queued`);
      return list.find((c) => c.contactId === answered.contactId && c.id !== answered.id);
    }, { what: 'Maria’s new conversation in the supervisor’s queue', ...deadline });
    expect((await op2.post<ApiErrorBody>(`/api/conversations/${next.id}/accept`)).status).toBe(403);
    await supervisor.expect<Conversation>(200, 'POST', `/api/conversations/${next.id}/accept`);
    const answer = await reply(supervisor, next.id, { text: 'A supervisor answers' });
    expect(answer.status).toBe(202);
    await waitForMessage(next.id, (m) => m.id === answer.id && m.status === 'delivered', 'the supervisor’s reply delivered');
    await supervisor.expect<Conversation>(200, 'POST', `/api/conversations/${next.id}/close`);
    expect((await supervisor.post<ApiErrorBody>('/api/lines', { name: 'Nope', sessionRule: { mode: 'new' } })).status).toBe(403);
  });

  it('9. message_deny blocks replies with RECIPIENT_BLOCKED; message_allow lifts it', async () => {
    const denied = await vk.deny({ groupId: GROUP, userId: IVAN });
    expect(denied?.delivered).toBe(true);
    await waitFor(async () => (await conversation(ivanConversation.id)).blocked, { what: 'the blocked flag', ...deadline });
    const refused = await reply(op1, ivanConversation.id, { text: 'Hello?' });
    expect(refused.status).toBe(409);
    expect((refused.body as ApiErrorBody).error.code).toBe('RECIPIENT_BLOCKED');
    expect((await messagesOf(ivanConversation.id)).length).toBeGreaterThan(0);
    await vk.allow({ groupId: GROUP, userId: IVAN });
    await waitFor(async () => !(await conversation(ivanConversation.id)).blocked, { what: 'the block lifted', ...deadline });
    const ok = await reply(op1, ivanConversation.id, { text: 'Welcome back' });
    expect(ok.status).toBe(202);
    await waitForMessage(ivanConversation.id, (m) => m.id === ok.id && m.status === 'delivered', 'the reply after allow delivered');
  });

  it('9b. VK error 901 on send fails the reply with that reason, without retries', async () => {
    const before = sends().length;
    vk.failNext('messages.send', 901);
    const r = await reply(op1, ivanConversation.id, { text: 'This one is refused by VK' });
    expect(r.status).toBe(202);
    const failed = await waitForMessage(ivanConversation.id, (m) => m.id === r.id && m.status === 'failed', 'the reply failed');
    expect(failed.failureCode).toBe('RECIPIENT_BLOCKED');
    expect(failed.failureReason).toBeTruthy();
    expect(sends().slice(before)).toHaveLength(1);
  });

  it('9c. VK error 6 (too many requests) is retried, then delivered once', async () => {
    const before = sends().length;
    vk.failNext('messages.send', 6, 2);
    const r = await reply(op1, ivanConversation.id, { text: 'Retried until delivered' });
    expect(r.status).toBe(202);
    await waitForMessage(ivanConversation.id, (m) => m.id === r.id && m.status === 'delivered', 'the retried reply delivered');
    const attempts = sends().slice(before);
    expect(attempts.map((a) => a.errorCode ?? 'ok')).toEqual([6, 6, 'ok']);
    expect(new Set(attempts.map((a) => a.randomId)).size).toBe(1);
    expect(vk.sentMessages(IVAN, GROUP).filter((m) => m.text === 'Retried until delivered')).toHaveLength(1);
  });

  it('3. a channel switched Disconnected and back to Active backfills missed messages without duplicates', async () => {
    const off = await admin.expect<Channel>(200, 'PATCH', `/api/channels/${channelA.id}`, { active: false });
    expect(off.status).toBe('disconnected');
    await vk.writeAsCustomer({ groupId: GROUP, userId: IVAN, text: 'Missed one', deliver: false });
    await vk.writeAsCustomer({ groupId: GROUP, userId: IVAN, text: 'Missed two', deliver: false });
    const on = await admin.expect<Channel>(200, 'PATCH', `/api/channels/${channelA.id}`, { active: true, name: 'Shop (renamed)' });
    expect(on.status).toBe('active');
    await waitForMessage(ivanConversation.id, (m) => m.text === 'Missed two', 'the backfilled messages');
    // A message delivered normally afterwards, then no duplicates of the backfilled ones.
    await vk.writeAsCustomer({ groupId: GROUP, userId: IVAN, text: 'Live again' });
    await waitForMessage(ivanConversation.id, (m) => m.text === 'Live again', 'the live message after backfill');
    const texts = (await messagesOf(ivanConversation.id)).map((m) => m.text);
    expect(texts.filter((t) => t === 'Missed one')).toHaveLength(1);
    expect(texts.filter((t) => t === 'Missed two')).toHaveLength(1);
    expect(texts.filter((t) => t === 'Hello, my order is late')).toHaveLength(1);
    expect(texts.indexOf('Missed one')).toBeLessThan(texts.indexOf('Missed two'));
  });

  it('10. the conversation log rebuilt from the event store matches the messages', async () => {
    const messages = await messagesOf(ivanConversation.id);
    const log = await admin.expect<LoggedEvent[]>(200, 'GET', `/api/conversations/${ivanConversation.id}/log`);
    const fromLog = [
      ...log.filter((e) => e.type === 'MessageAppended').map((e) => String(e.data['messageId'])),
      ...log.filter((e) => e.type === 'ReplyRequested').map((e) => String(e.data['replyId'])),
    ];
    expect(new Set(fromLog)).toEqual(new Set(messages.map((m) => m.id)));
    expect(fromLog).toHaveLength(messages.length);
    const delivered = new Set(log.filter((e) => e.type === 'ReplyDelivered').map((e) => String(e.data['replyId'])));
    expect(new Set(messages.filter((m) => m.status === 'delivered').map((m) => m.id))).toEqual(delivered);
    expect(log.filter((e) => e.type === 'ReplyFailed')).toHaveLength(1);
    // Every step went out live as well.
    const liveTypes = new Set(liveOp1.of(ivanConversation.id).map((f) => f.type));
    for (const type of ['ConversationOpened', 'MessageAppended', 'ConversationAccepted', 'ReplyRequested', 'ReplyDelivered', 'ReplyFailed', 'ConversationClosed', 'ConversationReopened']) {
      expect(liveTypes.has(type)).toBe(true);
    }
  });
});
