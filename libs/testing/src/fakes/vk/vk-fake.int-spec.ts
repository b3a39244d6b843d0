import axios from 'axios';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { waitFor } from '../../wait-for';
import { VkFake } from './vk-fake.server';

/** A Callback API server for the tests: records what VK posts and answers with `answer(n)`. */
class CallbackReceiver {
  readonly received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  answer: (n: number, body: Record<string, unknown>) => { status: number; text: string } = () => ({ status: 200, text: 'ok' });
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<CallbackReceiver> {
    const holder: { r?: CallbackReceiver } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.r?.take(req, res));
    holder.r = new CallbackReceiver(server, `${baseUrl}/vk`);
    return holder.r;
  }

  private async take(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
    this.received.push({ headers: req.headers, body });
    const { status, text } = this.answer(this.received.length, body);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
  }

  ofType(type: string): Record<string, unknown>[] {
    return this.received.map((r) => r.body).filter((b) => b['type'] === type);
  }

  stop(): Promise<void> {
    return closeFakeHttp(this.server);
  }
}

const GROUP = 222_333;
const TOKEN = 'vk1.a.community-token';
const USER = 4242;

describe('VkFake over HTTP', () => {
  let vk: VkFake;
  let receiver: CallbackReceiver;

  beforeEach(async () => {
    vk = await VkFake.start({ callbackRetry: { delayMs: 5, maxRetries: 3 } });
    receiver = await CallbackReceiver.start();
    vk.addCommunity({ id: GROUP, name: 'Parley Shop', screenName: 'parleyshop', token: TOKEN, secret: 's3cr3t', confirmation: 'c0nf1rm', callbackUrl: receiver.url });
    vk.addUser({ id: USER, firstName: 'Ivan', lastName: 'Petrov', avatar: Buffer.from('avatar-bytes') });
  });

  afterEach(async () => {
    await vk.stop();
    await receiver.stop();
  });

  /** A form-urlencoded POST, the way VK SDKs call the API. */
  async function call(method: string, params: Record<string, string | number>, token: string | null = TOKEN) {
    const form = new URLSearchParams({ v: '5.199', ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
    const res = await axios.post<Record<string, unknown>>(`${vk.apiUrl}/${method}`, form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    expect(res.status).toBe(200);
    return res.data;
  }

  describe('API basics', () => {
    it('groups.getById answers the token’s community in the 5.199 shape (query params, access_token)', async () => {
      const res = await axios.get<unknown>(`${vk.apiUrl}/groups.getById`, { params: { access_token: TOKEN, v: '5.199' } });
      expect(res.data).toEqual({
        response: {
          groups: [expect.objectContaining({ id: GROUP, name: 'Parley Shop', screen_name: 'parleyshop', photo_200: expect.stringMatching(/^http:\/\/127\.0\.0\.1/) })],
          profiles: [],
        },
      });
      expect(vk.calls('groups.getById')[0]).toMatchObject({ token: TOKEN, params: { v: '5.199' } });
      expect(vk.calls('groups.getById')[0]?.params).not.toHaveProperty('access_token');
    });

    it('answers error 5 with request_params for an unknown or missing token, HTTP 200', async () => {
      const bad = await call('groups.getById', {}, 'nope');
      expect(bad).toEqual({
        error: {
          error_code: 5,
          error_msg: expect.stringContaining('User authorization failed'),
          request_params: expect.arrayContaining([{ key: 'method', value: 'groups.getById' }, { key: 'v', value: '5.199' }]),
        },
      });
      expect(await call('groups.getById', {}, null)).toMatchObject({ error: { error_code: 5 } });
    });

    it('answers 8 without v and 3 for an unknown method', async () => {
      const noV = await axios.get<{ error: { error_code: number } }>(`${vk.apiUrl}/groups.getById`, { params: { access_token: TOKEN } });
      expect(noV.data.error.error_code).toBe(8);
      expect(await call('messages.nope', {})).toMatchObject({ error: { error_code: 3 } });
    });

    it('users.get returns names and a photo_200 whose URL serves the avatar', async () => {
      const res = (await call('users.get', { user_ids: `${USER}`, fields: 'photo_200' })) as { response: { id: number; first_name: string; last_name: string; photo_200: string }[] };
      expect(res.response).toEqual([expect.objectContaining({ id: USER, first_name: 'Ivan', last_name: 'Petrov' })]);
      const avatar = await axios.get<ArrayBuffer>(res.response[0]?.photo_200 ?? '', { responseType: 'arraybuffer' });
      expect(Buffer.from(avatar.data).toString()).toBe('avatar-bytes');
      expect(await call('users.get', { user_ids: Array.from({ length: 1001 }, (_, i) => i + 1).join(',') })).toMatchObject({ error: { error_code: 100 } });
    });
  });

  describe('messages.send', () => {
    beforeEach(async () => {
      await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'hello' });
    });

    it('de-duplicates by random_id over the whole history and echoes message_reply with the random_id', async () => {
      const first = await call('messages.send', { peer_id: USER, random_id: 123456789012, message: 'Hi Ivan' });
      const second = await call('messages.send', { peer_id: USER, random_id: 123456789012, message: 'Hi Ivan' });
      expect(typeof first['response']).toBe('number');
      expect(second['response']).toBe(first['response']);
      expect(vk.sentMessages(USER)).toHaveLength(1);
      expect(vk.sentMessages(USER)[0]).toMatchObject({ text: 'Hi Ivan', out: 1, from_id: -GROUP, random_id: 123456789012 });
      const echo = await waitFor(() => receiver.ofType('message_reply')[0], { what: 'message_reply echo' });
      expect(echo).toMatchObject({ group_id: GROUP, secret: 's3cr3t', v: '5.199', object: { id: first['response'], random_id: 123456789012, out: 1 } });
      await vk.idle();
      expect(receiver.ofType('message_reply')).toHaveLength(1);
    });

    it('does not echo when echoes are switched off', async () => {
      vk.setEchoReplies(GROUP, false);
      await call('messages.send', { peer_id: USER, random_id: 1, message: 'quiet' });
      await vk.idle();
      expect(receiver.ofType('message_reply')).toHaveLength(0);
    });

    it('requires random_id (100), refuses >9000 chars (914), blocked users (901) and users who never wrote (901)', async () => {
      expect(await call('messages.send', { peer_id: USER, message: 'x' })).toMatchObject({ error: { error_code: 100 } });
      expect(await call('messages.send', { peer_id: USER, random_id: 2, message: 'x'.repeat(9001) })).toMatchObject({ error: { error_code: 914 } });
      expect(await call('messages.send', { peer_id: USER, random_id: 3, message: 'x'.repeat(9000) })).toHaveProperty('response');
      expect(await call('messages.send', { peer_id: 777, random_id: 4, message: 'cold' })).toMatchObject({ error: { error_code: 901 } });
      await vk.deny({ groupId: GROUP, userId: USER });
      expect(await call('messages.send', { peer_id: USER, random_id: 5, message: 'x' })).toMatchObject({ error: { error_code: 901 } });
      expect(receiver.ofType('message_deny')[0]).toMatchObject({ object: { user_id: USER } });
      await vk.allow({ groupId: GROUP, userId: USER });
      expect(await call('messages.send', { peer_id: USER, random_id: 6, message: 'x' })).toHaveProperty('response');
      expect(receiver.ofType('message_allow')[0]).toMatchObject({ object: { user_id: USER } });
    });
  });

  describe('customer side and callbacks', () => {
    it('writeAsCustomer delivers message_new with a photo and a doc whose URLs serve the bytes', async () => {
      const { message, delivery } = await vk.writeAsCustomer({
        groupId: GROUP,
        userId: USER,
        text: 'see attached',
        attachments: [
          { type: 'photo', bytes: Buffer.from('jpeg-bytes'), width: 1600, height: 1200 },
          { type: 'doc', bytes: Buffer.from('%PDF-1.4'), title: 'invoice.pdf', mime: 'application/pdf' },
        ],
      });
      expect(delivery?.delivered).toBe(true);
      const body = receiver.ofType('message_new')[0] as { event_id: string; object: { message: Record<string, unknown>; client_info: unknown } };
      expect(body).toMatchObject({ type: 'message_new', v: '5.199', group_id: GROUP, secret: 's3cr3t', event_id: expect.stringMatching(/^[0-9a-f]{40}$/) });
      expect(body.object.message).toMatchObject({ id: message.id, from_id: USER, peer_id: USER, out: 0, text: 'see attached', conversation_message_id: 1 });
      expect(body.object.client_info).toMatchObject({ keyboard: true });
      const [photo, doc] = message.attachments as unknown as [
        { photo: { sizes: { url: string; width: number }[] } },
        { doc: { url: string; ext: string; size: number; title: string } },
      ];
      const largest = [...photo.photo.sizes].sort((a, b) => b.width - a.width)[0];
      const photoBytes = await axios.get<ArrayBuffer>(largest?.url ?? '', { responseType: 'arraybuffer' });
      expect(Buffer.from(photoBytes.data).toString()).toBe('jpeg-bytes');
      expect(doc.doc).toMatchObject({ title: 'invoice.pdf', ext: 'pdf', size: 8 });
      const docBytes = await axios.get<ArrayBuffer>(doc.doc.url, { responseType: 'arraybuffer' });
      expect(Buffer.from(docBytes.data).toString()).toBe('%PDF-1.4');
    });

    it('retries until the answer is exactly ok, with X-Retry-Counter and the same event_id', async () => {
      receiver.answer = (n) => (n === 1 ? { status: 500, text: 'oops' } : n === 2 ? { status: 200, text: 'OK ' } : { status: 200, text: 'ok' });
      const { delivery } = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'retry me' });
      expect(delivery?.delivered).toBe(true);
      expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 200, 200]);
      expect(receiver.received.map((r) => r.headers['x-retry-counter'])).toEqual([undefined, '1', '2']);
      expect(new Set(receiver.received.map((r) => r.body['event_id'])).size).toBe(1);
    });

    it('gives up after maxRetries and reports it', async () => {
      receiver.answer = () => ({ status: 403, text: 'forbidden' });
      const { delivery } = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'x' });
      expect(delivery?.delivered).toBe(false);
      expect(delivery?.attempts).toHaveLength(4);
    });

    it('confirm() checks the confirmation answer', async () => {
      receiver.answer = (_n, body) => ({ status: 200, text: body['type'] === 'confirmation' ? 'c0nf1rm' : 'ok' });
      expect(await vk.confirm(GROUP)).toEqual({ ok: true, status: 200, body: 'c0nf1rm' });
      expect(receiver.received[0]?.body).toEqual({ type: 'confirmation', group_id: GROUP });
      receiver.answer = () => ({ status: 200, text: 'ok' });
      expect((await vk.confirm(GROUP)).ok).toBe(false);
    });

    it('replyFromCommunity sends message_reply with admin_author_id and random_id 0', async () => {
      await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'q' });
      const { message } = await vk.replyFromCommunity({ groupId: GROUP, userId: USER, text: 'answered in VK', adminId: 99 });
      expect(receiver.ofType('message_reply')[0]).toMatchObject({ object: { id: message.id, out: 1, from_id: -GROUP, random_id: 0, admin_author_id: 99, peer_id: USER } });
      expect(vk.sentMessages(USER)).toHaveLength(0);
    });

    it('replays a callback body (same event_id) and sends arbitrary bodies', async () => {
      const { delivery } = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'once' });
      const replay = await vk.sendCallback(GROUP, vk.callbackBody(delivery?.eventId ?? ''));
      expect(replay.delivered).toBe(true);
      expect(receiver.received[1]?.body).toEqual(receiver.received[0]?.body);
      const forged = { ...vk.envelope(GROUP, 'message_new', { message: {} }), secret: 'wrong' };
      receiver.answer = (_n, body) => (body['secret'] === 's3cr3t' ? { status: 200, text: 'ok' } : { status: 403, text: 'bad secret' });
      const refused = await vk.sendCallback(GROUP, forged, { maxRetries: 0 });
      expect(refused).toMatchObject({ delivered: false, attempts: [{ status: 403, body: 'bad secret' }] });
    });

    it('deliver:false stores the message for backfill; getConversations and getHistory serve it', async () => {
      await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'live' });
      await call('messages.send', { peer_id: USER, random_id: 10, message: 'answer' });
      const missed = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'while you were down', deliver: false });
      await vk.writeAsCustomer({ groupId: GROUP, userId: 5151, text: 'other customer', deliver: false });
      await vk.idle();
      expect(receiver.ofType('message_new')).toHaveLength(1);

      const convs = (await call('messages.getConversations', { filter: 'all', count: 200, group_id: GROUP })) as {
        response: { count: number; items: { conversation: { peer: { id: number; type: string }; last_message_id: number; unread_count?: number; can_write: { allowed: boolean } }; last_message: { text: string } }[] };
      };
      expect(convs.response.count).toBe(2);
      expect(convs.response.items.map((i) => i.conversation.peer.id)).toEqual([5151, USER]);
      expect(convs.response.items[1]).toMatchObject({
        conversation: { peer: { id: USER, type: 'user' }, last_message_id: missed.message.id, unread_count: 1, can_write: { allowed: true } },
        last_message: { text: 'while you were down' },
      });
      const unanswered = (await call('messages.getConversations', { filter: 'unanswered', count: 1, offset: 1 })) as { response: { count: number; items: unknown[] } };
      expect(unanswered.response).toMatchObject({ count: 2, items: [expect.anything()] });

      const history = (await call('messages.getHistory', { peer_id: USER, count: 200, group_id: GROUP })) as { response: { count: number; items: { text: string; out: number }[] } };
      expect(history.response.count).toBe(3);
      expect(history.response.items.map((m) => m.text)).toEqual(['while you were down', 'answer', 'live']);
      const chronological = (await call('messages.getHistory', { peer_id: USER, rev: 1, count: 2, offset: 1 })) as { response: { items: { text: string }[] } };
      expect(chronological.response.items.map((m) => m.text)).toEqual(['answer', 'while you were down']);
      expect(await call('messages.getHistory', { peer_id: USER, count: 201 })).toMatchObject({ error: { error_code: 100 } });
    });
  });

  describe('uploads', () => {
    beforeEach(async () => {
      await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'send me a file' });
    });

    it('photo: getMessagesUploadServer → multipart photo → saveMessagesPhoto → attach and send', async () => {
      const server = (await call('photos.getMessagesUploadServer', { peer_id: USER })) as { response: { upload_url: string; album_id: number; group_id: number } };
      expect(server.response).toMatchObject({ group_id: GROUP, album_id: expect.any(Number) });
      const form = new FormData();
      form.append('photo', new Blob([Buffer.from('png-data')], { type: 'image/png' }), 'cat.png');
      const uploaded = await axios.post<{ server: number; photo: string; hash: string }>(server.response.upload_url, form);
      expect(uploaded.data).toEqual({ server: expect.any(Number), photo: expect.any(String), hash: expect.any(String) });
      const bad = await call('photos.saveMessagesPhoto', { ...uploaded.data, hash: 'nope' });
      expect(bad).toMatchObject({ error: { error_code: 121 } });
      const saved = (await call('photos.saveMessagesPhoto', uploaded.data)) as { response: { id: number; owner_id: number; access_key: string; sizes: { url: string }[] }[] };
      const photo = saved.response[0];
      expect(photo).toMatchObject({ owner_id: -GROUP, access_key: expect.any(String) });
      const sent = await call('messages.send', { peer_id: USER, random_id: 77, attachment: `photo${photo?.owner_id}_${photo?.id}_${photo?.access_key}` });
      expect(sent).toHaveProperty('response');
      const [message] = vk.sentMessages(USER);
      expect(message?.attachments).toEqual([{ type: 'photo', photo: expect.objectContaining({ id: photo?.id }) }]);
      const bytes = await axios.get<ArrayBuffer>(photo?.sizes[0]?.url ?? '', { responseType: 'arraybuffer' });
      expect(Buffer.from(bytes.data).toString()).toBe('png-data');
      expect(await call('messages.send', { peer_id: USER, random_id: 78, attachment: 'photo-1_2_x' })).toMatchObject({ error: { error_code: 100 } });
    });

    it('doc: getMessagesUploadServer(type=doc) → multipart file → docs.save → attach and send', async () => {
      const server = (await call('docs.getMessagesUploadServer', { type: 'doc', peer_id: USER })) as { response: { upload_url: string } };
      const empty = await axios.post<Record<string, unknown>>(server.response.upload_url, new FormData());
      expect(empty.data).toMatchObject({ error: 'no_file' });
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('col1,col2\n')], { type: 'text/csv' }), 'report.csv');
      const uploaded = await axios.post<{ file: string }>(server.response.upload_url, form);
      const saved = (await call('docs.save', { file: uploaded.data.file, title: 'Report.csv' })) as { response: { type: string; doc: { id: number; owner_id: number; title: string; url: string; size: number; ext: string } } };
      expect(saved.response).toMatchObject({ type: 'doc', doc: { owner_id: -GROUP, title: 'Report.csv', size: 10, ext: 'csv' } });
      const { doc } = saved.response;
      expect(await call('messages.send', { peer_id: USER, random_id: 79, attachment: `doc${doc.owner_id}_${doc.id}`, message: 'here' })).toHaveProperty('response');
      const bytes = await axios.get<ArrayBuffer>(doc.url, { responseType: 'arraybuffer' });
      expect(Buffer.from(bytes.data).toString()).toBe('col1,col2\n');
    });
  });

  describe('faults and rate limit', () => {
    it('fails the next N calls with a VK error, then recovers; records every call', async () => {
      vk.failNext('groups.getById', 6, 2);
      expect(await call('groups.getById', {})).toMatchObject({ error: { error_code: 6, error_msg: 'Too many requests per second' } });
      expect(await call('groups.getById', {})).toMatchObject({ error: { error_code: 6 } });
      expect(await call('groups.getById', {})).toHaveProperty('response');
      vk.failNext('*', 14);
      expect(await call('users.get', { user_ids: USER })).toMatchObject({ error: { error_code: 14, captcha_sid: expect.any(String) } });
      expect(vk.calls('groups.getById').map((c) => ('error' in c.result ? c.result.error.error_code : 'ok'))).toEqual([6, 6, 'ok']);
    });

    it('answers bare HTTP 5xx, drops connections and delays', async () => {
      vk.failNextHttp('groups.getById', 502);
      await expect(call('groups.getById', {})).rejects.toMatchObject({ response: { status: 502 } });
      vk.dropNext('groups.getById');
      await expect(call('groups.getById', {})).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE|EPIPE/) });
      vk.delayNext('groups.getById', 300);
      const started = Date.now();
      expect(await call('groups.getById', {})).toHaveProperty('response');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('rate-limit mode answers error 6 over 20 requests/s per token and counts violations', async () => {
      vk.setRateLimit({ perSecond: 20 });
      const results = await Promise.all(Array.from({ length: 25 }, () => call('groups.getById', {})));
      const refused = results.filter((r) => (r['error'] as { error_code?: number } | undefined)?.error_code === 6);
      expect(refused).toHaveLength(5);
      expect(vk.rateLimitViolations(TOKEN)).toBe(5);
      vk.setRateLimit({ perSecond: 20, enforce: false });
      const counted = await Promise.all(Array.from({ length: 22 }, () => call('groups.getById', {})));
      expect(counted.every((r) => 'response' in r)).toBe(true);
      expect(vk.rateLimitViolations()).toBe(7);
    });
  });
});
