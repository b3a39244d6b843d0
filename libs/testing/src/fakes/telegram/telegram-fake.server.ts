import type { Server } from 'node:http';
import { chatMemberChange, customerMessageFields, editCustomerMessage } from './telegram-fake.customer';
import { TgRateLimiter, type TgLimitKind } from './telegram-fake.faults';
import { FaultScriptedFake } from '../shared/fault-scripted-fake';
import { listenTelegramHttp, type TgHttpDeps } from './telegram-fake.http';
import { closeFakeHttp } from '../shared/fake-http-server';
import { TgFakeStore, type TgBotState } from './telegram-fake.store';
import type {
  TgApiCallRecord,
  TgBotSentMessage,
  TgChatMemberUpdated,
  TgCustomerSendInput,
  TgFakeBotConfig,
  TgFakeCustomerConfig,
  TgFakeOptions,
  TgFault,
  TgMessage,
  TgRateLimitOptions,
  TgUpdateRecord,
  TgWebhookAttempt,
  TgWebhookRetryPolicy,
} from './telegram-fake.types';
import { defaultWebhookRetryPolicy, TgWebhookSender } from './telegram-fake.webhook-sender';

/** What the customer-side calls return: the message (if any) and its update, settled unless `wait: false`. */
export interface TgCustomerActionResult {
  message?: TgMessage;
  update: TgUpdateRecord;
}

/**
 * A faithful fake of the Telegram Bot API (private chats) over real HTTP on 127.0.0.1, with the webhook side:
 * see README.md next to this file. One instance serves any number of bots and customers the test configures.
 */
