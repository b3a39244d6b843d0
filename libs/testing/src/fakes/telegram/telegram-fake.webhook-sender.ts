import { postRaw } from '../vk/vk-fake.callback-sender';
import type { TgBotState } from './telegram-fake.store';
import type { TgUpdateRecord, TgWebhookAttempt, TgWebhookRetryPolicy } from './telegram-fake.types';

export const defaultWebhookRetryPolicy: TgWebhookRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 20,
  maxDelayMs: 1000,
  timeoutMs: 10_000,
};

/**
 * Delivers a bot's pending updates to its webhook like Telegram: POST JSON with `X-Telegram-Bot-Api-Secret-Token`,
 * one request in flight per bot, strictly in update_id order. Any 2xx acknowledges the update; anything else (or
 * no answer) is retried with a doubling pause, and the next update waits behind it. After `maxAttempts` the update
 * is given up (Telegram drops it "after a reasonable amount of attempts"). Failures are kept as the bot's
 * `last_error_*` for getWebhookInfo.
 */
export class TgWebhookSender {
  private readonly loops = new Map<string, Promise<void>>();
  private readonly waiters = new Map<TgUpdateRecord, Array<() => void>>();
  private stopped = false;

  constructor(private policy: TgWebhookRetryPolicy) {}

  setPolicy(policy: Partial<TgWebhookRetryPolicy>): void {
    this.policy = { ...this.policy, ...policy };
  }

  /** Starts the bot's delivery loop unless it runs already. */
  kick(bot: TgBotState): void {
    if (this.stopped || this.loops.has(bot.token)) return;
    const loop = this.run(bot).finally(() => {
      this.loops.delete(bot.token);
      // An update queued while the loop was finishing: go again; otherwise whoever waits on a held update wakes.
      if (!this.stopped && deliverable(bot) && bot.pending.length > 0) this.kick(bot);
      else for (const record of bot.pending) this.wake(record);
    });
    this.loops.set(bot.token, loop);
  }

  /** Marks a record settled (delivered, failed, dropped, fetched) and wakes whoever waits for it. */
  settle(record: TgUpdateRecord, status: TgUpdateRecord['status']): void {
    record.status = status;
    this.wake(record);
  }

  /**
   * Resolves once the record is no longer queued, or at once (still `queued`) when the bot cannot deliver it now:
   * no webhook (the update waits for getUpdates) or an outage that holds updates.
   */
  settled(record: TgUpdateRecord, bot: TgBotState): Promise<TgUpdateRecord> {
    if (record.status !== 'queued' || !deliverable(bot) || this.stopped) return Promise.resolve(record);
    return new Promise((resolve) => {
      this.waiters.set(record, [...(this.waiters.get(record) ?? []), () => resolve(record)]);
    });
  }

  /** Resolves when no bot has a delivery under way (queues held by an outage or without a webhook do not count). */
  async idle(): Promise<void> {
    while (this.loops.size > 0) await Promise.allSettled([...this.loops.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
    for (const record of [...this.waiters.keys()]) this.wake(record);
  }

  /** One POST outside the queue, no retries; `secretToken` undefined = the bot's own, null = no header. */
  async postOnce(bot: TgBotState, body: unknown, secretToken: string | null | undefined): Promise<TgWebhookAttempt> {
    if (!bot.webhook) throw new Error(`Telegram fake: ${bot.username} has no webhook`);
    const secret = secretToken === undefined ? bot.webhook.secretToken : secretToken;
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const answer = await postRaw(bot.webhook.url, raw, secret == null ? {} : { 'X-Telegram-Bot-Api-Secret-Token': secret }, this.policy.timeoutMs);
    return { body: answer.body, at: Date.now(), ...(answer.status === undefined ? {} : { status: answer.status }), ...(answer.error === undefined ? {} : { error: answer.error }) };
  }

  private wake(record: TgUpdateRecord): void {
    for (const wake of this.waiters.get(record) ?? []) wake();
    this.waiters.delete(record);
  }

  private async run(bot: TgBotState): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const head = bot.pending[0];
      if (!head || !bot.webhook || bot.outage === 'hold') return;
      if (bot.outage === 'drop') {
        bot.pending.shift();
        this.settle(head, 'dropped');
        continue;
      }
      const { url, secretToken } = bot.webhook;
      const headers: Record<string, string> = secretToken === undefined ? {} : { 'X-Telegram-Bot-Api-Secret-Token': secretToken };
      const answer = await postRaw(url, JSON.stringify(head.update), headers, this.policy.timeoutMs);
      head.attempts.push({
        body: answer.body,
        at: Date.now(),
        ...(answer.status === undefined ? {} : { status: answer.status }),
        ...(answer.error === undefined ? {} : { error: answer.error }),
      });
      if (bot.pending[0] !== head) continue; // drop_pending_updates or deleteWebhook meanwhile
      const status = answer.status ?? 0;
      if (status >= 200 && status < 300) {
        bot.pending.shift();
        this.settle(head, 'delivered');
        failures = 0;
        continue;
      }
      bot.lastError = {
        date: Math.floor(Date.now() / 1000),
        message: answer.status === undefined ? (answer.error ?? 'Connection failed') : `Wrong response from the webhook: ${status} ${reason(status)}`,
      };
      failures += 1;
      if (head.attempts.length >= this.policy.maxAttempts) {
        bot.pending.shift();
        this.settle(head, 'failed');
        failures = 0;
        continue;
      }
      await sleep(Math.min(this.policy.baseDelayMs * 2 ** (failures - 1), this.policy.maxDelayMs));
    }
  }
}

function deliverable(bot: TgBotState): boolean {
  return bot.webhook !== undefined && bot.outage !== 'hold';
}

function reason(status: number): string {
  const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return reasons[status] ?? '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
