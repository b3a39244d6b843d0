import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GraphApiError } from './meta-fake.errors';
import { customerMessageEvent, echoEvent, fieldOf } from './meta-fake.events';
import { MetaFaultInjector, MetaRateLimiter } from './meta-fake.faults';
import { playTransportFault } from '../shared/fault-queue';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { readObject, subscribedApps } from './meta-fake.graph';
import { handleSend, sendFields } from './meta-fake.send';
import { MetaFakeStore, type AccountState } from './meta-fake.store';
import type {
  MetaAccountConfig, MetaApiCallRecord, MetaFakeOptions, MetaFault, MetaMessagingEvent, MetaSentMessage, MetaUserConfig,
  MetaWebhookDelivery, MetaWebhookEntry, MetaWebhookRetryPolicy, MetaWriteAsCustomerInput,
} from './meta-fake.types';
import { defaultWebhookRetryPolicy, MetaWebhookSender, verifyWebhookAt } from './meta-fake.webhook-sender';

/** The Page Inbox app: echoes of replies a person wrote in Meta Business Suite carry this app_id. */
export const PAGE_INBOX_APP_ID = '263902037430900';
export const META_FAKE_VERSION = 'v26.0';

/**
 * A faithful fake of the Graph API parts Messenger and Instagram messaging use, and of Meta's webhooks, over real
 * HTTP on 127.0.0.1 (see README.md next to this file).
 */
export class MetaFake {
  readonly store: MetaFakeStore;
  readonly version: string;
  readonly appId: string;
  private readonly faults = new MetaFaultInjector();
  private readonly limiter = new MetaRateLimiter();
  private readonly sender: MetaWebhookSender;
  private readonly record: MetaApiCallRecord[] = [];
  private clock: () => number;

  private constructor(private readonly server: Server, readonly baseUrl: string, options: MetaFakeOptions) {
    this.version = options.version ?? META_FAKE_VERSION;
    this.appId = options.appId ?? '1122334455667788';
    this.store = new MetaFakeStore(baseUrl, { appId: this.appId, appSecret: options.appSecret ?? 'fake-app-secret' });
    this.sender = new MetaWebhookSender({ ...defaultWebhookRetryPolicy, ...options.webhookRetry });
    this.clock = options.now ?? Date.now;
  }

