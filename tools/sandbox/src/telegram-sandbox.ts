import type { IncomingMessage, ServerResponse } from 'node:http';
import { TelegramFake, type TgCustomerContent, type TgMessage, type TgUpdateRecord } from '@parley/testing';
import { fileList, HttpError, optionalString, proxyTo, readJson } from './sandbox-http';
import { TELEGRAM_SANDBOX_PAGE } from './telegram-sandbox-page';
import {
  avatarPng,
  DEMO_TG_CUSTOMERS,
  loadTelegramSnapshot,
  newBot,
  restoreTelegramSnapshot,
  saveTelegramSnapshot,
  takeTelegramSnapshot,
  type SandboxBot,
  type SandboxTgCustomer,
} from './telegram-sandbox-state';

export interface TgSandboxMessageView {
  id: number;
  date: number;
  editDate?: number;
  /** customer: written on the page; bot: sent by Parley through the Bot API. */
  from: 'customer' | 'bot';
  text?: string;
  caption?: string;
  replyTo?: number;
  attachments: Array<{ type: string; url?: string; title?: string }>;
  delivery?: { state: 'delivering' | 'delivered' | 'failed' | 'dropped' | 'not-sent'; detail?: string };
}

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * The Telegram half of the messenger sandbox: a Telegram fake with one demo bot, served on the sandbox's port.
 * `/bot<token>/*` and `/file/bot<token>/*` are the Bot API (proxied to the fake: TELEGRAM_API_URL is the sandbox's
 * base URL), `/telegram` the page where a person writes as a Telegram user, `/sandbox/api/telegram/*` its JSON API.
 * Parley registers its webhook itself (setWebhook), so there is nothing to paste except the bot token.
 */
export class TelegramSandbox {
  private readonly deliveries = new Map<string, TgUpdateRecord>();
  private saveTimer: NodeJS.Timeout | undefined;
  private lastSaved = '';

  private constructor(
    readonly fake: TelegramFake,
    readonly bot: SandboxBot,
    private readonly customers: SandboxTgCustomer[],
    private readonly stateFile: string | undefined,
  ) {}

  static async start(options: { stateFile?: string }): Promise<{ telegram: TelegramSandbox; restored: boolean }> {
    const fake = await TelegramFake.start({ webhookRetry: { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 8000, timeoutMs: 10_000 } });
    const snapshot = options.stateFile ? await loadTelegramSnapshot(options.stateFile) : undefined;
    let bot: SandboxBot;
    let customers: SandboxTgCustomer[];
    if (snapshot) {
      restoreTelegramSnapshot(fake, snapshot);
      bot = { ...snapshot.bot };
      customers = [...snapshot.customers];
    } else {
      bot = newBot();
      customers = DEMO_TG_CUSTOMERS.map((c) => ({ ...c }));
      fake.addBot(bot);
      for (const c of customers) fake.addCustomer({ ...c, photo: avatarPng(c.id) });
    }
    const telegram = new TelegramSandbox(fake, bot, customers, options.stateFile);
    if (options.stateFile) {
      await telegram.save();
      // Parley's sends and setWebhook change the fake without the sandbox seeing them: save what changed.
      telegram.saveTimer = setInterval(() => void telegram.save(), 2000);
      telegram.saveTimer.unref();
    }
    return { telegram, restored: snapshot !== undefined };
  }

  /** Whether a path belongs to the Telegram side. */
  handles(pathname: string): boolean {
    return pathname.startsWith('/bot') || pathname.startsWith('/file/bot') || pathname === '/telegram' || pathname.startsWith('/sandbox/api/telegram/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname;
    if (p.startsWith('/bot') || p.startsWith('/file/bot')) {
      proxyTo(this.fake.baseUrl, req, res);
      return;
    }
    if (p === '/telegram' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(TELEGRAM_SANDBOX_PAGE);
      return;
    }
    const result = await this.api(req.method ?? 'GET', p.slice('/sandbox/api/telegram/'.length), url, req);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(result));
  }

  async stop(): Promise<void> {
    if (this.saveTimer) clearInterval(this.saveTimer);
    await this.fake.stop();
    await this.save();
  }

  async save(): Promise<void> {
    if (!this.stateFile) return;
    const snapshot = takeTelegramSnapshot(this.fake, this.bot, this.customers);
    const key = JSON.stringify([snapshot.webhook, snapshot.nextUpdateId, snapshot.customers.length, snapshot.chats.map((c) => [c.nextMessageId, c.blocked, c.messages.at(-1)?.edit_date])]);
    if (key === this.lastSaved) return;
    await saveTelegramSnapshot(this.stateFile, snapshot);
    this.lastSaved = key;
  }

