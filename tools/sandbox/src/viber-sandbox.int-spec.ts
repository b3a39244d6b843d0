import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, TINY_PNG, viberSignature, waitFor } from '@parley/testing';
import { Sandbox } from './sandbox-server';
import type { ViberSandboxMessageView } from './viber-sandbox';

/** Plays gateway-viber's webhook: checks the signature, records each callback's event, answers 200. */
async function fakeWebhook(token: () => string): Promise<{ server: Server; url: string; received: Array<{ headers: IncomingHttpHeaders; raw: string; body: Record<string, unknown> }> }> {
  const received: Array<{ headers: IncomingHttpHeaders; raw: string; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.headers['x-viber-content-signature'] !== viberSignature(raw, token())) return void res.writeHead(403).end();
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/viber/abc`, received };
}

async function page<T>(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/sandbox/api/viber/${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A REST Bot API call through the sandbox's port, as gateway-viber makes it with VIBER_API_URL = `<sandbox>/viber/pa`. */
async function api(base: string, token: string, method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/viber/pa/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-viber-auth-token': token }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

interface State {
  bot: { authToken: string; name: string; uri: string; deepLink: string };
  webhook: { url: string } | null;
  users: Array<{ id: string; name: string; subscribed: boolean }>;
}

const events = (hook: Awaited<ReturnType<typeof fakeWebhook>>, event: string): Array<Record<string, unknown>> =>
  hook.received.map((r) => r.body).filter((b) => b['event'] === event);

describe('messenger sandbox: Viber', () => {
  let dir: string;
  let stateFile: string;
  let sandbox: Sandbox | undefined;
  let token = '';
  let webhook: Awaited<ReturnType<typeof fakeWebhook>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-sandbox-viber-'));
    stateFile = path.join(dir, 'sandbox.json');
    webhook = await fakeWebhook(() => token);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await new Promise<void>((resolve) => webhook.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page and the REST Bot API; the user opens the chat, writes, sees the bot’s named reply, reads it and unsubscribes', async () => {
    sandbox = (await Sandbox.start({ port: await freePort(), host: '127.0.0.1', stateFile })).sandbox;
    const base = sandbox.url;
    expect(await (await fetch(`${base}/viber`)).text()).toContain('Connect Viber bot');
    const state = await page<State>(base, 'GET', 'state');
    token = state.bot.authToken;
    expect(state.bot.deepLink).toBe(`viber://pa?chatURI=${state.bot.uri}`);
    expect(await api(base, token, 'get_account_info', {})).toMatchObject({ status: 0, name: state.bot.name, uri: state.bot.uri });
    expect(await api(base, 'not-the-token', 'get_account_info', {})).toMatchObject({ status: 2 });
    expect(await api(base, token, 'set_webhook', { url: webhook.url, send_name: true, send_photo: true })).toMatchObject({ status: 0 });
    expect((await page<State>(base, 'GET', 'state')).webhook).toMatchObject({ url: webhook.url });

    const user = state.users[0]?.id ?? '';
    await page(base, 'POST', 'open', { userId: user });
    await waitFor(() => events(webhook, 'conversation_started')[0], { what: 'conversation_started at the webhook' });
    await page(base, 'POST', 'messages', { userId: user, text: 'is this in stock?', files: [{ name: 'shoe.png', mime: 'image/png', base64: TINY_PNG.toString('base64') }] });
    await page(base, 'POST', 'location', { userId: user });
    await page(base, 'POST', 'contact', { userId: user });
    await page(base, 'POST', 'sticker', { userId: user });
    const messages = await waitFor(() => (events(webhook, 'message').length === 4 ? events(webhook, 'message') : undefined), { what: 'four messages at the webhook' });
    const picture = messages.find((m) => (m['message'] as { type: string }).type === 'picture');
    expect(picture).toMatchObject({ sender: { id: user, name: state.users[0]?.name }, message: { type: 'picture', text: 'is this in stock?' } });
    // Media on the sandbox's own host, as VIBER_API_URL: gateway-viber accepts media only from there or *.viber.com.
    const mediaUrl = (picture?.['message'] as { media: string }).media;
    expect(new URL(mediaUrl).host).toBe(new URL(base).host);
    expect((picture?.['sender'] as { avatar: string }).avatar.startsWith(`${base}/viber/media/`)).toBe(true);
    const media = await fetch(mediaUrl);
    expect(Buffer.from(await media.arrayBuffer())).toEqual(TINY_PNG);
    // message_token is written as a JSON integer above 2^53.
    expect(webhook.received.find((r) => r.body['event'] === 'message')?.raw).toMatch(/"message_token":\d{16,}/);

    expect(await api(base, token, 'send_message', { receiver: user, type: 'text', text: 'Yes, size 42', sender: { name: 'Olga (shop)' } })).toMatchObject({ status: 0 });
    await waitFor(() => events(webhook, 'delivered')[0], { what: 'delivered at the webhook' });
    const views = await waitFor(async () => {
      const list = (await page<{ messages: ViberSandboxMessageView[] }>(base, 'GET', `messages?userId=${encodeURIComponent(user)}`)).messages;
      return list.filter((m) => m.from === 'customer').every((m) => m.state === 'delivered') && list.length === 6 ? list : undefined;
    }, { what: 'the page showing every callback delivered' });
    expect(views.map((m) => [m.from, m.kind, m.type])).toEqual([
      ['customer', 'conversation_started', undefined],
      ['customer', 'message', 'picture'],
      ['customer', 'message', 'location'],
      ['customer', 'message', 'contact'],
      ['customer', 'message', 'sticker'],
      ['bot', 'bot-message', 'text'],
    ]);
    expect(views[5]).toMatchObject({ text: 'Yes, size 42', senderName: 'Olga (shop)', state: 'delivered' });
    const shown = await fetch(`${base}${views[1]?.picture ?? ''}`);
    expect(Buffer.from(await shown.arrayBuffer())).toEqual(TINY_PNG);

    await page(base, 'POST', 'seen', { userId: user });
    await waitFor(() => events(webhook, 'seen')[0], { what: 'seen at the webhook' });
    await page(base, 'POST', 'unsubscribe', { userId: user });
    await waitFor(() => events(webhook, 'unsubscribed')[0], { what: 'unsubscribed at the webhook' });
    expect(await api(base, token, 'send_message', { receiver: user, type: 'text', text: 'hello?', sender: { name: 'Shop' } })).toMatchObject({ status: 6 });
    await page(base, 'POST', 'subscribe', { userId: user });
    await waitFor(() => events(webhook, 'subscribed')[0], { what: 'subscribed at the webhook' });
    expect(await api(base, token, 'send_message', { receiver: user, type: 'text', text: 'welcome back', sender: { name: 'Shop' } })).toMatchObject({ status: 0 });
  });

  it('keeps the auth token, its webhook, the subscriptions and both sides of the chat across a restart', async () => {
    const before = await page<State>(sandbox?.url ?? '', 'GET', 'state');
    const user = before.users[0]?.id ?? '';
    const count = (await page<{ messages: ViberSandboxMessageView[] }>(sandbox?.url ?? '', 'GET', `messages?userId=${encodeURIComponent(user)}`)).messages.length;
    await sandbox?.stop();
    sandbox = (await Sandbox.start({ port: await freePort(), host: '127.0.0.1', stateFile })).sandbox;
    const base = sandbox.url;
    const after = await page<State>(base, 'GET', 'state');
    expect(after.bot).toEqual(before.bot);
    expect(after.webhook).toMatchObject({ url: webhook.url });
    expect(after.users[0]).toMatchObject({ id: user, subscribed: true });
    expect((await page<{ messages: ViberSandboxMessageView[] }>(base, 'GET', `messages?userId=${encodeURIComponent(user)}`)).messages).toHaveLength(count);

    await page(base, 'POST', 'messages', { userId: user, text: 'after the restart' });
    await waitFor(() => events(webhook, 'message').find((m) => (m['message'] as { text?: string }).text === 'after the restart'), { what: 'the message after the restart' });
  });
});