  static async start(options: MetaFakeOptions = {}): Promise<MetaFake> {
    const holder: { fake?: MetaFake } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.fake?.handle(req, res));
    holder.fake = new MetaFake(server, baseUrl, options);
    return holder.fake;
  }

  /** The value for `META_API_URL` (graph.facebook.com); the client appends `/<version>/…`. */
  get graphUrl(): string {
    return this.baseUrl;
  }

  /** The graph.instagram.com-style base (Instagram Login), served by the same fake. */
  get instagramUrl(): string {
    return `${this.baseUrl}/ig`;
  }

  async stop(): Promise<void> {
    await this.sender.idle();
    await closeFakeHttp(this.server);
  }

  now(): number {
    return this.clock();
  }

  /** Moves the fake's clock (reply windows, timestamps). */
  setNow(now: number | (() => number)): void {
    this.clock = typeof now === 'number' ? () => now : now;
  }

  // ---- configuration ------------------------------------------------------------------------------------------

  addPage(config: MetaAccountConfig): AccountState {
    return this.store.addAccount('page', config);
  }

  addInstagramAccount(config: MetaAccountConfig): AccountState {
    return this.store.addAccount('instagram', config);
  }

  addUser(config: MetaUserConfig): void {
    this.store.addUser(config);
  }

  setWebhookUrl(accountId: string, url: string | undefined): void {
    const a = this.store.account(accountId);
    a.config = { ...a.config, webhookUrl: url };
  }

  setWebhookRetry(policy: Partial<MetaWebhookRetryPolicy>): void {
    this.sender.setPolicy(policy);
  }

  subscribedFields(accountId: string): string[] {
    return [...this.store.account(accountId).subscribedFields].sort();
  }

  // ---- the customer's side ------------------------------------------------------------------------------------

  /** A customer writes: the window opens, and (unless `deliver: false`) the event is posted. */
  async writeAsCustomer(input: MetaWriteAsCustomerInput): Promise<{ event: MetaMessagingEvent; entry: MetaWebhookEntry; delivery?: MetaWebhookDelivery }> {
    const account = this.store.account(input.accountId);
    this.store.user(input.userId);
    const event = customerMessageEvent(this.store, account, input, this.now());
    account.knownUsers.add(input.userId);
    account.lastCustomerAt.set(input.userId, Math.max(account.lastCustomerAt.get(input.userId) ?? 0, event.timestamp));
    return this.emit(account, event, input.standby === true, input.deliver);
  }

  /** A person answers in the Page Inbox / Instagram app: an echo with that app's id (Messenger: Page Inbox by default; Instagram: none). */
  async replyFromInbox(input: { accountId: string; userId: string; text: string; appId?: string; deliver?: boolean }) {
    const account = this.store.account(input.accountId);
    const sent: MetaSentMessage = { mid: this.store.newMid(), accountId: account.config.id, recipientId: input.userId, messagingType: 'RESPONSE', text: input.text, at: this.now() };
    account.sent.push(sent);
    return this.emit(account, echoEvent(account, sent, input.appId ?? (account.platform === 'page' ? PAGE_INBOX_APP_ID : undefined)), false, input.deliver);
  }

  async postback(input: { accountId: string; userId: string; title: string; payload: string; deliver?: boolean }) {
    const account = this.store.account(input.accountId);
    account.lastCustomerAt.set(input.userId, this.now());
    account.knownUsers.add(input.userId);
    const event: MetaMessagingEvent = { sender: { id: input.userId }, recipient: { id: account.config.id }, timestamp: this.now(), postback: { mid: this.store.newMid(), title: input.title, payload: input.payload } };
    return this.emit(account, event, false, input.deliver);
  }

  async react(input: { accountId: string; userId: string; mid: string; emoji?: string; action?: 'react' | 'unreact'; deliver?: boolean }) {
    const account = this.store.account(input.accountId);
    const action = input.action ?? 'react';
    const event: MetaMessagingEvent = {
      sender: { id: input.userId }, recipient: { id: account.config.id }, timestamp: this.now(),
      reaction: { mid: input.mid, action, ...(action === 'react' ? { emoji: input.emoji ?? '❤', reaction: 'love' } : {}) },
    };
    return this.emit(account, event, false, input.deliver);
  }

  /** The customer's device got every message sent to it so far (`delivery{mids, watermark}`). */
  async markDelivered(input: { accountId: string; userId: string; deliver?: boolean }) {
    const account = this.store.account(input.accountId);
    const mids = account.undelivered.get(input.userId) ?? [];
    account.undelivered.set(input.userId, []);
    const event: MetaMessagingEvent = { sender: { id: input.userId }, recipient: { id: account.config.id }, timestamp: this.now(), delivery: { mids, watermark: this.now() } };
    return this.emit(account, event, false, input.deliver);
  }

  /** The customer read: Messenger `read{watermark}`, Instagram `messaging_seen` `read{mid}` of the last message sent. */
  async markRead(input: { accountId: string; userId: string; deliver?: boolean }) {
    const account = this.store.account(input.accountId);
    const last = account.sent.filter((s) => s.recipientId === input.userId).at(-1);
    const read = account.platform === 'page' ? { watermark: this.now() } : { mid: last?.mid ?? '' };
    const event: MetaMessagingEvent = { sender: { id: input.userId }, recipient: { id: account.config.id }, timestamp: this.now(), read };
    return this.emit(account, event, false, input.deliver);
  }

  /** Posts one body with these entries (a batch), signed for the first entry's account unless `signature` is given. */
  sendEntries(accountId: string, entries: MetaWebhookEntry[], options: { maxRetries?: number; signature?: string; appSecret?: string } = {}): Promise<MetaWebhookDelivery> {
    const account = this.store.account(accountId);
    const body = JSON.stringify({ object: account.platform, entry: entries });
    return this.post(account, body, options);
  }

  /** Posts any raw body to the account's webhook (malformed payloads, replays). */
  sendRaw(accountId: string, body: string, options: { maxRetries?: number; signature?: string; appSecret?: string } = {}): Promise<MetaWebhookDelivery> {
    return this.post(this.store.account(accountId), body, options);
  }

  /** Meta's verification request: GET `?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`; ok when the challenge comes back. */
  async verifyWebhook(accountId: string, verifyToken?: string): Promise<{ ok: boolean; status?: number; body: string }> {
    const account = this.store.account(accountId);
    if (!account.config.webhookUrl) throw new Error(`Meta fake: account ${accountId} has no webhook URL`);
    return verifyWebhookAt(account.config.webhookUrl, verifyToken ?? account.config.verifyToken ?? '');
  }

  // ---- faults and the record ----------------------------------------------------------------------------------

  /** The next `times` calls of `path` (`/me/messages`, `/me`, `*`) answer a Graph error (613, 190, 10/2018278, 2 …). */
  failNext(path: string, code: number, subcode?: number, times = 1): void {
    this.faults.add(path, { kind: 'error', code, ...(subcode === undefined ? {} : { subcode }) }, times);
  }

  inject(path: string, fault: MetaFault, times = 1): void {
    this.faults.add(path, fault, times);
  }

  /** Per-token limit (off by default): over it, 613. */
  setRateLimit(options: { calls: number; perMs: number } | undefined): void {
    this.limiter.configure(options);
  }

  calls(path?: string): MetaApiCallRecord[] {
    return this.record.filter((c) => path === undefined || c.path === path);
  }

  /** Messages sent through the Send API (not inbox replies) to a user. */
  sentMessages(userId?: string): MetaSentMessage[] {
    return [...this.store.accounts.values()].flatMap((a) => a.sent).filter((s) => s.viaApi === true && (userId === undefined || s.recipientId === userId));
  }

  webhooks(accountId?: string): MetaWebhookDelivery[] {
    return this.sender.deliveries.filter((d) => accountId === undefined || d.accountId === accountId);
  }

  idle(): Promise<void> {
    return this.sender.idle();
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private async emit(account: AccountState, event: MetaMessagingEvent, standby: boolean, deliver = true) {
    const entry: MetaWebhookEntry = { id: account.config.id, time: this.now(), [standby ? 'standby' : 'messaging']: [event] };
    const subscribed = account.subscribedFields.has(fieldOf(account, event, standby));
    if (!deliver || !subscribed || !account.config.webhookUrl) return { event, entry };
    const delivery = await this.sendEntries(account.config.id, [entry]);
    return { event, entry, delivery };
  }

  private post(account: AccountState, body: string, options: { maxRetries?: number; signature?: string; appSecret?: string }): Promise<MetaWebhookDelivery> {
    const url = account.config.webhookUrl;
    if (!url) throw new Error(`Meta fake: account ${account.config.id} has no webhook URL`);
    return this.sender.deliver(url, account.config.id, body, options.appSecret ?? account.config.appSecret, options);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const base = url.pathname.startsWith('/ig/') ? 'instagram' : 'graph';
    const pathname = base === 'instagram' ? url.pathname.slice(3) : url.pathname;
    const media = req.method === 'GET' ? this.store.media.get(pathname) : undefined;
    if (media) return void res.writeHead(200, { 'content-type': media.mime, 'content-length': media.bytes.length }).end(media.bytes);
    const version = /^\/(v\d+\.\d+)(\/.*)$/.exec(pathname);
    if (!version || (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'DELETE')) return void res.writeHead(404).end('not found');
    const path = version[2] ?? '/';
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = url.searchParams.get('access_token') ?? bearer ?? undefined;
    const call: MetaApiCallRecord = { method: req.method, path, base, params: Object.fromEntries(url.searchParams.entries()), at: this.now(), ...(token === undefined ? {} : { token }) };
    delete call.params['access_token'];
    this.record.push(call);
    const answer = (status: number, value: unknown) => {
      call.status = status;
      call.response = value;
      const json = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(json) }).end(json);
    };
    const fault = this.faults.take(path);
    if (await playTransportFault(fault, req, res)) return;
    try {
      if (fault?.kind === 'error') throw new GraphApiError(fault.code, fault.subcode, fault.message, fault.status);
      if (version[1] !== this.version) throw new GraphApiError(2635);
      const accountId = token === undefined ? undefined : this.store.tokens.get(token);
      if (token === undefined || accountId === undefined) throw new GraphApiError(190, token === undefined ? undefined : 463);
      if (this.limiter.check(token, Date.now())) throw new GraphApiError(613);
      answer(200, await this.route(req.method, path, this.store.account(accountId), url.searchParams, body, req.headers['content-type'], call));
    } catch (err) {
      if (!(err instanceof GraphApiError)) throw err;
      answer(err.status, err.body());
    }
  }

  private async route(method: string, path: string, account: AccountState, query: URLSearchParams, body: Buffer, contentType: string | undefined, call: MetaApiCallRecord): Promise<unknown> {
    const [, first, second] = path.split('/');
    const own = first === 'me' || first === account.config.id;
    if (method === 'GET' && first === 'app' && second === undefined) return { id: account.config.appId, name: 'Parley (fake app)', link: `https://www.facebook.com/games/?app_id=${account.config.appId}` };
    if (own && second === 'subscribed_apps') return subscribedApps(method, account, query, body, contentType);
    if (own && second === 'messages' && method === 'POST') {
      const fields = sendFields(body, contentType, query);
      call.params = { ...call.params, ...fields, ...(fields.filedata ? { filedata: `<${fields.filedata.data.length} bytes>` } : {}) };
      const sent = await handleSend(this.store, account, fields, this.now());
      sent.viaApi = true;
      account.sent.push(sent);
      account.undelivered.set(sent.recipientId, [...(account.undelivered.get(sent.recipientId) ?? []), sent.mid]);
      // Instagram echoes carry no app_id (⚠ the docs show none); Messenger's carry the app's id and the metadata.
      setImmediate(() => void this.emit(account, echoEvent(account, sent, account.platform === 'page' ? account.config.appId : undefined), false).catch(() => undefined));
      return { recipient_id: sent.recipientId, message_id: sent.mid };
    }
    if (method !== 'GET' || first === undefined || second !== undefined) throw new GraphApiError(100, 33);
    return readObject(this.store, account, first, (query.get('fields') ?? '').split(',').filter(Boolean), this.now());
  }
}
