import type { IncomingMessage, ServerResponse } from 'node:http';
import { ViberFake, type ViberCallbackDelivery, type ViberInMessage, type ViberWriteAsCustomerInput } from '@parley/testing';
import { fileList, HttpError, optionalString, proxyTo, readJson } from './sandbox-http';
import { VIBER_SANDBOX_PAGE } from './viber-sandbox-page';
import { customerContent, type ViberSandboxMessageView } from './viber-sandbox-view';
import {
  addViberUser,
  DEMO_VIBER_USERS,
  loadViberSnapshot,
  newViberBot,
  restoreViberSnapshot,
  saveViberSnapshot,
  takeViberSnapshot,
  type SandboxViberBot,
  type SandboxViberUser,
  type ViberCustomerEntry,
} from './viber-sandbox-state';

/**
 * The Viber half of the messenger sandbox: a Viber fake with one demo bot, served on the sandbox's port.
 * `/viber/pa/*` is the REST Bot API (VIBER_API_URL = `<sandbox>/viber/pa`, proxied to the fake), `/viber` the page
 * where a person plays a Viber user, `/sandbox/api/viber/*` its JSON API. Parley calls set_webhook itself, so there
 * is nothing to paste except the auth token.
 */
export class ViberSandbox {
  private saveTimer: NodeJS.Timeout | undefined;
  private lastSaved = '';

  private constructor(
    readonly fake: ViberFake,
    readonly bot: SandboxViberBot,
    private readonly users: SandboxViberUser[],
    private readonly log: ViberCustomerEntry[],
    private readonly stateFile: string | undefined,
  ) {}

  /**
   * `publicUrl`: the sandbox's base URL; media URLs point at `<publicUrl>/viber/media/…` (proxied to the fake), the
   * same host as VIBER_API_URL, which is where gateway-viber accepts media from besides Viber's own hosts.
   */
  static async start(options: { stateFile?: string; publicUrl?: string }): Promise<{ viber: ViberSandbox; restored: boolean }> {
    const fake = await ViberFake.start({
      callbackRetry: { delayMs: 1000, retryWindowMs: 60_000, timeoutMs: 10_000 },
      ...(options.publicUrl === undefined ? {} : { mediaBaseUrl: `${options.publicUrl}/viber` }),
    });
    const snapshot = options.stateFile ? await loadViberSnapshot(options.stateFile) : undefined;
    let bot: SandboxViberBot;
    let users: SandboxViberUser[];
    let log: ViberCustomerEntry[] = [];
    if (snapshot) {
      restoreViberSnapshot(fake, snapshot);
      bot = { ...snapshot.bot };
      users = [...snapshot.users];
      log = [...snapshot.customerLog];
    } else {
      bot = newViberBot();
      users = DEMO_VIBER_USERS.map((u) => ({ ...u }));
      fake.addBot(bot);
      users.forEach((u, i) => addViberUser(fake, u, i + 1));
    }
    const viber = new ViberSandbox(fake, bot, users, log, options.stateFile);
    if (options.stateFile) {
      await viber.save();
      // Parley's sends and set_webhook change the fake without the sandbox seeing them: save what changed.
      viber.saveTimer = setInterval(() => void viber.save(), 2000);
      viber.saveTimer.unref();
    }
    return { viber, restored: snapshot !== undefined };
  }

  /** The deep link a company puts on its site. */
  get deepLink(): string {
    return `viber://pa?chatURI=${this.bot.uri}`;
  }

  handles(pathname: string): boolean {
    return pathname === '/viber' || pathname.startsWith('/viber/') || pathname.startsWith('/sandbox/api/viber/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname;
    if (p.startsWith('/viber/media/')) return proxyTo(this.fake.baseUrl, req, res, p.slice('/viber'.length));
    if (p.startsWith('/viber/pa/')) return proxyTo(this.fake.baseUrl, req, res, p.slice('/viber'.length) + url.search);
    if (p === '/viber' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(VIBER_SANDBOX_PAGE);
      return;
    }
    if (p === '/sandbox/api/viber/media' && req.method === 'GET') return this.media(url, res);
    if (!p.startsWith('/sandbox/api/viber/')) throw new HttpError(404, 'not found');
    const result = await this.api(req.method ?? 'GET', p.slice('/sandbox/api/viber/'.length), url, req);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(result));
  }

  async stop(): Promise<void> {
    if (this.saveTimer) clearInterval(this.saveTimer);
    await this.fake.stop();
    await this.save();
  }

