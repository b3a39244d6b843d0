import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, TINY_PNG, waitFor } from '@parley/testing';
import { Sandbox, type SandboxMessageView } from './sandbox-server';

interface Received {
  type: string;
  secret?: string;
  object?: { message?: { text: string; attachments: Array<{ type: string }> }; user_id?: number; text?: string };
}

/** Plays Parley's webhook: answers the confirmation string, `ok` to the rest, and records what it got. */
async function fakeWebhook(confirmation: () => string): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received;
      received.push(body);
      res.end(body.type === 'confirmation' ? confirmation() : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/vk/x`, received };
}

async function call<T>(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/sandbox/api/${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('messenger sandbox', () => {
  let dir: string;
  let stateFile: string;
  let sandbox: Sandbox | undefined;
  let webhook: Awaited<ReturnType<typeof fakeWebhook>>;
  let answer = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-sandbox-'));
    stateFile = path.join(dir, 'sandbox.json');
    webhook = await fakeWebhook(() => answer);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await new Promise<void>((resolve) => webhook.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page, the VK API of its demo community, the callback confirmation and the customer actions', async () => {
    sandbox = (await Sandbox.start({ port: await freePort(), host: '127.0.0.1', stateFile })).sandbox;
    const base = sandbox.url;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Callback API settings');

    const state = await call<{ community: { id: number; token: string; secret: string; confirmation: string }; customers: Array<{ id: number }> }>(base, 'GET', 'state');
    const { community } = state;
    expect(state.customers.length).toBeGreaterThanOrEqual(2);
    const api = (await (await fetch(`${sandbox.apiUrl}/groups.getById?v=5.199&access_token=${encodeURIComponent(community.token)}`)).json()) as {
      response: { groups: Array<{ id: number }> };
    };
    expect(api.response.groups[0]?.id).toBe(community.id);

    answer = 'wrong';
    const refused = await call<{ ok: boolean; body: string }>(base, 'POST', 'callback', { url: webhook.url });
    expect(refused).toMatchObject({ ok: false, body: 'wrong' });
    answer = community.confirmation;
    expect(await call<{ ok: boolean }>(base, 'POST', 'confirm', {})).toMatchObject({ ok: true });

    const customer = await call<{ id: number }>(base, 'POST', 'customers', { firstName: 'Anna', lastName: 'Test' });
    await call(base, 'POST', 'messages', { userId: customer.id, text: 'hello', files: [{ name: 'p.png', mime: 'image/png', base64: TINY_PNG.toString('base64') }, { name: 'a.txt', mime: 'text/plain', base64: Buffer.from('doc').toString('base64') }] });
    const newMessage = await waitFor(() => webhook.received.find((r) => r.type === 'message_new'), { what: 'message_new at the webhook' });
    expect(newMessage.secret).toBe(community.secret);
    expect(newMessage.object?.message?.attachments.map((a) => a.type)).toEqual(['photo', 'doc']);

    const list = await waitFor(async () => {
      const l = await call<{ messages: SandboxMessageView[] }>(base, 'GET', `messages?userId=${customer.id}`);
      return l.messages[0]?.delivery?.state === 'delivered' ? l : undefined;
    }, { what: 'the message delivered' });
    const photoUrl = list.messages[0]?.attachments[0]?.url ?? '';
    const photo = await fetch(`${base}${photoUrl}`);
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(TINY_PNG);

    await call(base, 'POST', 'deny', { userId: customer.id });
    expect((await call<{ blocked: boolean }>(base, 'GET', `messages?userId=${customer.id}`)).blocked).toBe(true);
    await call(base, 'POST', 'allow', { userId: customer.id });
    await call(base, 'POST', 'admin-reply', { userId: customer.id, text: 'answered in VK' });
    await waitFor(() => webhook.received.some((r) => r.type === 'message_reply'), { what: 'message_reply at the webhook' });
    expect(webhook.received.map((r) => r.type)).toEqual(expect.arrayContaining(['message_deny', 'message_allow', 'message_reply']));

    // Parley answers through messages.send: the page shows it as sent by Parley.
    const sent = (await (
      await fetch(`${sandbox.apiUrl}/messages.send`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ v: '5.199', access_token: community.token, peer_id: String(customer.id), random_id: '77', message: 'from Parley' }),
      })
    ).json()) as { response?: number };
    expect(typeof sent.response).toBe('number');
    const views = (await call<{ messages: SandboxMessageView[] }>(base, 'GET', `messages?userId=${customer.id}`)).messages;
    expect(views.map((m) => m.from)).toEqual(['customer', 'vk-admin', 'parley']);
  });

  it('keeps the community (same token), its customers and the history across a restart', async () => {
    const before = await call<{ community: { id: number; token: string; callbackUrl?: string }; customers: Array<{ id: number; firstName: string }> }>(sandbox?.url ?? '', 'GET', 'state');
    await sandbox?.stop();
    sandbox = (await Sandbox.start({ port: await freePort(), host: '127.0.0.1', stateFile })).sandbox;
    const after = await call<typeof before>(sandbox.url, 'GET', 'state');
    expect(after.community).toEqual(before.community);
    expect(after.customers).toEqual(before.customers);
    const anna = after.customers.find((c) => c.firstName === 'Anna');
    const views = (await call<{ messages: SandboxMessageView[] }>(sandbox.url, 'GET', `messages?userId=${anna?.id}`)).messages;
    expect(views.map((m) => m.text)).toEqual(['hello', 'answered in VK', 'from Parley']);
    const photo = await fetch(`${sandbox.url}${views[0]?.attachments[0]?.url ?? ''}`);
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(TINY_PNG);
    // The same random_id is still recognised (Parley's retries after a restart stay idempotent).
    const again = (await (
      await fetch(`${sandbox.apiUrl}/messages.send`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ v: '5.199', access_token: after.community.token, peer_id: String(anna?.id), random_id: '77', message: 'from Parley' }),
      })
    ).json()) as { response?: number };
    expect(typeof again.response).toBe('number');
    expect((await call<{ messages: SandboxMessageView[] }>(sandbox.url, 'GET', `messages?userId=${anna?.id}`)).messages).toHaveLength(3);
  });
});
