import axios from 'axios';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { waitFor } from '../../wait-for';
import { MetaFake, PAGE_INBOX_APP_ID } from './meta-fake.server';

/** The app's webhook endpoint: verifies nothing, records raw bodies and answers `status`. */
class WebhookReceiver {
  readonly received: { headers: IncomingHttpHeaders; raw: string; body: { object: string; entry: Array<Record<string, unknown>> } }[] = [];
  status = 200;
  /** Answer 500 to this many POSTs first. */
  failFirst = 0;
  lastQuery: URLSearchParams | undefined;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<WebhookReceiver> {
    const holder: { r?: WebhookReceiver } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.r?.take(req, res));
    holder.r = new WebhookReceiver(server, `${baseUrl}/hook`);
    return holder.r;
  }

  private async take(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') {
      this.lastQuery = new URL(req.url ?? '/', 'http://x').searchParams;
      return void res.writeHead(200).end(this.lastQuery.get('hub.challenge') ?? '');
    }
    const raw = (await readBody(req)).toString('utf8');
    this.received.push({ headers: req.headers, raw, body: JSON.parse(raw) as WebhookReceiver['received'][number]['body'] });
    res.writeHead(this.failFirst-- > 0 ? 500 : this.status).end('EVENT_RECEIVED');
  }

  events(): Array<Record<string, unknown>> {
    return this.received.flatMap((r) => r.body.entry.flatMap((e) => [...((e['messaging'] as Array<Record<string, unknown>> | undefined) ?? []), ...((e['standby'] as Array<Record<string, unknown>> | undefined) ?? [])]));
  }

  stop(): Promise<void> {
    return closeFakeHttp(this.server);
  }
}

const PAGE = '104857600123';
const PAGE_TOKEN = 'EAAG-page-token';
const IG = '17841400000000001';
const IG_TOKEN = 'IGAA-ig-token';
const PSID = '6100000000000001';
const IGSID = '7100000000000001';
const SECRET = 'app-secret-1';
const DAY = 24 * 3600_000;