  async save(): Promise<void> {
    if (!this.stateFile) return;
    const snapshot = takeViberSnapshot(this.fake, this.bot, this.users, this.log);
    const key = JSON.stringify([snapshot.webhook, snapshot.subscribed, snapshot.users.length, snapshot.customerLog.map((e) => e.delivery.state), snapshot.sent.map((m) => m.state)]);
    if (key === this.lastSaved) return;
    await saveViberSnapshot(this.stateFile, snapshot);
    this.lastSaved = key;
  }

  // ---- the page's API -----------------------------------------------------------------------------------------

  private async api(method: string, route: string, url: URL, req: IncomingMessage): Promise<unknown> {
    if (method === 'GET' && route === 'state') return this.stateView();
    if (method === 'GET' && route === 'messages') {
      const userId = this.userId(url.searchParams.get('userId'));
      return { messages: this.messages(userId), subscribed: this.subscribed(userId) };
    }
    if (method !== 'POST') throw new HttpError(404, `no ${method} /sandbox/api/viber/${route}`);
    const body = await readJson(req);
    if (route === 'users') return this.addUser(body);
    const userId = this.userId(body['userId']);
    const authToken = this.bot.authToken;
    switch (route) {
      case 'open':
        return this.track(userId, 'conversation_started', undefined, this.fake.openChat({ authToken, userId, context: 'sandbox-page' }));
      case 'messages': {
        const text = optionalString(body, 'text');
        const files = fileList(body);
        if (text.trim() === '' && files.length === 0) throw new HttpError(400, 'write a text or attach a file');
        const sent: string[] = [];
        // Viber sends a picture's text as its caption; a file carries no text, so the text goes first on its own.
        const first = files[0];
        const caption = first !== undefined && first.mime.startsWith('image/') && text.length <= 120;
        if (text.trim() !== '' && !caption) sent.push(this.write(userId, { type: 'text', text }));
        files.forEach((f, i) => {
          const message: ViberWriteAsCustomerInput['message'] = f.mime.startsWith('image/')
            ? { type: 'picture', bytes: f.bytes, mime: f.mime, fileName: f.name, ...(i === 0 && caption ? { text } : {}) }
            : f.mime.startsWith('video/')
              ? { type: 'video', bytes: f.bytes, fileName: f.name }
              : { type: 'file', bytes: f.bytes, fileName: f.name, mime: f.mime };
          sent.push(this.write(userId, message));
        });
        return { tokens: sent };
      }
      case 'sticker':
        return { token: this.write(userId, { type: 'sticker', stickerId: 40133 }) };
      case 'contact':
        return { token: this.write(userId, { type: 'contact', name: this.user(userId).name, phoneNumber: `+38050${userId.length}${String(this.users.indexOf(this.user(userId)) + 1).padStart(6, '0')}` }) };
      case 'location':
        return { token: this.write(userId, { type: 'location', lat: 50.4501, lon: 30.5234, address: 'Khreshchatyk St, Kyiv' }) };
      case 'seen':
        await this.fake.seeAll({ authToken, userId });
        return { seen: true };
      case 'unsubscribe':
        return this.track(userId, 'unsubscribed', undefined, this.fake.unsubscribe({ authToken, userId }));
      case 'subscribe':
        return this.track(userId, 'subscribed', undefined, this.fake.subscribe({ authToken, userId }));
      default:
        throw new HttpError(404, `no POST /sandbox/api/viber/${route}`);
    }
  }

  /** A customer's message: logged at once (delivering), its callback delivery noted when Viber's retries end. */
  private write(userId: string, message: ViberWriteAsCustomerInput['message']): string {
    const token = this.fake.store.token();
    const pending = this.fake.writeAsCustomer({ authToken: this.bot.authToken, userId, message, messageToken: token });
    const entry = this.entry(userId, token.toString(), 'message');
    void pending.then(
      (r) => {
        entry.message = r.message;
        this.settle(entry, r.delivery);
      },
      (err: unknown) => this.settle(entry, undefined, err instanceof Error ? err.message : String(err)),
    );
    return entry.token;
  }

  private track(userId: string, kind: ViberCustomerEntry['kind'], message: ViberInMessage | undefined, pending: Promise<ViberCallbackDelivery | undefined>): { token: string } {
    const entry = this.entry(userId, '', kind);
    if (message) entry.message = message;
    void pending.then(
      (d) => this.settle(entry, d),
      (err: unknown) => this.settle(entry, undefined, err instanceof Error ? err.message : String(err)),
    );
    return { token: entry.token };
  }