  // ---- the page's API -----------------------------------------------------------------------------------------

  private async api(method: string, route: string, url: URL, req: IncomingMessage): Promise<unknown> {
    if (method === 'GET' && route === 'state') return this.stateView();
    if (method === 'GET' && route === 'messages') {
      const customerId = this.customerId(url.searchParams.get('customerId'));
      return { messages: this.fake.messages(this.bot.token, customerId).map((m) => this.messageView(m)), blocked: this.blocked(customerId) };
    }
    if (method !== 'POST') throw new HttpError(404, `no ${method} /sandbox/api/telegram/${route}`);
    const body = await readJson(req);
    if (route === 'customers') return this.addCustomer(body);
    const customerId = this.customerId(body['customerId']);
    const customer = this.customers.find((c) => c.id === customerId) as SandboxTgCustomer;
    switch (route) {
      case 'messages': {
        const text = optionalString(body, 'text');
        const files = fileList(body);
        if (text.trim() === '' && files.length === 0) throw new HttpError(400, 'write a text or attach a file');
        const contents: TgCustomerContent[] = [];
        const captionFits = files.length > 0 && text.length <= 1024;
        if (text.trim() !== '' && !captionFits) contents.push({ text });
        files.forEach((f, i) => contents.push(fileContent(f, i === 0 && captionFits ? text : '')));
        const ids: number[] = [];
        for (const content of contents) ids.push(this.send(customerId, content));
        return { ids };
      }
      case 'location':
        return { ids: [this.send(customerId, { location: { latitude: 55.7558, longitude: 37.6173 } })] };
      case 'contact':
        return { ids: [this.send(customerId, { contact: { phoneNumber: customer.phone, firstName: customer.firstName, ...(customer.lastName ? { lastName: customer.lastName } : {}), userId: customer.id } })] };
      case 'sticker':
        return { ids: [this.send(customerId, { sticker: { emoji: '👍', bytes: avatarPng(customerId) } })] };
      case 'edit': {
        const messageId = Number(body['messageId']);
        const text = optionalString(body, 'text');
        if (text.trim() === '') throw new HttpError(400, 'write the new text');
        const original = this.fake.messages(this.bot.token, customerId).find((m) => m.message_id === messageId && !m.from.is_bot);
        if (!original) throw new HttpError(400, `no message ${String(body['messageId'])} of this customer`);
        const edit = original.text === undefined ? { caption: text } : { text };
        const { update } = await this.fake.editMessage({ bot: this.bot.token, customerId, messageId, ...edit, wait: false });
        return { id: messageId, updateId: update.update.update_id };
      }
      case 'block':
      case 'unblock': {
        const input = { bot: this.bot.token, customerId };
        const { update } = route === 'block' ? await this.fake.block(input) : await this.fake.unblock(input);
        await this.save();
        return { status: update.status, blocked: route === 'block' };
      }
      default:
        throw new HttpError(404, `no POST /sandbox/api/telegram/${route}`);
    }
  }

  /**
   * Queues the customer's message and tracks its webhook delivery for the page. With `wait: false` the fake stores
   * the message and its update synchronously, so both are the chat's and the bot's last ones right after the call.
   */
  private send(customerId: number, content: TgCustomerContent): number {
    void this.fake.customerSends({ bot: this.bot.token, customerId, ...content, wait: false });
    const message = this.fake.messages(this.bot.token, customerId).at(-1);
    const record = this.fake.updates(this.bot.token).at(-1);
    if (!message || !record) throw new HttpError(500, 'the message was not stored');
    this.deliveries.set(`${customerId}:${message.message_id}`, record);
    return message.message_id;
  }

  private addCustomer(body: Record<string, unknown>): SandboxTgCustomer {
    const firstName = optionalString(body, 'firstName').trim() || 'New';
    const lastName = optionalString(body, 'lastName').trim();
    const username = optionalString(body, 'username').trim().replace(/^@/, '');
    const id = Math.max(500_000_100, ...this.customers.map((c) => c.id)) + 1;
    const customer: SandboxTgCustomer = { id, firstName, phone: `+4477009${String(id).slice(-5)}`, ...(lastName ? { lastName } : {}), ...(username ? { username } : {}) };
    this.fake.addCustomer({ ...customer, photo: avatarPng(id) });
    this.customers.push(customer);
    void this.save();
    return customer;
  }

  private customerId(raw: unknown): number {
    const id = Number(raw);
    if (!this.customers.some((c) => c.id === id)) throw new HttpError(400, `unknown customer ${String(raw)}`);
    return id;
  }

