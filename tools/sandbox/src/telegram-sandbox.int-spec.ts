import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, TINY_PNG, waitFor, type TgMessage, type TgUpdate } from '@parley/testing';
import { Sandbox } from './sandbox-server';
import type { TgSandboxMessageView } from './telegram-sandbox';

/** Plays gateway-telegram's webhook: records every update with its headers, answers 200. */
async function fakeWebhook(): Promise<{ server: Server; url: string; received: Array<{ headers: IncomingHttpHeaders; update: TgUpdate }> }> {
  const received: Array<{ headers: IncomingHttpHeaders; update: TgUpdate }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, update: JSON.parse(Buffer.concat(chunks).toString('utf8')) as TgUpdate });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram/abc`, received };
}

async function page<T>(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/sandbox/api/telegram/${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface BotAnswer<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
}

/** A Bot API call through the sandbox's port, as gateway-telegram makes it with TELEGRAM_API_URL = sandbox URL. */
async function bot<T>(base: string, token: string, method: string, params: Record<string, unknown> | FormData = {}): Promise<BotAnswer<T>> {
  const init = params instanceof FormData ? { method: 'POST', body: params } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) };
  return (await (await fetch(`${base}/bot${token}/${method}`, init)).json()) as BotAnswer<T>;
}

interface State {
  bot: { token: string; username: string };
  webhook: { url: string | null; secretSet: boolean; pending: number };
  customers: Array<{ id: number; firstName: string; blocked: boolean }>;
}

describe('messenger sandbox: Telegram', () => {
  let dir: string;
  let stateFile: string;
  let sandbox: Sandbox | undefined;
  let webhook: Awaited<ReturnType<typeof fakeWebhook>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-sandbox-tg-'));
    stateFile = path.join(dir, 'sandbox.json');
    webhook = await fakeWebhook();
  });

  afterAll(async () => {
    await sandbox?.stop();
    await new Promise<void>((resolve) => webhook.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page and the Bot API; the user writes with a photo, the bot answers with text and a file', async () => {
    sandbox = (await Sandbox.start({ port: await freePort(), host: '127.0.0.1', stateFile })).sandbox;
    const base = sandbox.url;
    expect(await (await fetch(`${base}/telegram`)).text()).toContain('Connect Telegram bot');
    const state = await page<State>(base, 'GET', 'state');
    const { token } = state.bot;
    expect(token).toMatch(/^\d+:[\w-]{35}$/);
    expect((await bot<{ username: string }>(base, token, 'getMe')).result?.username).toBe(state.bot.username);
    expect((await bot(base, token, 'setWebhook', { url: webhook.url, secret_token: 'sandbox-secret', allowed_updates: ['message', 'edited_message', 'my_chat_member'] })).ok).toBe(true);
    expect((await page<State>(base, 'GET', 'state')).webhook).toMatchObject({ url: webhook.url, secretSet: true });

    const ann = state.customers[0]?.id ?? 0;
    await page(base, 'POST', 'messages', { customerId: ann, text: 'is this in stock?', files: [{ name: 'shoe.png', mime: 'image/png', base64: TINY_PNG.toString('base64') }] });
    const got = await waitFor(() => webhook.received.find((r) => r.update.message?.photo), { what: 'the photo update at the webhook' });
    expect(got.headers['x-telegram-bot-api-secret-token']).toBe('sandbox-secret');
    expect(got.update.message).toMatchObject({ caption: 'is this in stock?', chat: { id: ann, type: 'private' } });
    const file = await bot<{ file_path: string }>(base, token, 'getFile', { file_id: got.update.message?.photo?.at(-1)?.file_id });
    const bytes = Buffer.from(await (await fetch(`${base}/file/bot${token}/${file.result?.file_path}`)).arrayBuffer());
    expect(bytes).toEqual(TINY_PNG);
    const photos = await bot<{ total_count: number }>(base, token, 'getUserProfilePhotos', { user_id: ann });
    expect(photos.result?.total_count).toBe(1);

    await page(base, 'POST', 'location', { customerId: ann });
    await waitFor(() => webhook.received.some((r) => r.update.message?.location), { what: 'the location update' });
    expect((await bot<TgMessage>(base, token, 'sendMessage', { chat_id: ann, text: 'Yes, size 42 is in stock' })).ok).toBe(true);
    const form = new FormData();
    form.append('chat_id', String(ann));
    form.append('caption', 'the invoice');
    form.append('document', new Blob([Buffer.from('%PDF-1.4 invoice')], { type: 'application/pdf' }), 'invoice.pdf');
    expect((await bot<TgMessage>(base, token, 'sendDocument', form)).ok).toBe(true);

    const views = await waitFor(async () => {
      const list = await page<{ messages: TgSandboxMessageView[] }>(base, 'GET', `messages?customerId=${ann}`);
      return list.messages[0]?.delivery?.state === 'delivered' ? list.messages : undefined;
    }, { what: 'the page showing the message delivered' });
    expect(views.map((m) => [m.from, m.text ?? m.caption, m.attachments.map((a) => a.type)])).toEqual([
      ['customer', 'is this in stock?', ['photo']],
      ['customer', undefined, ['location']],
      ['bot', 'Yes, size 42 is in stock', []],
      ['bot', 'the invoice', ['document']],
    ]);
    const invoice = await fetch(`${base}${views[3]?.attachments[0]?.url ?? ''}`);
    expect(Buffer.from(await invoice.arrayBuffer()).toString()).toBe('%PDF-1.4 invoice');

    await page(base, 'POST', 'block', { customerId: ann });
    await waitFor(() => webhook.received.some((r) => r.update.my_chat_member?.new_chat_member.status === 'kicked'), { what: 'my_chat_member kicked' });
    expect(await bot(base, token, 'sendMessage', { chat_id: ann, text: 'hello?' })).toMatchObject({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await page(base, 'POST', 'unblock', { customerId: ann });
    await waitFor(() => webhook.received.some((r) => r.update.my_chat_member?.new_chat_member.status === 'member'), { what: 'my_chat_member member' });
  });

  it('keeps the bot token, its webhook, the chats and their files across a restart', async () => {
    const before = await page<State>(sandbox?.url ?? '', 'GET', 'state');
    const ann = before.customers[0]?.id ?? 0;
    const lastUpdateId = Math.max(...webhook.received.map((r) => r.update.update_id));
    await sandbox?.stop();
    sandbox = (await Sandbox.start({ port: await freePort(), host: '127.0.0.1', stateFile })).sandbox;
    const base = sandbox.url;
    const after = await page<State>(base, 'GET', 'state');
    expect(after.bot).toEqual(before.bot);
    expect(after.webhook).toMatchObject({ url: webhook.url, secretSet: true });
    const views = (await page<{ messages: TgSandboxMessageView[] }>(base, 'GET', `messages?customerId=${ann}`)).messages;
    expect(views).toHaveLength(4);
    const photo = await fetch(`${base}${views[0]?.attachments[0]?.url ?? ''}`);
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(TINY_PNG);

    await page(base, 'POST', 'messages', { customerId: ann, text: 'after the restart' });
    const next = await waitFor(() => webhook.received.find((r) => r.update.message?.text === 'after the restart'), { what: 'the update after the restart' });
    expect(next.update.update_id).toBeGreaterThan(lastUpdateId);
    expect(next.update.message?.message_id).toBe(5);
    expect(next.headers['x-telegram-bot-api-secret-token']).toBe('sandbox-secret');
  });
});
