/*
 * `npm run up`'s Viber sandbox with the real gateway (issue 9 point 7): the system started by the launcher from a
 * private build with VIBER_API_URL unset, so gateway-viber talks to the sandbox's fake at <sandbox>/viber/pa. The
 * admin connects the demo bot with the token the sandbox shows; a user on the page opens the chat, writes a text and
 * a picture (media on the sandbox's host, accepted by the gateway); the operator's answer appears on the page under
 * the operator's name and is marked seen from the page.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, freePort, startTestNats, TINY_PNG, VkFake, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import type { ViberSandboxMessageView } from '../sandbox/src/viber-sandbox';
import { freeSystemPorts, startSystem, type RunningSystem } from '../up/src/start-system';
import { buildPrivateDist, type PrivateBuild } from './private-build';
import { ConsoleApiClient } from './system-client';

const root = path.resolve(__dirname, '../..');
const deadline = { timeoutMs: 30_000 };
let build: PrivateBuild | undefined;
let nats: NatsServer;
let db: TestDatabase;
let vk: VkFake;
let system: RunningSystem;
let stateDir: string;
const log: string[] = [];

async function page<T>(route: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(`/sandbox/api/viber/${route}`, system.sandboxUrl), {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${route} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  build = await buildPrivateDist(root);
  stateDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-viber-sandbox-'));
  [nats, db, vk] = await Promise.all([startTestNats(), createTestDatabase('parley_e2e_viber_sandbox'), VkFake.start()]);
  system = await startSystem({
    root,
    stateDir,
    distDir: build.distDir,
    ports: { ...(await freeSystemPorts()), sandbox: await freePort() },
    natsUrl: nats.url,
    databaseUrl: db.url,
    vkApiUrl: vk.apiUrl,
    env: { PARLEY_ADMIN_EMAIL: 'admin@e2e.test', PARLEY_ADMIN_PASSWORD: 'admin-password-e2e', LOG_LEVEL: 'warn', TELEGRAM_API_URL: 'http://127.0.0.1:9' },
    readyTimeoutMs: 90_000,
    write: (line) => void log.push(line),
  });
  if (system.skipped.length > 0) throw new Error(`not built, so not started: ${system.skipped.join(', ')}`);
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await vk?.stop();
  await nats?.stop();
  await db?.drop();
  await build?.remove();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 60_000);

it('the demo bot connects with the shown token; a page user writes text and a picture, sees the operator’s named answer and reads it', async () => {
  const viberApi = system.messengerApis.find((a) => a.variable === 'VIBER_API_URL');
  expect(viberApi).toMatchObject({ source: 'sandbox', url: `http://localhost:${system.ports.sandbox}/viber/pa` });
  const state = await page<{ bot: { authToken: string; deepLink: string }; users: Array<{ id: string; name: string }> }>('state');
  const anonymous = new ConsoleApiClient(system.consoleApiUrl);
  const admin = await anonymous.login('admin@e2e.test', 'admin-password-e2e');
  const operator = await admin.expect<{ id: string }>(201, 'POST', '/api/operators', { email: 'olga@e2e.test', name: 'Olga', password: 'olga-password', role: 'operator' });
  const op = await anonymous.login('olga@e2e.test', 'olga-password');
  const lineId = (await admin.expect<{ id: string }>(201, 'POST', '/api/lines', { name: 'Viber', sessionRule: { mode: 'reopen' } })).id;
  await admin.expect(200, 'PUT', `/api/lines/${lineId}/members`, { operatorIds: [operator.id] });
  const channel = await admin.expect<{ customerLink?: string }>(201, 'POST', `/api/lines/${lineId}/channels`, { type: 'viber', name: 'Demo', settings: { authToken: state.bot.authToken, sendAsOperator: true } });
  expect(channel.customerLink).toBe(state.bot.deepLink);

  const user = state.users[0] as { id: string; name: string };
  await page('open', { userId: user.id });
  await page('messages', { userId: user.id, text: 'do you have it in blue?', files: [{ name: 'shoe.png', mime: 'image/png', base64: TINY_PNG.toString('base64') }] });
  const conversation = await waitFor(async () => {
    const list = await admin.expect<Array<{ id: string; contact?: { displayName: string } }>>(200, 'GET', `/api/conversations?lineId=${lineId}`);
    return list[0]?.contact?.displayName === user.name ? list[0] : undefined;
  }, { what: 'the conversation of the page user', ...deadline });
  const inbound = await waitFor(async () => {
    const messages = await admin.expect<Array<{ text: string; attachments: Array<{ kind: string }> }>>(200, 'GET', `/api/conversations/${conversation.id}/messages`);
    return messages.find((m) => m.attachments.length === 1) ? messages : undefined;
  }, { what: 'the picture stored by Parley', ...deadline });
  expect(inbound.map((m) => [m.text, m.attachments.map((a) => a.kind)])).toEqual([['do you have it in blue?', ['image']]]);

  await op.expect(200, 'POST', `/api/conversations/${conversation.id}/accept`);
  await op.expect(202, 'POST', `/api/conversations/${conversation.id}/replies`, { id: randomUUID(), text: 'Yes, size 38 to 44' });
  const answer = await waitFor(async () => {
    const { messages } = await page<{ messages: ViberSandboxMessageView[] }>(`messages?userId=${encodeURIComponent(user.id)}`);
    return messages.find((m) => m.from === 'bot' && m.state === 'delivered');
  }, { what: 'the answer on the page', ...deadline });
  expect(answer).toMatchObject({ text: 'Yes, size 38 to 44', senderName: 'Olga' });
  await page('seen', { userId: user.id });
  await waitFor(async () => {
    const messages = await op.expect<Array<{ direction: string; receipt?: string }>>(200, 'GET', `/api/conversations/${conversation.id}/messages`);
    return messages.find((m) => m.direction === 'outbound')?.receipt === 'seen' ? true : undefined;
  }, { what: 'the answer seen in the console', ...deadline });
});
