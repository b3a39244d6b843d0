import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { defaultViberRetryPolicy, ViberCallbackSender } from './viber-fake.callback-sender';
import { customerMessage } from './viber-fake.customer';
import { FaultScriptedFake } from '../shared/fault-scripted-fake';
import { playTransportFault } from '../shared/fault-queue';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { fetchMedia } from './viber-fake.http';
import { toViberJson, ViberStatus, ViberStatusError } from './viber-fake.json';
import { viberMethods } from './viber-fake.methods';
import { ViberFakeStore, type BotState } from './viber-fake.store';
import type {
  ViberApiCallRecord,
  ViberCallbackDelivery,
  ViberCallbackRetryPolicy,
  ViberFakeBotConfig,
  ViberFakeOptions,
  ViberFakeUserConfig,
  ViberFault,
  ViberInMessage,
  ViberSentMessage,
  WriteAsCustomerInput,
} from './viber-fake.types';

/**
 * A faithful fake of Viber's REST Bot API and its callbacks, over real HTTP on 127.0.0.1 (see README.md next to
 * this file). One instance serves any number of bots (by auth token) and users.
 */
export class ViberFake extends FaultScriptedFake<ViberFault> {
  readonly store: ViberFakeStore;
  private readonly sender: ViberCallbackSender;
  private readonly record: ViberApiCallRecord[] = [];
  private readonly limits: { maxUnansweredPerHour: number; userDetailsPer12h: number };
  private readonly autoDelivered: boolean;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    options: ViberFakeOptions,
  ) {
    super();
    this.store = new ViberFakeStore(options.mediaBaseUrl ?? baseUrl);
    this.sender = new ViberCallbackSender({ ...defaultViberRetryPolicy, ...options.callbackRetry });
    this.limits = { maxUnansweredPerHour: options.maxUnansweredPerHour ?? 100, userDetailsPer12h: options.userDetailsPer12h ?? 2 };
    this.autoDelivered = options.autoDelivered ?? true;
  }

  static async start(options: ViberFakeOptions = {}): Promise<ViberFake> {
    const holder: { fake?: ViberFake } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.fake?.handle(req, res));
    holder.fake = new ViberFake(server, baseUrl, options);
    return holder.fake;
  }

  /** The value for `VIBER_API_URL` (`…/pa`, as `https://chatapi.viber.com/pa`). */
  get apiUrl(): string {
    return `${this.baseUrl}/pa`;
  }

  async stop(): Promise<void> {
    this.sender.stop();
    await this.sender.idle();
    await closeFakeHttp(this.server);
  }

  // ---- configuration ------------------------------------------------------------------------------------------

  addBot(config: ViberFakeBotConfig): BotState {
    return this.store.addBot(config);
  }

  addUser(config: ViberFakeUserConfig): void {
    this.store.addUser(config);
  }

  setCallbackRetry(policy: Partial<ViberCallbackRetryPolicy>): void {
    this.sender.setPolicy(policy);
  }

  /** The bot's webhook as set_webhook left it (undefined when none). */
  webhook(authToken: string): BotState['webhook'] {
    return this.store.bot(authToken).webhook;
  }

  // ---- the customer side --------------------------------------------------------------------------------------

  /** A customer writes to the bot (which subscribes them and resets the unanswered counter); resolves after delivery. */
  async writeAsCustomer(input: WriteAsCustomerInput): Promise<{ messageToken: bigint; message: ViberInMessage; delivery?: ViberCallbackDelivery }> {
    const bot = this.store.bot(input.authToken);
    this.store.customerWrote(bot, input.userId);
    const message = customerMessage(this.store, input.message, input.trackingData);
    const messageToken = input.messageToken ?? this.store.token();
    const delivery = await this.emit(bot, 'message', {
      message_token: messageToken,
      chat_hostname: 'SN-CHAT-01_',
      sender: this.store.userObject(bot, input.userId),
      message,
      silent: false,
    });
    return delivery ? { messageToken, message, delivery } : { messageToken, message };
  }

  /** The customer opens the chat without writing (`conversation_started`); returns the delivery (its answer = a welcome message). */
  openChat(input: { authToken: string; userId: string; context?: string }): Promise<ViberCallbackDelivery | undefined> {
    const bot = this.store.bot(input.authToken);
    return this.emit(bot, 'conversation_started', {
      message_token: this.store.token(),
      type: 'open',
      ...(input.context === undefined ? {} : { context: input.context }),
      user: this.store.userObject(bot, input.userId),
      subscribed: bot.subscribed.has(input.userId),
    });
  }

  subscribe(input: { authToken: string; userId: string }): Promise<ViberCallbackDelivery | undefined> {
    const bot = this.store.bot(input.authToken);
    bot.subscribed.add(input.userId);
    return this.emit(bot, 'subscribed', { message_token: this.store.token(), user: this.store.userObject(bot, input.userId) });
  }

  /** The customer unsubscribes: send_message answers 6 until they write or subscribe again. */
  unsubscribe(input: { authToken: string; userId: string }): Promise<ViberCallbackDelivery | undefined> {
    const bot = this.store.bot(input.authToken);
    bot.subscribed.delete(input.userId);
    return this.emit(bot, 'unsubscribed', { message_token: this.store.token(), user_id: input.userId });
  }

  /** The customer reads the bot's messages: `seen` for each delivered one not yet seen. */
  async seeAll(input: { authToken: string; userId: string }): Promise<void> {
    const bot = this.store.bot(input.authToken);
    for (const m of bot.sent.filter((s) => s.receiver === input.userId && s.state === 'delivered')) {
      m.state = 'seen';
      await this.emit(bot, 'seen', { message_token: m.messageToken, user_id: m.receiver });
    }
  }

  /** Viber reports a sent message as failed later (`failed` can follow a send that returned status 0). */
  async failMessage(messageToken: bigint, desc = 'message validation failed'): Promise<void> {
    const found = this.store.findSent(messageToken);
    if (!found) throw new Error(`Viber fake: no sent message ${messageToken}`);
    found.message.state = 'failed';
    await this.emit(found.bot, 'failed', { message_token: messageToken, user_id: found.message.receiver, desc });
  }

  /** Posts any body (object, serialised bigint-safe, or a raw string) to the bot's webhook; signed unless `signature` says otherwise. */
  sendCallback(authToken: string, body: unknown, options: { signature?: string | null; retry?: boolean } = {}): Promise<ViberCallbackDelivery> {
    const url = this.store.bot(authToken).webhook?.url;
    if (!url) throw new Error('Viber fake: the bot has no webhook');
    return this.sender.deliver(url, authToken, body, options);
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** The next `times` calls of `method` (`*` = any) answer a Viber status (2, 12, …). */
  failNext(method: string, status: number, times = 1): void {
    this.faults.add(method, { kind: 'status', status }, times);
  }

  // ---- the record ---------------------------------------------------------------------------------------------

  calls(method?: string): ViberApiCallRecord[] {
    return method === undefined ? [...this.record] : this.record.filter((c) => c.method === method);
  }

  /** Messages bots sent (accepted by send_message), optionally to one user. */
  sentMessages(userId?: string, authToken?: string): ViberSentMessage[] {
    return [...this.store.bots.values()]
      .filter((b) => authToken === undefined || b.config.authToken === authToken)
      .flatMap((b) => b.sent)
      .filter((m) => userId === undefined || m.receiver === userId);
  }

  callbacks(event?: string): ViberCallbackDelivery[] {
    return this.sender.deliveries.filter((d) => event === undefined || d.event === event);
  }

  idle(): Promise<void> {
    return this.sender.idle();
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  private emit(bot: BotState, event: string, fields: Record<string, unknown>): Promise<ViberCallbackDelivery | undefined> {
    const url = bot.webhook?.url;
    if (!url || !this.store.wants(bot, event)) return Promise.resolve(undefined);
    return this.sender.deliver(url, bot.config.authToken, { event, timestamp: Date.now(), ...fields });
  }

  private onSent(bot: BotState, message: ViberSentMessage): void {
    if (message.state === 'failed') {
      void this.emit(bot, 'failed', { message_token: message.messageToken, user_id: message.receiver, desc: 'Failed to download media' });
    } else if (this.autoDelivered) {
      message.state = 'delivered';
      void this.emit(bot, 'delivered', { message_token: message.messageToken, user_id: message.receiver });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith('/pa/')) return this.handleMethod(url.pathname.slice('/pa/'.length), req, raw, res);
    const media = req.method === 'GET' ? this.store.media.get(url.pathname) : undefined;
    if (media) {
      res.writeHead(200, { 'content-type': media.mime, 'content-length': media.bytes.length }).end(media.bytes);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private async handleMethod(method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const tokenHeader = req.headers['x-viber-auth-token'];
    const token = typeof tokenHeader === 'string' ? tokenHeader : undefined;
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
    } catch {
      body = undefined;
    }
    const entry: ViberApiCallRecord = { method, token, body, at: Date.now(), result: {} };
    this.record.push(entry);
    if (req.method !== 'POST') return void res.writeHead(405).end();

    const fault = this.faults.take(method);
    const ended = await playTransportFault(fault, req, res);
    if (ended) {
      entry.result = ended;
      return;
    }
    let result: Record<string, unknown>;
    try {
      if (fault?.kind === 'status') throw new ViberStatusError(fault.status, fault.message);
      const bot = token === undefined ? undefined : this.store.bots.get(token);
      if (!bot) throw new ViberStatusError(2, 'invalidAuthToken');
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ViberStatusError(3, 'badData');
      const handler = viberMethods[method];
      if (!handler) throw new ViberStatusError(3, `unknown method ${method}`);
      const answer = await handler({
        body: body as Record<string, unknown>,
        rawSize: raw.length,
        bot,
        store: this.store,
        limits: this.limits,
        checkWebhook: async (b, hookUrl) =>
          (await this.sender.deliver(hookUrl, b.config.authToken, { event: 'webhook', timestamp: Date.now(), chat_hostname: 'SN-CHAT-01_', message_token: this.store.token() }, { retry: false })).delivered,
        fetchMedia: (mediaUrl) => fetchMedia(mediaUrl),
        onSent: (b, m) => this.onSent(b, m),
      });
      result = { status: 0, status_message: 'ok', ...answer };
    } catch (err: unknown) {
      if (!(err instanceof ViberStatusError)) throw err;
      const known = (ViberStatus as Record<number, string>)[err.status];
      result = { status: err.status, status_message: known === err.message || known === undefined ? err.message : `${known}: ${err.message}` };
    }
    entry.result = result;
    const json = toViberJson(result);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
  }
}