describe('MetaFake over HTTP', () => {
  let meta: MetaFake;
  let hook: WebhookReceiver;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2026, 11, 1, 12, 0, 0);
    meta = await MetaFake.start({ now: () => now, appSecret: SECRET, webhookRetry: { delayMs: 5, maxRetries: 2 } });
    hook = await WebhookReceiver.start();
    meta.addPage({ id: PAGE, name: 'Creatio Shop', token: PAGE_TOKEN, webhookUrl: hook.url, verifyToken: 'vt' });
    meta.addInstagramAccount({ id: IG, name: 'beesender', token: IG_TOKEN, webhookUrl: hook.url, humanAgent: false });
    meta.addUser({ id: PSID, firstName: 'Anna', lastName: 'Ivanova', picture: Buffer.from('anna-pic') });
    meta.addUser({ id: IGSID, firstName: 'Oleg', lastName: 'Petrov' });
  });

  afterEach(async () => {
    await meta.stop();
    await hook.stop();
  });

  const graph = (path: string) => `${meta.graphUrl}/v26.0${path}`;
  const send = (body: unknown, token = PAGE_TOKEN, base = meta.graphUrl) =>
    axios.post<Record<string, unknown>>(`${base}/v26.0/me/messages`, body, { params: { access_token: token }, validateStatus: () => true });

  it('checks tokens: /me answers the page; a bad token is Graph error 190 in its error shape; another version is 2635', async () => {
    expect((await axios.get(graph('/me'), { params: { access_token: PAGE_TOKEN, fields: 'id,name' } })).data).toEqual({ id: PAGE, name: 'Creatio Shop' });
    expect((await axios.get(graph(`/${PAGE}`), { headers: { authorization: `Bearer ${PAGE_TOKEN}` }, params: { fields: 'name' } })).data).toEqual({ id: PAGE, name: 'Creatio Shop' });
    const bad = await axios.get(graph('/me'), { params: { access_token: 'nope' }, validateStatus: () => true });
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({ error: { message: expect.stringContaining('Invalid OAuth access token'), type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: expect.any(String) } });
    const old = await axios.get(`${meta.graphUrl}/v19.0/me`, { params: { access_token: PAGE_TOKEN }, validateStatus: () => true });
    expect((old.data as { error: { code: number } }).error.code).toBe(2635);
    expect((await axios.get(`${meta.instagramUrl}/v26.0/me`, { params: { access_token: IG_TOKEN, fields: 'user_id,username' } })).data).toEqual({ id: IG, user_id: IG, username: 'beesender' });
    expect((await axios.get(graph('/app'), { params: { access_token: PAGE_TOKEN } })).data).toMatchObject({ id: meta.appId });
  });

  it('answers the GET verification with the challenge the receiver echoes', async () => {
    const v = await meta.verifyWebhook(PAGE);
    expect(v.ok).toBe(true);
    expect(hook.lastQuery?.get('hub.mode')).toBe('subscribe');
    expect(hook.lastQuery?.get('hub.verify_token')).toBe('vt');
  });

  it('posts only subscribed fields, signed with the app secret over the raw body, retried until 200', async () => {
    await meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'before subscribing' });
    expect(hook.received).toHaveLength(0);
    const sub = await axios.post(graph(`/${PAGE}/subscribed_apps`), null, { params: { access_token: PAGE_TOKEN, subscribed_fields: 'messages,message_echoes,message_deliveries,message_reads' } });
    expect(sub.data).toEqual({ success: true });
    expect(meta.subscribedFields(PAGE)).toEqual(['message_deliveries', 'message_echoes', 'message_reads', 'messages']);
    hook.failFirst = 2;
    const { delivery, event } = await meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'hello', attachments: [{ type: 'image', bytes: Buffer.from('img') }] });
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(delivery?.delivered).toBe(true);
    expect(new Set(hook.received.map((r) => r.raw)).size).toBe(1);
    const last = hook.received.at(-1)!;
    expect(last.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(last.raw).digest('hex')}`);
    expect(last.body).toEqual({ object: 'page', entry: [{ id: PAGE, time: now, messaging: [event] }] });
    const url = ((event.message?.['attachments'] as Array<{ payload: { url: string } }>)[0]!).payload.url;
    expect(Buffer.from((await axios.get<ArrayBuffer>(url, { responseType: 'arraybuffer' })).data).toString()).toBe('img');
  });

  it('sends within 24 h (echo with app_id and metadata), refuses after with 10/2018278, HUMAN_AGENT up to 7 days', async () => {
    await axios.post(graph('/me/subscribed_apps'), null, { params: { access_token: PAGE_TOKEN, subscribed_fields: 'messages,message_echoes' } });
    await meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'hi' });
    now += DAY - 60_000;
    const ok = await send({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'answer', metadata: 'parley:k1' } });
    expect(ok.data).toEqual({ recipient_id: PSID, message_id: expect.stringMatching(/^m_/) });
    await waitFor(() => hook.events().some((e) => (e['message'] as Record<string, unknown> | undefined)?.['is_echo'] === true), { timeoutMs: 5000, what: 'webhooks' });
    const echo = hook.events().find((e) => (e['message'] as Record<string, unknown> | undefined)?.['is_echo'] === true)!;
    expect(echo).toMatchObject({ sender: { id: PAGE }, recipient: { id: PSID }, message: { mid: ok.data['message_id'], app_id: Number(meta.appId), metadata: 'parley:k1', text: 'answer' } });
    now += 2 * 60_000;
    const late = await send({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'late' } });
    expect(late.status).toBe(400);
    expect(late.data).toMatchObject({ error: { code: 10, error_subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' } });
    expect((await send({ recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'agent' } })).status).toBe(200);
    now += 7 * DAY;
    expect((await send({ recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'too late' } })).data).toMatchObject({ error: { code: 10, error_subcode: 2018278 } });
    expect(meta.sentMessages(PSID).map((m) => m.text)).toEqual(['answer', 'agent']);
  });

  it('enforces text limits, 551, unknown users, 613, and takes attachments by URL and as an upload', async () => {
    await meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'hi' });
    await meta.writeAsCustomer({ accountId: IG, userId: IGSID, text: 'hi' });
    expect((await send({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'x'.repeat(2000) } })).status).toBe(200);
    expect((await send({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'x'.repeat(2001) } })).data).toMatchObject({ error: { code: 100 } });
    expect((await send({ recipient: { id: IGSID }, message: { text: 'я'.repeat(501) } }, IG_TOKEN, meta.instagramUrl)).data).toMatchObject({ error: { code: 100 } });
    expect((await send({ recipient: { id: IGSID }, message: { text: 'я'.repeat(500) } }, IG_TOKEN, meta.instagramUrl)).status).toBe(200);
    expect((await send({ recipient: { id: IGSID }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'no permission' } }, IG_TOKEN)).data).toMatchObject({ error: { code: 200 } });
    expect((await send({ recipient: { id: '999' }, message: { text: 'who' } })).data).toMatchObject({ error: { code: 100, error_subcode: 2018001 } });
    meta.addUser({ id: PSID, firstName: 'Anna', lastName: 'Ivanova', unavailable: true });
    expect((await send({ recipient: { id: PSID }, message: { text: 'gone' } })).data).toMatchObject({ error: { code: 551, error_subcode: 1545041 } });
    meta.addUser({ id: PSID, firstName: 'Anna', lastName: 'Ivanova' });
    meta.failNext('/me/messages', 613);
    expect((await send({ recipient: { id: PSID }, message: { text: 'busy' } })).data).toMatchObject({ error: { code: 613 } });

    const served = meta.store.serve(Buffer.from('%PDF-1'), 'application/pdf');
    expect((await send({ recipient: { id: PSID }, message: { attachment: { type: 'file', payload: { url: served } } } })).status).toBe(200);
    const form = new FormData();
    form.append('recipient', JSON.stringify({ id: PSID }));
    form.append('messaging_type', 'RESPONSE');
    form.append('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: false } } }));
    form.append('filedata', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'a.png');
    expect((await axios.post(graph('/me/messages'), form, { params: { access_token: PAGE_TOKEN } })).status).toBe(200);
    expect(meta.sentMessages(PSID).slice(-2).map((m) => [m.attachment?.via, m.attachment?.bytes.toString(), m.attachment?.mime])).toEqual([
      ['url', '%PDF-1', 'application/pdf'],
      ['upload', 'png-bytes', 'image/png'],
    ]);
  });

  it('answers profiles of users who wrote, with a picture it serves; others are 100/33', async () => {
    const before = await axios.get(graph(`/${PSID}`), { params: { access_token: PAGE_TOKEN }, validateStatus: () => true });
    expect(before.data).toMatchObject({ error: { code: 100, error_subcode: 33, type: 'GraphMethodException' } });
    await meta.writeAsCustomer({ accountId: PAGE, userId: PSID, text: 'hi' });
    const profile = (await axios.get<Record<string, string>>(graph(`/${PSID}`), { params: { access_token: PAGE_TOKEN, fields: 'first_name,last_name,profile_pic' } })).data;
    expect(profile).toMatchObject({ id: PSID, first_name: 'Anna', last_name: 'Ivanova' });
    expect(Buffer.from((await axios.get<ArrayBuffer>(profile['profile_pic']!, { responseType: 'arraybuffer' })).data).toString()).toBe('anna-pic');
  });

  it('Instagram: object instagram, echoes in messages, messaging_seen with the mid, share/story_mention/reel, batches, inbox replies', async () => {
    await axios.post(`${meta.instagramUrl}/v26.0/me/subscribed_apps`, null, { params: { access_token: IG_TOKEN, subscribed_fields: 'messages,messaging_seen,message_reactions,messaging_postbacks' } });
    const a = await meta.writeAsCustomer({ accountId: IG, userId: IGSID, attachments: [{ type: 'share', url: 'https://www.instagram.com/p/abc/' }, { type: 'story_mention' }, { type: 'ig_reel', title: 'reel' }], deliver: false });
    const b = await meta.writeAsCustomer({ accountId: IG, userId: IGSID, text: 'second', deliver: false });
    await meta.sendEntries(IG, [a.entry, b.entry]);
    expect(hook.received[0]!.body).toMatchObject({ object: 'instagram', entry: [{ id: IG }, { id: IG }] });
    const sent = await send({ recipient: { id: IGSID }, message: { text: 'answer' } }, IG_TOKEN);
    await meta.markRead({ accountId: IG, userId: IGSID });
    await meta.replyFromInbox({ accountId: IG, userId: IGSID, text: 'from the app', appId: '124024574287414' });
    await meta.react({ accountId: IG, userId: IGSID, mid: String(sent.data['message_id']) });
    await waitFor(() => hook.events().length >= 6, { timeoutMs: 5000, what: 'webhooks' });
    const events = hook.events();
    expect(events).toContainEqual(expect.objectContaining({ read: { mid: sent.data['message_id'] } }));
    expect(events).toContainEqual(expect.objectContaining({ message: expect.objectContaining({ is_echo: true, app_id: 124024574287414, text: 'from the app' }) }));
    expect(events).toContainEqual(expect.objectContaining({ reaction: expect.objectContaining({ mid: sent.data['message_id'], action: 'react' }) }));
    expect(PAGE_INBOX_APP_ID).toBe('263902037430900');
  });
});
