import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { TelegramFake } from './telegram-fake.server';
import type { TgMessage, TgUpdate } from './telegram-fake.types';

/*
 * Shared by the Telegram fake's integration tests: a webhook receiver and a small Bot API client over fetch.
 */

/** Plays the gateway's webhook: records every POST and answers `answer(n)` (n counts from 1). */
export class WebhookReceiver {
  readonly received: { headers: IncomingHttpHeaders; update: TgUpdate }[] = [];
  answer: (n: number) => number = () => 200;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<WebhookReceiver> {
    const holder: { r?: WebhookReceiver } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.r?.take(req, res));
    holder.r = new WebhookReceiver(server, `${baseUrl}/webhooks/telegram/x`);
    return holder.r;
  }

  private async take(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.received.push({ headers: req.headers, update: JSON.parse((await readBody(req)).toString('utf8')) as TgUpdate });
    res.writeHead(this.answer(this.received.length)).end();
  }

  ids(): number[] {
    return this.received.map((r) => r.update.update_id);
  }

  stop(): Promise<void> {
    return closeFakeHttp(this.server);
  }
}

export const TOKEN = '7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
export const OTHER = '7000002:AAFotherbotTOKENotherbotTOKENother00';
export const ANN = 111;
export const BOB = 222;

export interface Answer<T = unknown> {
  status: number;
  body: { ok: boolean; result?: T; error_code?: number; description?: string; parameters?: { retry_after: number } };
}

/** A test's fake, receiver and Bot API client, fresh for each test (`setup()` in beforeEach, `teardown()` after). */
export function telegramTestbed() {
  const t = {} as { tg: TelegramFake; hook: WebhookReceiver };

  /** A Bot API call as JSON (default), form-urlencoded, multipart or GET query. */
  async function call<T = unknown>(method: string, params: Record<string, unknown> = {}, how: 'json' | 'form' | 'get' = 'json', token = TOKEN): Promise<Answer<T>> {
    const base = `${t.tg.apiUrl}/bot${token}/${method}`;
    const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
    const res =
      how === 'get'
        ? await fetch(`${base}?${new URLSearchParams(flat).toString()}`)
        : how === 'form'
          ? await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(flat).toString() })
          : await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return { status: res.status, body: (await res.json()) as Answer<T>['body'] };
  }

  async function upload<T = TgMessage>(method: string, fields: Record<string, string>, file: { field: string; bytes: Buffer; name: string; mime: string }): Promise<Answer<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append(file.field, new Blob([file.bytes], { type: file.mime }), file.name);
    const res = await fetch(`${t.tg.apiUrl}/bot${TOKEN}/${method}`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as Answer<T>['body'] };
  }

  async function download(filePath: string, token = TOKEN): Promise<{ status: number; bytes: Buffer }> {
    const res = await fetch(`${t.tg.apiUrl}/file/bot${token}/${filePath}`);
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  async function connect(secret = 'S3cret_token-1'): Promise<void> {
    const set = await call('setWebhook', { url: t.hook.url, secret_token: secret, allowed_updates: ['message', 'edited_message', 'my_chat_member'] });
    expect(set).toEqual({ status: 200, body: { ok: true, result: true, description: 'Webhook was set' } });
  }


  return {
    get tg(): TelegramFake {
      return t.tg;
    },
    get hook(): WebhookReceiver {
      return t.hook;
    },
    async setup(): Promise<void> {
      t.tg = await TelegramFake.start({ webhookRetry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 } });
      t.hook = await WebhookReceiver.start();
      t.tg.addBot({ token: TOKEN, username: 'parley_shop_bot', firstName: 'Parley Shop' });
      t.tg.addBot({ token: OTHER, username: 'other_bot' });
      t.tg.addCustomer({ id: ANN, firstName: 'Ann', lastName: 'B', username: 'ann', photo: Buffer.from('ann-avatar') });
      t.tg.addCustomer({ id: BOB, firstName: 'Bob' });
    },
    async teardown(): Promise<void> {
      await t.tg.stop();
      await t.hook.stop();
    },
    call,
    upload,
    download,
    connect,
  };
}
