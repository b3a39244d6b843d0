import axios from 'axios';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { waitFor } from '../../wait-for';
import { ViberFake } from './viber-fake.server';

/** A webhook for the tests: records the raw bodies Viber posts, serves media files, answers with `answer(n)`. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; raw: string }[] = [];
  readonly files = new Map<string, { bytes: Buffer; mime: string }>();
  answer: (n: number, raw: string) => number = () => 200;
  private constructor(private readonly server: Server, readonly base: string) {}

  static async start(): Promise<Receiver> {
    const holder: { r?: Receiver } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.r?.take(req, res));
    holder.r = new Receiver(server, `${baseUrl}`);
    return holder.r;
  }

  private async take(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = this.files.get(req.url ?? '');
    if (req.method === 'GET') {
      if (!file) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': file.mime }).end(file.bytes);
    }
    const raw = (await readBody(req)).toString('utf8');
    this.received.push({ headers: req.headers, raw });
    res.writeHead(this.answer(this.received.length, raw)).end('');
  }

  get url(): string {
    return `${this.base}/viber`;
  }

  events(event: string): Record<string, unknown>[] {
    return this.received.map((r) => JSON.parse(r.raw) as Record<string, unknown>).filter((b) => b['event'] === event);
  }

  stop(): Promise<void> {
    return closeFakeHttp(this.server);
  }
}

const TOKEN = '4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f';
const USER = '01234567890A=';

describe('ViberFake over HTTP', () => {
  let viber: ViberFake;
  let hook: Receiver;

  beforeEach(async () => {
    viber = await ViberFake.start({ callbackRetry: { delayMs: 5 }, maxUnansweredPerHour: 3 });
    hook = await Receiver.start();
    viber.addBot({ authToken: TOKEN, name: 'Shop', uri: 'parleyshop', id: 'pa:5882944422452' });
    viber.addUser({ id: USER, name: 'John McClane' });
  });

  afterEach(async () => {
    await viber.stop();
    await hook.stop();
  });

  async function call(method: string, body: unknown, token: string | null = TOKEN): Promise<Record<string, unknown>> {
    const res = await axios.post<Record<string, unknown>>(`${viber.apiUrl}/${method}`, body, { headers: token ? { 'X-Viber-Auth-Token': token } : {} });
    expect(res.status).toBe(200);
    return res.data;
  }

  async function connect(): Promise<void> {
    expect(await call('set_webhook', { url: hook.url, event_types: ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started'] })).toMatchObject({ status: 0 });
  }

  it('get_account_info answers the bot; a wrong or missing token is status 2', async () => {
    expect(await call('get_account_info', {})).toMatchObject({ status: 0, status_message: 'ok', id: 'pa:5882944422452', name: 'Shop', uri: 'parleyshop', icon: expect.stringMatching(/^http:/) });
    expect(await call('get_account_info', {}, 'nope')).toMatchObject({ status: 2 });
    expect(await call('get_account_info', {}, null)).toMatchObject({ status: 2 });
  });

  it('set_webhook posts a signed `webhook` check and succeeds only when it is answered 200', async () => {
    hook.answer = () => 500;
    expect(await call('set_webhook', { url: hook.url })).toMatchObject({ status: 1 });
    expect(viber.webhook(TOKEN)).toBeUndefined();
    hook.answer = () => 200;
    await connect();
    const check = hook.received[hook.received.length - 1];
    expect(check?.raw).toMatch(/"event":"webhook".*"message_token":\d{19}/);
    expect(check?.headers['x-viber-content-signature']).toBe(createHmac('sha256', TOKEN).update(check?.raw ?? '').digest('hex'));
    expect(viber.webhook(TOKEN)?.url).toBe(hook.url);
  });

  it('customer messages: message_token written as a raw integer above 2^53, signed, retried until 200', async () => {
    await connect();
    hook.answer = (n) => (n <= 3 ? 503 : 200); // the webhook check was attempt 1
    const token = 9_007_199_254_740_993_123n;
    const { delivery } = await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'hi' }, messageToken: token });
    expect(delivery?.delivered).toBe(true);
    expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    const last = hook.received[hook.received.length - 1];
    expect(last?.raw).toContain(`"message_token":${token.toString()}`);
    expect(last?.headers['x-viber-content-signature']).toBe(createHmac('sha256', TOKEN).update(last?.raw ?? '').digest('hex'));
    expect(JSON.parse(last?.raw ?? '{}')).toMatchObject({ event: 'message', sender: { id: USER, name: 'John McClane' }, message: { type: 'text', text: 'hi' } });
  });

  it('gives up after the retry window', async () => {
    await connect();
    viber.setCallbackRetry({ retryWindowMs: 60, delayMs: 10 });
    hook.answer = () => 500;
    const { delivery } = await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'x' } });
    expect(delivery?.delivered).toBe(false);
    expect(delivery?.attempts.length).toBeGreaterThan(1);
  });

  it('every customer message type carries its fields and media served by the fake', async () => {
    await connect();
    const types = [
      { type: 'picture', bytes: Buffer.from('jpeg-bytes') },
      { type: 'video', bytes: Buffer.from('mp4') },
      { type: 'file', bytes: Buffer.from('%PDF'), fileName: 'a.pdf', mime: 'application/pdf' },
      { type: 'sticker', stickerId: 40133 },
      { type: 'contact', name: 'Ann', phoneNumber: '+380501234567' },
      { type: 'location', lat: 50.76, lon: 6.11 },
      { type: 'url', url: 'https://example.com/x' },
    ] as const;
    for (const message of types) await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message });
    const got = hook.events('message').map((b) => b['message'] as Record<string, unknown>);
    expect(got.map((m) => m['type'])).toEqual(types.map((t) => t.type));
    expect((await axios.get<ArrayBuffer>(String(got[0]?.['media']), { responseType: 'arraybuffer' })).data).toEqual(Buffer.from('jpeg-bytes'));
    expect(got[2]).toMatchObject({ file_name: 'a.pdf', size: 4 });
    expect(got[4]).toMatchObject({ contact: { name: 'Ann', phone_number: '+380501234567' } });
    expect(got[5]).toMatchObject({ location: { lat: 50.76, lon: 6.11 } });
  });

  it('send_message: validation, 5/6 for unknown/unsubscribed receivers, delivered and seen callbacks', async () => {
    await connect();
    const base = { receiver: USER, min_api_version: 1, sender: { name: 'Shop' }, type: 'text', text: 'Hello' };
    expect(await call('send_message', base)).toMatchObject({ status: 6 }); // never wrote
    expect(await call('send_message', { ...base, receiver: 'unknown=' })).toMatchObject({ status: 5 });
    await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'hi' } });
    expect(await call('send_message', { ...base, text: 'x'.repeat(7001) })).toMatchObject({ status: 3 });
    expect(await call('send_message', { ...base, sender: { name: 'x'.repeat(29) } })).toMatchObject({ status: 3 });
    expect(await call('send_message', { ...base, sender: {} })).toMatchObject({ status: 4 });
    expect(await call('send_message', { ...base, text: 'y'.repeat(6000), tracking_data: 'z'.repeat(3999), sender: { name: 'S', avatar: 'a'.repeat(25_000) } })).toMatchObject({ status: 3 });
    const res = await axios.post<string>(`${viber.apiUrl}/send_message`, { ...base, sender: { name: 'Anna (operator)' } }, { headers: { 'X-Viber-Auth-Token': TOKEN }, responseType: 'text' });
    expect(res.data).toMatch(/"status":0,"status_message":"ok","message_token":\d{19}/);
    const token = viber.sentMessages(USER)[0]?.messageToken ?? 0n;
    expect(viber.sentMessages(USER)[0]).toMatchObject({ text: 'Hello', senderName: 'Anna (operator)' });
    await waitFor(() => hook.events('delivered').length === 1, { what: 'delivered' });
    expect(hook.received.find((r) => r.raw.includes('"delivered"'))?.raw).toContain(`"message_token":${token.toString()}`);
    await viber.seeAll({ authToken: TOKEN, userId: USER });
    expect(hook.events('seen')).toHaveLength(1);
    await viber.unsubscribe({ authToken: TOKEN, userId: USER });
    expect(hook.events('unsubscribed')[0]).toMatchObject({ user_id: USER });
    expect(await call('send_message', base)).toMatchObject({ status: 6 });
  });

  it('media sends: the fake downloads the URL and records the bytes; a failed download is a `failed` callback', async () => {
    await connect();
    await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'hi' } });
    hook.files.set('/p.png', { bytes: Buffer.from('png!'), mime: 'image/png' });
    const base = { receiver: USER, sender: { name: 'Shop' } };
    expect(await call('send_message', { ...base, type: 'picture', text: 'see', media: `${hook.base}/p.png` })).toMatchObject({ status: 0 });
    expect(await call('send_message', { ...base, type: 'file', media: `${hook.base}/p.png` })).toMatchObject({ status: 4 }); // size, file_name
    expect(await call('send_message', { ...base, type: 'file', media: `${hook.base}/gone.pdf`, size: 4, file_name: 'gone.pdf' })).toMatchObject({ status: 0 });
    expect(viber.sentMessages(USER).map((m) => [m.type, m.mediaBytes?.toString(), m.state])).toEqual([
      ['picture', 'png!', 'delivered'],
      ['file', undefined, 'failed'],
    ]);
    await waitFor(() => hook.events('failed').length === 1, { what: 'failed' });
    expect(hook.events('failed')[0]).toMatchObject({ user_id: USER, desc: expect.any(String) });
  });

  it('status 12 after the unanswered limit per user per hour, until the user writes again', async () => {
    await connect();
    await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'hi' } });
    const msg = { receiver: USER, sender: { name: 'Shop' }, type: 'text', text: 'x' };
    for (let i = 0; i < 3; i++) expect(await call('send_message', msg)).toMatchObject({ status: 0 });
    expect(await call('send_message', msg)).toMatchObject({ status: 12, status_message: 'tooManyRequests' });
    await viber.writeAsCustomer({ authToken: TOKEN, userId: USER, message: { type: 'text', text: 'again' } });
    expect(await call('send_message', msg)).toMatchObject({ status: 0 });
  });

  it('events: subscribed, conversation_started (welcome answer recorded); event_types filter optional events', async () => {
    expect(await call('set_webhook', { url: hook.url, event_types: ['subscribed'] })).toMatchObject({ status: 0 });
    await viber.subscribe({ authToken: TOKEN, userId: USER });
    expect(hook.events('subscribed')[0]).toMatchObject({ user: { id: USER } });
    expect(await viber.openChat({ authToken: TOKEN, userId: USER, context: 'site' })).toBeUndefined(); // not subscribed to it
    await connect();
    const started = await viber.openChat({ authToken: TOKEN, userId: USER, context: 'site' });
    expect(started?.delivered).toBe(true);
    expect(hook.events('conversation_started')[0]).toMatchObject({ type: 'open', context: 'site', subscribed: true });
  });

  it('get_user_details twice per 12 hours; faults: injected statuses, HTTP errors, drops', async () => {
    expect(await call('get_user_details', { id: USER })).toMatchObject({ status: 0, user: { id: USER, name: 'John McClane' } });
    expect(await call('get_user_details', { id: USER })).toMatchObject({ status: 0 });
    expect(await call('get_user_details', { id: USER })).toMatchObject({ status: 12 });
    viber.failNext('get_account_info', 7);
    expect(await call('get_account_info', {})).toMatchObject({ status: 7, status_message: 'publicAccountBlocked' });
    viber.failNextHttp('*', 502);
    await expect(call('get_account_info', {})).rejects.toThrow(/502/);
    viber.dropNext('get_account_info');
    await expect(call('get_account_info', {})).rejects.toThrow();
    expect(await call('get_account_info', {})).toMatchObject({ status: 0 });
    expect(viber.calls('get_account_info').length).toBe(4);
  });
});
