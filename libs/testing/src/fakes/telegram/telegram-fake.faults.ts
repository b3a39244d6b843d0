import type { TgRateLimitOptions } from './telegram-fake.types';

export type TgLimitKind = 'bot' | 'chat';

/** Which limit a send went over, and when it may be retried. */
export interface TgLimitVerdict {
  kind: TgLimitKind;
  retryAfter: number;
  refuse: boolean;
}

/**
 * Telegram's send limits: ~30 messages/s per bot and ~1 message/s per chat, as sliding 1-second windows. Only
 * admitted sends enter the windows (a refused send does not extend the wait); every send over a limit counts as a
 * violation, enforced or not, so a test or benchmark can report a gateway that does not pace itself.
 */
export class TgRateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly counts = new Map<string, number>();
  private options: { perBotPerSecond: number; perChatPerSecond: number; enforce: boolean; windowMs: number } | undefined;

  configure(options: TgRateLimitOptions | undefined): void {
    this.options = options
      ? { perBotPerSecond: options.perBotPerSecond ?? 30, perChatPerSecond: options.perChatPerSecond ?? 1, enforce: options.enforce ?? true, windowMs: options.windowMs ?? 1000 }
      : undefined;
    this.windows.clear();
  }

  /** Checks one send of `token` to `chatId`; admits it into the windows unless refused. */
  check(token: string, chatId: number, now = Date.now()): TgLimitVerdict | undefined {
    if (!this.options) return undefined;
    const botKey = `bot:${token}`;
    const chatKey = `chat:${token}:${chatId}`;
    const bot = this.window(botKey, now);
    const chat = this.window(chatKey, now);
    let verdict: TgLimitVerdict | undefined;
    if (chat.length >= this.options.perChatPerSecond) verdict = this.violation('chat', token, chat, now);
    else if (bot.length >= this.options.perBotPerSecond) verdict = this.violation('bot', token, bot, now);
    if (verdict?.refuse) return verdict;
    bot.push(now);
    chat.push(now);
    return verdict;
  }

  violations(token?: string, kind?: TgLimitKind): number {
    let total = 0;
    for (const [key, n] of this.counts) {
      const [k, t] = key.split('|') as [TgLimitKind, string];
      if ((token === undefined || t === token) && (kind === undefined || k === kind)) total += n;
    }
    return total;
  }

  resetViolations(): void {
    this.counts.clear();
  }

  private window(key: string, now: number): number[] {
    const windowMs = this.options?.windowMs ?? 1000;
    const window = (this.windows.get(key) ?? []).filter((t) => now - t < windowMs);
    this.windows.set(key, window);
    return window;
  }

  private violation(kind: TgLimitKind, token: string, window: number[], now: number): TgLimitVerdict {
    const key = `${kind}|${token}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const oldest = window[0] ?? now;
    const retryAfter = Math.max(1, Math.ceil((oldest + (this.options?.windowMs ?? 1000) - now) / 1000));
    return { kind, retryAfter, refuse: this.options?.enforce ?? true };
  }
}
