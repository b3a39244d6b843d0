import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VkFake, type VkAttachment, type VkCustomerAttachmentInput, type VkMessage } from '@parley/testing';
import { fileList, HttpError, optionalString, proxyTo, readJson, stringField } from './sandbox-http';
import { SANDBOX_PAGE } from './sandbox-page';
import {
  DEMO_CUSTOMERS,
  loadSnapshot,
  newCommunity,
  restoreSnapshot,
  saveSnapshot,
  takeSnapshot,
  type SandboxCommunity,
  type SandboxCustomer,
} from './sandbox-state';
import { TelegramSandbox } from './telegram-sandbox';
import { ViberSandbox } from './viber-sandbox';

export interface SandboxOptions {
  port: number;
  /** Host to listen on (default all interfaces' loopback `127.0.0.1`... `localhost` resolves there). */
  host?: string;
  /** JSON state file; undefined keeps everything in memory. */
  stateFile?: string;
  /** The Telegram side's state file (default: beside `stateFile`, `<name>-telegram.json`). */
  telegramStateFile?: string;
  /** The Viber side's state file (default: beside `stateFile`, `<name>-viber.json`). */
  viberStateFile?: string;
  /** Shown as a hint on the page (the gateway's public base URL). */
  webhookBaseHint?: string;
}

/** Delivery status of a customer's message to Parley's webhook, as the page shows it. */
type DeliveryState = { state: 'delivering' } | { state: 'delivered' } | { state: 'failed'; detail: string } | { state: 'not-sent'; detail: string };

export interface SandboxMessageView {
  id: number;
  date: number;
  /** customer: the customer wrote it; parley: sent through messages.send; vk-admin: answered inside VK. */
  from: 'customer' | 'parley' | 'vk-admin';
  text: string;
  attachments: Array<{ type: 'photo' | 'doc' | 'other'; url?: string; title?: string }>;
  delivery?: DeliveryState;
}

/**
 * The messenger sandbox: a VK fake (API + Callback API sender) with one demo community, fronted on one port that
 * serves VK's API paths (`/method/*`, `/upload/*`, `/media/*`, proxied to the fake), a page where a person writes
 * as a VK customer (`/`) and the page's JSON API (`/sandbox/api/*`). The Telegram side (telegram-sandbox.ts) shares
 * the port: the Bot API at `/bot<token>/*` and `/file/bot<token>/*`, its page at `/telegram`; so does the Viber side
 * (viber-sandbox.ts): the REST Bot API at `/viber/pa/*`, its page at `/viber`.
 */
export class Sandbox {
  private readonly deliveries = new Map<number, DeliveryState>();
  private saveTimer: NodeJS.Timeout | undefined;
  private lastSaved = '';

  private constructor(
    readonly fake: VkFake,
    readonly telegram: TelegramSandbox,
    readonly viber: ViberSandbox,
    private readonly server: Server,
    readonly url: string,
    readonly community: SandboxCommunity,
    private readonly customers: SandboxCustomer[],
    private readonly options: SandboxOptions,
  ) {}