export class TelegramFake extends FaultScriptedFake<TgFault> {
  readonly store = new TgFakeStore();
  private readonly limiter = new TgRateLimiter();
  private readonly sender: TgWebhookSender;
  private readonly record: TgApiCallRecord[] = [];
  private readonly sent: TgBotSentMessage[] = [];
  private readonly callListeners: Array<(call: TgApiCallRecord) => void> = [];
  private readonly updateWaiters = new Map<string, Array<() => void>>();
  private readonly http: TgHttpDeps;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    options: TgFakeOptions,
  ) {
    super();
    this.sender = new TgWebhookSender({ ...defaultWebhookRetryPolicy, ...options.webhookRetry });
    this.limiter.configure(options.rateLimit);
    this.http = {
      store: this.store,
      faults: this.faults,
      limiter: this.limiter,
      requireHttpsWebhook: options.requireHttpsWebhook ?? false,
      record: (call) => {
        this.record.push(call);
        for (const listener of this.callListeners) listener(call);
      },
      webhookChanged: (bot) => this.sender.kick(bot),
      settle: (record, status) => this.sender.settle(record, status),
      botSent: (sent) => this.sent.push(sent),
      waitForUpdate: (bot, ms) => this.waitForUpdate(bot, ms),
    };
  }

  /** Starts the fake on a free port of 127.0.0.1 (or the given one). */
  static async start(options: TgFakeOptions & { port?: number } = {}): Promise<TelegramFake> {
    const holder: { fake?: TelegramFake } = {};
    const { server, baseUrl } = await listenTelegramHttp(options.port ?? 0, () => holder.fake?.http);
    holder.fake = new TelegramFake(server, baseUrl, options);
    return holder.fake;
  }

  /** The value for `TELEGRAM_API_URL` (methods at `<apiUrl>/bot<token>/<method>`, files at `<apiUrl>/file/bot…`). */
  get apiUrl(): string {
    return this.baseUrl;
  }

  /** Stops webhook deliveries (waits for the one in flight), then closes the server. */
  async stop(): Promise<void> {
    await this.sender.stop();
    for (const waiters of this.updateWaiters.values()) for (const wake of waiters) wake();
    await closeFakeHttp(this.server);
  }

  // ---- configuration ------------------------------------------------------------------------------------------

  addBot(config: TgFakeBotConfig): { id: number; token: string; username: string } {
    const bot = this.store.addBot(config);
    return { id: bot.id, token: bot.token, username: bot.username };
  }

  /** The token stops working (401 Unauthorized), as after /revoke in BotFather. */
  revokeToken(token: string): void {
    this.store.bot(token).revoked = true;
  }

  addCustomer(config: TgFakeCustomerConfig): void {
    this.store.addCustomer(config);
  }

  setWebhookRetry(policy: Partial<TgWebhookRetryPolicy>): void {
    this.sender.setPolicy(policy);
  }

  /** Turns the send limits on (e.g. `{perBotPerSecond: 30, perChatPerSecond: 1}`) or off (undefined). */
  setRateLimit(options: TgRateLimitOptions | undefined): void {
    this.limiter.configure(options);
  }

  /** Sends over a limit (refused or only counted), per bot token and limit kind. */
  rateLimitViolations(token?: string, kind?: TgLimitKind): number {
    return this.limiter.violations(token, kind);
  }

  /** The bot's webhook registration and delivery state, as getWebhookInfo would answer. */
  webhookInfo(bot: string): { url?: string; secretToken?: string; allowedUpdates?: string[]; maxConnections?: number; pending: number; lastError?: string } {
    const b = this.store.bot(bot);
    return {
      pending: b.pending.length,
      ...(b.webhook ? { url: b.webhook.url, maxConnections: b.webhook.maxConnections } : {}),
      ...(b.webhook?.secretToken === undefined ? {} : { secretToken: b.webhook.secretToken }),
      ...(b.allowedUpdates ? { allowedUpdates: b.allowedUpdates } : {}),
      ...(b.lastError ? { lastError: b.lastError.message } : {}),
    };
  }

  // ---- the customer side --------------------------------------------------------------------------------------

  /**
   * A customer writes to a bot: stored in the chat and queued as a `message` update (delivered unless held). Writing
   * to a bot one blocked unblocks it first, as Telegram does (a `my_chat_member` update with status `member`).
   */
  async customerSends(input: TgCustomerSendInput): Promise<TgCustomerActionResult> {
    const bot = this.store.bot(input.bot);
    const chat = this.store.chat(bot, input.customerId);
    if (chat.blocked) void this.setBlocked({ ...input, wait: false }, false);
    chat.started = true;
    const reply = input.replyToMessageId === undefined ? undefined : chat.messages.find((m) => m.message_id === input.replyToMessageId);
    const message = this.store.addMessage(bot, chat, false, { ...(reply ? { reply_to_message: reply } : {}), ...customerMessageFields(this.store, bot, input) }, input.date);
    const update = this.enqueue(bot, 'message', message);
    return { message, update: input.wait === false ? update : await this.sender.settled(update, bot) };
  }

  /** The customer edits a message they sent: the chat keeps the new version; an `edited_message` update goes out. */
  async editMessage(input: { bot: string; customerId: number; messageId: number; text?: string; caption?: string; wait?: boolean }): Promise<TgCustomerActionResult> {
    const bot = this.store.bot(input.bot);
    const chat = this.store.chat(bot, input.customerId);
    const edited = editCustomerMessage(chat, input);
    const update = this.enqueue(bot, 'edited_message', edited);
    return { message: edited, update: input.wait === false ? update : await this.sender.settled(update, bot) };
  }

  /** The customer blocks the bot: sends answer 403, and a `my_chat_member` update (status `kicked`) goes out. */
  block(input: { bot: string; customerId: number; wait?: boolean }): Promise<TgCustomerActionResult> {
    return this.setBlocked(input, true);
  }

  /** The customer unblocks (restarts) the bot: `my_chat_member` with status `member`. */
  unblock(input: { bot: string; customerId: number; wait?: boolean }): Promise<TgCustomerActionResult> {
    return this.setBlocked(input, false);
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** The next `times` calls of `method` (`*` = any) fail with a Bot API error (429 gets `retry_after`, default 1). */
  failNext(method: string, errorCode: number, times = 1, extra: { retryAfter?: number; description?: string } = {}): void {
    this.faults.add(method, { kind: 'error', errorCode, ...extra }, times);
  }

  /**
   * Webhook outage: `hold` keeps updates queued and delivers them in order when it ends (Telegram's side was
   * down); `drop` loses every update that comes up for delivery meanwhile (status `dropped`).
   */
  startOutage(bot: string, mode: 'hold' | 'drop' = 'hold'): void {
    this.store.bot(bot).outage = mode;
  }

  endOutage(bot: string): void {
    const b = this.store.bot(bot);
    delete b.outage;
    this.sender.kick(b);
  }

  // ---- the record ---------------------------------------------------------------------------------------------

  onCall(listener: (call: TgApiCallRecord) => void): void {
    this.callListeners.push(listener);
  }

  /** Every API call, oldest first, optionally of one method (case-insensitive). */
  calls(method?: string): TgApiCallRecord[] {
    return method === undefined ? [...this.record] : this.record.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  /** What bots sent through the API (text, caption, file bytes), optionally to one chat and from one bot. */
  sentMessages(chatId?: number, bot?: string): TgBotSentMessage[] {
    const token = bot === undefined ? undefined : this.store.bot(bot).token;
    return this.sent.filter((s) => (chatId === undefined || s.message.chat.id === chatId) && (token === undefined || s.token === token));
  }

  /** The whole chat of a bot with a customer (both directions; edited messages in their last version). */
  messages(bot: string, customerId: number): TgMessage[] {
    return [...(this.store.bot(bot).chats.get(customerId)?.messages ?? [])];
  }

  /** Every update made for the bot with what became of it, optionally of one type. */
  updates(bot: string, type?: TgUpdateRecord['type']): TgUpdateRecord[] {
    return this.store.bot(bot).updates.filter((u) => type === undefined || u.type === type);
  }

  /** Updates still waiting for the webhook or a getUpdates confirmation. */
  pendingUpdates(bot: string): TgUpdateRecord[] {
    return [...this.store.bot(bot).pending];
  }

  /** The bytes behind a file_id (what `getFile` + download would give). */
  fileBytes(fileId: string): Buffer | undefined {
    return this.store.files.get(fileId)?.bytes;
  }

  /** Resolves when no webhook delivery is under way (queues held by an outage or without a webhook do not count). */
  idle(): Promise<void> {
    return this.sender.idle();
  }

  /**
   * One POST of any body (an update object or raw text) to the bot's webhook, outside the queue and without
   * retries: replays (same update_id), forged or missing secrets (`secretToken: null` sends no header).
   */
  postToWebhook(bot: string, body: unknown, options: { secretToken?: string | null } = {}): Promise<TgWebhookAttempt> {
    return this.sender.postOnce(this.store.bot(bot), body, options.secretToken);
  }

  /** Sends an update the fake made once more, as it was (same update_id): what Telegram does after a lost answer. */
  replayUpdate(bot: string, updateId: number, options: { secretToken?: string | null } = {}): Promise<TgWebhookAttempt> {
    const record = this.store.bot(bot).updates.find((u) => u.update.update_id === updateId);
    if (!record) throw new Error(`Telegram fake: no update ${updateId}`);
    return this.postToWebhook(bot, record.update, options);
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private async setBlocked(input: { bot: string; customerId: number; wait?: boolean }, blocked: boolean): Promise<TgCustomerActionResult> {
    const bot = this.store.bot(input.bot);
    const chat = this.store.chat(bot, input.customerId);
    chat.blocked = blocked;
    if (!blocked) chat.started = true;
    const change = chatMemberChange(this.store, bot, input.customerId, blocked);
    const update = this.enqueue(bot, 'my_chat_member', change);
    return { update: input.wait === false ? update : await this.sender.settled(update, bot) };
  }

  private enqueue(bot: TgBotState, type: TgUpdateRecord['type'], payload: TgMessage | TgChatMemberUpdated): TgUpdateRecord {
    const record = this.store.newUpdate(bot, type, payload);
    const allowed = bot.allowedUpdates;
    if (allowed && allowed.length > 0 && !allowed.includes(type)) {
      record.status = 'filtered';
      return record;
    }
    bot.pending.push(record);
    for (const wake of this.updateWaiters.get(bot.token) ?? []) wake();
    this.updateWaiters.delete(bot.token);
    this.sender.kick(bot);
    return record;
  }

  private waitForUpdate(bot: TgBotState, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.updateWaiters.set(bot.token, [...(this.updateWaiters.get(bot.token) ?? []), done]);
    });
  }
}