  private blocked(customerId: number): boolean {
    return this.fake.store.bot(this.bot.token).chats.get(customerId)?.blocked ?? false;
  }

  private stateView(): unknown {
    const info = this.fake.webhookInfo(this.bot.token);
    return {
      bot: this.bot,
      webhook: { url: info.url ?? null, secretSet: info.secretToken !== undefined, pending: info.pending, lastError: info.lastError ?? null, allowedUpdates: info.allowedUpdates ?? null },
      customers: this.customers.map((c) => ({ ...c, blocked: this.blocked(c.id) })),
    };
  }

  private messageView(m: TgMessage): TgSandboxMessageView {
    const fromBot = m.from.is_bot;
    const record = fromBot ? undefined : this.deliveries.get(`${m.chat.id}:${m.message_id}`);
    return {
      id: m.message_id,
      date: m.date,
      from: fromBot ? 'bot' : 'customer',
      attachments: this.attachments(m),
      ...(m.edit_date === undefined ? {} : { editDate: m.edit_date }),
      ...(m.text === undefined ? {} : { text: m.text }),
      ...(m.caption === undefined ? {} : { caption: m.caption }),
      ...(m.reply_to_message ? { replyTo: m.reply_to_message.message_id } : {}),
      ...(record ? { delivery: this.deliveryView(record) } : {}),
    };
  }

  private deliveryView(record: TgUpdateRecord): NonNullable<TgSandboxMessageView['delivery']> {
    const last = record.attempts.at(-1);
    const detail = last ? `${record.attempts.length} attempt(s); last: ${last.error ?? `HTTP ${String(last.status)}`}` : undefined;
    if (record.status === 'delivered') return { state: 'delivered' };
    if (record.status === 'failed' || record.status === 'dropped') return { state: record.status, ...(detail ? { detail } : {}) };
    if (record.status !== 'queued') return { state: 'not-sent', detail: record.status };
    if (!this.fake.webhookInfo(this.bot.token).url) return { state: 'not-sent', detail: 'no webhook yet: connect the bot in Parley (it calls setWebhook)' };
    return { state: 'delivering', ...(detail ? { detail } : {}) };
  }

  /** Files link to `/file/bot<token>/<file_path>` on this server (the Bot API's own download path). */
  private attachments(m: TgMessage): TgSandboxMessageView['attachments'] {
    const url = (fileId: string | undefined): { url?: string } => {
      const path = fileId === undefined ? undefined : this.fake.store.files.get(fileId)?.path;
      return path ? { url: `/file/bot${this.bot.token}/${path}` } : {};
    };
    const out: TgSandboxMessageView['attachments'] = [];
    if (m.photo) out.push({ type: 'photo', ...url(m.photo.at(-1)?.file_id) });
    if (m.sticker) out.push({ type: 'sticker', title: m.sticker.emoji ?? 'sticker', ...url(m.sticker.file_id) });
    for (const kind of ['document', 'voice', 'audio', 'video'] as const) {
      const file = m[kind];
      if (file) out.push({ type: kind, title: ('file_name' in file ? file.file_name : undefined) ?? kind, ...url(file.file_id) });
    }
    if (m.location) out.push({ type: 'location', title: `📍 ${m.location.latitude}, ${m.location.longitude}` });
    if (m.contact) out.push({ type: 'contact', title: `👤 ${m.contact.first_name} ${m.contact.last_name ?? ''} ${m.contact.phone_number}`.replace(/\s+/g, ' ') });
    return out;
  }
}

/** A file from the page as the content a Telegram client would make of it. */
function fileContent(f: { name: string; mime: string; bytes: Buffer }, caption: string): TgCustomerContent {
  const withCaption = caption === '' ? {} : { caption };
  if (f.mime.startsWith('image/') && f.mime !== 'image/gif' && f.bytes.length <= MAX_PHOTO_BYTES) return { photo: { bytes: f.bytes, mime: f.mime }, ...withCaption };
  if (f.mime.startsWith('video/')) return { video: { bytes: f.bytes, fileName: f.name, mime: f.mime }, ...withCaption };
  if (f.mime === 'audio/ogg') return { voice: { bytes: f.bytes, mime: f.mime }, ...withCaption };
  if (f.mime.startsWith('audio/')) return { audio: { bytes: f.bytes, fileName: f.name, mime: f.mime, title: f.name }, ...withCaption };
  return { document: { bytes: f.bytes, fileName: f.name, mime: f.mime }, ...withCaption };
}