  static async start(options: SandboxOptions): Promise<{ sandbox: Sandbox; restored: boolean }> {
    const fake = await VkFake.start({ callbackRetry: { maxRetries: 3, delayMs: 500, timeoutMs: 10_000 } });
    const snapshot = options.stateFile ? await loadSnapshot(options.stateFile) : undefined;
    let community: SandboxCommunity;
    let customers: SandboxCustomer[];
    if (snapshot) {
      restoreSnapshot(fake, snapshot);
      community = { ...snapshot.community };
      customers = [...snapshot.customers];
    } else {
      community = newCommunity();
      customers = DEMO_CUSTOMERS.map((c) => ({ ...c }));
      fake.addCommunity({ id: community.id, name: community.name, token: community.token, secret: community.secret, confirmation: community.confirmation });
      for (const customer of customers) fake.addUser(customer);
    }
    const telegramStateFile = options.telegramStateFile ?? options.stateFile?.replace(/(\.json)?$/, '-telegram.json');
    const { telegram } = await TelegramSandbox.start(telegramStateFile ? { stateFile: telegramStateFile } : {});
    const viberStateFile = options.viberStateFile ?? options.stateFile?.replace(/(\.json)?$/, '-viber.json');
    const publicUrl = options.port === 0 ? undefined : `http://localhost:${options.port}`;
    const { viber } = await ViberSandbox.start({ ...(viberStateFile ? { stateFile: viberStateFile } : {}), ...(publicUrl ? { publicUrl } : {}) });
    const holder: { sandbox?: Sandbox } = {};
    const server = createServer((req, res) => {
      const sandbox = holder.sandbox;
      if (!sandbox) {
        res.writeHead(503).end();
        return;
      }
      sandbox.handle(req, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : 'internal error' }));
      });
    });
    const host = options.host ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const sandbox = new Sandbox(fake, telegram, viber, server, `http://localhost:${port}`, community, customers, options);
    holder.sandbox = sandbox;
    if (options.stateFile) {
      await sandbox.save();
      // messages.send from Parley changes the fake's history without the sandbox seeing it: save what changed.
      sandbox.saveTimer = setInterval(() => void sandbox.save(), 2000);
      sandbox.saveTimer.unref();
    }
    return { sandbox, restored: snapshot !== undefined };
  }

  /** The value for the gateway's `VK_API_URL`. */
  get apiUrl(): string {
    return `${this.url}/method`;
  }

  async stop(): Promise<void> {
    if (this.saveTimer) clearInterval(this.saveTimer);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.fake.stop();
    await this.telegram.stop();
    await this.viber.stop();
    await this.save();
  }

  async save(): Promise<void> {
    if (!this.options.stateFile) return;
    const snapshot = takeSnapshot(this.fake, this.community, this.customers);
    const key = `${snapshot.inbox.messages.length}:${snapshot.inbox.nextMessageId}:${snapshot.community.callbackUrl ?? ''}:${snapshot.customers.length}:${snapshot.inbox.denied.join(',')}:${snapshot.media.length}`;
    if (key === this.lastSaved) return;
    await saveSnapshot(this.options.stateFile, snapshot);
    this.lastSaved = key;
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const p = url.pathname;
    if (this.telegram.handles(p)) return this.telegram.handle(req, res, url);
    if (this.viber.handles(p)) return this.viber.handle(req, res, url);
    if (p.startsWith('/method/') || p.startsWith('/upload/') || p.startsWith('/media/')) {
      proxyTo(this.fake.baseUrl, req, res);
      return;
    }
    if (req.method === 'GET' && (p === '/' || p === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(SANDBOX_PAGE);
      return;
    }
    if (p.startsWith('/sandbox/api/')) {
      const result = await this.api(req.method ?? 'GET', p.slice('/sandbox/api/'.length), url, req);
      const json = JSON.stringify(result);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(json);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private async api(method: string, route: string, url: URL, req: IncomingMessage): Promise<unknown> {
    const groupId = this.community.id;
    if (method === 'GET' && route === 'state') return this.stateView();
    if (method === 'GET' && route === 'messages') {
      const userId = Number(url.searchParams.get('userId'));
      return { messages: this.fake.messages(groupId, userId).map((m) => this.messageView(m)), blocked: this.fake.store.community(groupId).denied.has(userId) };
    }
    if (method !== 'POST') throw new HttpError(404, `no ${method} /sandbox/api/${route}`);
    const body = await readJson(req);
    switch (route) {
      case 'callback': {
        const target = stringField(body, 'url').trim();
        if (!/^https?:\/\/\S+$/.test(target)) throw new HttpError(400, 'the server address must be an http(s) URL');
        this.fake.setCallbackUrl(groupId, target);
        this.community.callbackUrl = target;
        const answer = await this.fake.confirm(groupId);
        await this.save();
        return { ...answer, expected: this.community.confirmation };
      }
      case 'confirm': {
        if (!this.community.callbackUrl) throw new HttpError(400, 'no server address yet');
        return { ...(await this.fake.confirm(groupId)), expected: this.community.confirmation };
      }
      case 'customers': {
        const firstName = stringField(body, 'firstName').trim() || 'New';
        const lastName = stringField(body, 'lastName').trim() || 'Customer';
        const id = Math.max(1_000_000, ...this.customers.map((c) => c.id)) + 1;
        const customer = { id, firstName, lastName };
        this.fake.addUser(customer);
        this.customers.push(customer);
        await this.save();
        return customer;
      }
      case 'messages': {
        const userId = this.customerId(body);
        const text = optionalString(body, 'text');
        const files = fileList(body);
        if (text.trim() === '' && files.length === 0) throw new HttpError(400, 'write a text or attach a file');
        const attachments: VkCustomerAttachmentInput[] = files.map((f) =>
          f.mime.startsWith('image/') ? { type: 'photo', bytes: f.bytes, mime: f.mime } : { type: 'doc', bytes: f.bytes, title: f.name, mime: f.mime },
        );
        return this.deliver(() => this.fake.writeAsCustomer({ groupId, userId, text, attachments }));
      }
      case 'admin-reply': {
        const userId = this.customerId(body);
        const text = stringField(body, 'text');
        if (text.trim() === '') throw new HttpError(400, 'write a text');
        return this.deliver(() => this.fake.replyFromCommunity({ groupId, userId, text }));
      }
      case 'deny': {
        const delivery = await this.fake.deny({ groupId, userId: this.customerId(body) });
        await this.save();
        return { delivered: delivery?.delivered ?? false, sent: delivery !== undefined };
      }
      case 'allow': {
        const delivery = await this.fake.allow({ groupId, userId: this.customerId(body) });
        await this.save();
        return { delivered: delivery?.delivered ?? false, sent: delivery !== undefined };
      }
      default:
        throw new HttpError(404, `no POST /sandbox/api/${route}`);
    }
  }

  /**
   * Stores the message at once (the fake does that synchronously) and reports its webhook delivery through the
   * message list while VK's retries run.
   */
  private async deliver(start: () => ReturnType<VkFake['writeAsCustomer']>): Promise<{ id: number }> {
    const before = this.fake.messages(this.community.id).length;
    // The fake stores the message synchronously, before its first await (the callback delivery).
    const result = start().then(async ({ message, delivery }) => {
      if (!delivery) this.deliveries.set(message.id, { state: 'not-sent', detail: 'no Callback API server address set' });
      else if (delivery.delivered) this.deliveries.set(message.id, { state: 'delivered' });
      else {
        const last = delivery.attempts[delivery.attempts.length - 1];
        const detail = last?.error ?? `HTTP ${String(last?.status)} ${JSON.stringify((last?.body ?? '').slice(0, 120))}`;
        this.deliveries.set(message.id, { state: 'failed', detail: `${delivery.attempts.length} attempts; last: ${detail}` });
      }
      await this.save();
      return message;
    });
    const stored = this.fake.messages(this.community.id)[before];
    if (stored) {
      this.deliveries.set(stored.id, { state: 'delivering' });
      result.catch(() => undefined);
      return { id: stored.id };
    }
    return { id: (await result).id };
  }

  private customerId(body: Record<string, unknown>): number {
    const id = Number(body['userId']);
    if (!this.customers.some((c) => c.id === id)) throw new HttpError(400, `unknown customer ${String(body['userId'])}`);
    return id;
  }

  private stateView(): unknown {
    const denied = this.fake.store.community(this.community.id).denied;
    return {
      community: this.community,
      apiUrl: this.apiUrl,
      webhookBaseHint: this.options.webhookBaseHint ?? null,
      customers: this.customers.map((c) => ({ ...c, blocked: denied.has(c.id) })),
    };
  }

  private messageView(m: VkMessage): SandboxMessageView {
    const from: SandboxMessageView['from'] = m.out === 0 ? 'customer' : m.admin_author_id !== undefined ? 'vk-admin' : 'parley';
    const delivery = this.deliveries.get(m.id);
    return {
      id: m.id,
      date: m.date,
      from,
      text: m.text,
      attachments: m.attachments.map((a) => this.attachmentView(a)),
      ...(delivery ? { delivery } : {}),
    };
  }

  /** Media URLs point at the fake's own port; the page loads them through this server's `/media/` proxy. */
  private attachmentView(a: VkAttachment): SandboxMessageView['attachments'][number] {
    const local = (u: string): string => (u.startsWith(this.fake.baseUrl) ? u.slice(this.fake.baseUrl.length) : u);
    if (a.type === 'photo' && 'photo' in a) {
      const photo = (a as { photo: { sizes: Array<{ url: string; width: number }> } }).photo;
      const best = [...photo.sizes].sort((x, y) => y.width - x.width)[0];
      return best ? { type: 'photo', url: local(best.url) } : { type: 'photo' };
    }
    if (a.type === 'doc' && 'doc' in a) {
      const doc = (a as { doc: { title: string; url: string } }).doc;
      return { type: 'doc', title: doc.title, url: local(doc.url) };
    }
    return { type: 'other', title: a.type };
  }
}