  private entry(userId: string, token: string, kind: ViberCustomerEntry['kind']): ViberCustomerEntry {
    const entry: ViberCustomerEntry = { userId, token, at: Date.now(), kind, delivery: { state: 'delivering' } };
    this.log.push(entry);
    return entry;
  }

  private settle(entry: ViberCustomerEntry, delivery: ViberCallbackDelivery | undefined, error?: string): void {
    if (error !== undefined) entry.delivery = { state: 'failed', detail: error };
    else if (!delivery) entry.delivery = { state: 'not-sent', detail: 'no webhook yet: connect the bot in Parley (it calls set_webhook)' };
    else if (delivery.delivered) entry.delivery = { state: 'delivered' };
    else {
      const last = delivery.attempts.at(-1);
      entry.delivery = { state: 'failed', detail: `${delivery.attempts.length} attempt(s); last: ${last?.error ?? `HTTP ${String(last?.status)}`}` };
    }
    void this.save();
  }

  private messages(userId: string): ViberSandboxMessageView[] {
    const mine: ViberSandboxMessageView[] = this.log
      .filter((e) => e.userId === userId)
      .map((e) => ({
        token: e.token,
        at: e.at,
        from: 'customer',
        kind: e.kind,
        state: e.delivery.state,
        ...(e.delivery.detail === undefined ? {} : { detail: e.delivery.detail }),
        ...(e.message ? customerContent(e.message, this.fake.store.baseUrl) : {}),
      }));
    const bots: ViberSandboxMessageView[] = this.fake.sentMessages(userId, this.bot.authToken).map((m) => ({
      token: m.messageToken.toString(),
      at: m.at,
      from: 'bot',
      kind: 'bot-message',
      type: m.type,
      senderName: m.senderName,
      state: m.state,
      ...(m.text === undefined ? {} : { text: m.text }),
      ...(m.type === 'picture' && m.media ? { picture: m.mediaBytes ? `/sandbox/api/viber/media?sent=${m.messageToken.toString()}` : m.media } : {}),
      ...(m.type === 'file' || m.type === 'video' ? { file: { name: m.fileName ?? m.type, ...(m.media ? { url: m.media } : {}) } } : {}),
    }));
    return [...mine, ...bots].sort((a, b) => a.at - b.at);
  }

  private media(url: URL, res: ServerResponse): void {
    const sent = url.searchParams.get('sent');
    if (sent !== null && /^\d+$/.test(sent)) {
      const found = this.fake.store.findSent(BigInt(sent))?.message;
      if (found?.mediaBytes) {
        res.writeHead(200, { 'content-type': found.mediaMime ?? 'application/octet-stream' }).end(found.mediaBytes);
        return;
      }
    }
    const stored = this.fake.store.media.get(url.searchParams.get('path') ?? '');
    if (!stored) throw new HttpError(404, 'no such media (customer media is not kept across restarts)');
    res.writeHead(200, { 'content-type': stored.mime }).end(stored.bytes);
  }

  private addUser(body: Record<string, unknown>): SandboxViberUser {
    const name = optionalString(body, 'name').trim().slice(0, 28) || 'New Viber user';
    const user: SandboxViberUser = { id: Buffer.from(`sandboxUser${this.users.length + 1}`).toString('base64'), name };
    this.users.push(user);
    addViberUser(this.fake, user, this.users.length);
    void this.save();
    return user;
  }

  private user(id: string): SandboxViberUser {
    return this.users.find((u) => u.id === id) as SandboxViberUser;
  }

  private userId(raw: unknown): string {
    if (typeof raw !== 'string' || !this.users.some((u) => u.id === raw)) throw new HttpError(400, `unknown Viber user ${String(raw)}`);
    return raw;
  }

  private subscribed(userId: string): boolean {
    return this.fake.store.bot(this.bot.authToken).subscribed.has(userId);
  }

  private stateView(): unknown {
    const webhook = this.fake.webhook(this.bot.authToken);
    return {
      bot: { ...this.bot, deepLink: this.deepLink },
      apiUrlPath: '/viber/pa',
      webhook: webhook ? { url: webhook.url, eventTypes: webhook.eventTypes } : null,
      users: this.users.map((u) => ({ ...u, subscribed: this.subscribed(u.id) })),
    };
  }
}

export type { ViberSandboxMessageView } from './viber-sandbox-view';
