import { randomBytes } from 'node:crypto';
import type { ViberFakeBotConfig, ViberFakeUserConfig, ViberSentMessage, ViberUser } from './viber-fake.types';

/** A 1×1 PNG: default bytes of icons, avatars and pictures when the test gives none. */
export const VIBER_TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The event types a webhook gets when set_webhook lists none; `message`, `subscribed`, `unsubscribed` always come. */
export const VIBER_ALL_EVENT_TYPES = ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started'] as const;
const MANDATORY_EVENTS = new Set(['message', 'subscribed', 'unsubscribed', 'webhook']);

export interface WebhookState {
  url: string;
  eventTypes: string[];
  sendName: boolean;
  sendPhoto: boolean;
}

export interface BotState {
  config: Required<Omit<ViberFakeBotConfig, 'icon'>>;
  webhook: WebhookState | undefined;
  /** Users subscribed to the bot (wrote to it, or subscribed). */
  subscribed: Set<string>;
  sent: ViberSentMessage[];
  /** Per user: times of bot messages since the user last wrote (status 12 after `maxUnansweredPerHour`). */
  unanswered: Map<string, number[]>;
  /** Per user: times of get_user_details calls (twice per 12 hours). */
  detailsCalls: Map<string, number[]>;
}

export interface UserState {
  id: string;
  name: string;
  country: string;
  language: string;
  registered: boolean;
}

export interface StoredMedia {
  bytes: Buffer;
  mime: string;
}

/** The fake's whole state. Pure bookkeeping: no HTTP here. */
export class ViberFakeStore {
  readonly bots = new Map<string, BotState>();
  readonly users = new Map<string, UserState>();
  /** URL path (`/media/…`) → bytes. */
  readonly media = new Map<string, StoredMedia>();
  /** Tokens start above 2^53 like Viber's (5753750845017966998): JSON.parse would round them. */
  private nextToken = 5_753_750_845_017_966_000n;
  private nextMedia = 1;

  /** `baseUrl`: where the media URLs point (the fake's address, or the public base of a proxy in front of it). */
  constructor(readonly baseUrl: string) {}

  addBot(config: ViberFakeBotConfig): BotState {
    const id = config.id ?? `pa:${BigInt(`0x${randomBytes(8).toString('hex')}`).toString()}`;
    const existing = this.bots.get(config.authToken);
    const state: BotState = {
      config: { authToken: config.authToken, id, name: config.name ?? 'Parley Bot', uri: config.uri ?? 'parleybot' },
      webhook: existing?.webhook,
      subscribed: existing?.subscribed ?? new Set(),
      sent: existing?.sent ?? [],
      unanswered: existing?.unanswered ?? new Map(),
      detailsCalls: existing?.detailsCalls ?? new Map(),
    };
    this.bots.set(config.authToken, state);
    this.media.set(this.iconPath(state), { bytes: config.icon ?? VIBER_TINY_PNG, mime: 'image/png' });
    return state;
  }

  bot(authToken: string): BotState {
    const bot = this.bots.get(authToken);
    if (!bot) throw new Error('Viber fake: unknown bot (call addBot first)');
    return bot;
  }

  addUser(config: ViberFakeUserConfig): UserState {
    const user: UserState = {
      id: config.id,
      name: config.name ?? `Viber user ${config.id}`,
      country: config.country ?? 'UA',
      language: config.language ?? 'en',
      registered: config.registered ?? true,
    };
    this.users.set(user.id, user);
    this.media.set(this.avatarPath(user.id), { bytes: config.avatar ?? VIBER_TINY_PNG, mime: 'image/jpeg' });
    return user;
  }

  user(id: string): UserState {
    return this.users.get(id) ?? this.addUser({ id });
  }

  /** The `sender`/`user` object of a callback, with name and avatar only when the webhook asked for them. */
  userObject(bot: BotState, userId: string): ViberUser {
    const user = this.user(userId);
    const webhook = bot.webhook;
    return {
      id: user.id,
      ...(webhook?.sendName === false ? {} : { name: user.name }),
      ...(webhook?.sendPhoto === false ? {} : { avatar: this.url(this.avatarPath(user.id)) }),
      country: user.country,
      language: user.language,
      api_version: 10,
    };
  }

  /** Whether the bot's webhook gets `event` (the mandatory events always). */
  wants(bot: BotState, event: string): boolean {
    return MANDATORY_EVENTS.has(event) || (bot.webhook?.eventTypes.includes(event) ?? false);
  }

  token(): bigint {
    this.nextToken += 1n + BigInt(randomBytes(1)[0] ?? 0);
    return this.nextToken;
  }

  /** Stores bytes and returns their URL on the fake (as Viber's media hosts serve customer media). */
  putMedia(bytes: Buffer, mime: string, fileName: string): string {
    const path = `/media/${this.nextMedia++}/${encodeURIComponent(fileName)}`;
    this.media.set(path, { bytes, mime });
    return this.url(path);
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  avatarPath(userId: string): string {
    return `/media/avatar/${encodeURIComponent(userId)}.jpg`;
  }

  iconPath(bot: BotState): string {
    return `/media/icon/${encodeURIComponent(bot.config.uri)}.png`;
  }

  /** The customer wrote: the unanswered counter starts again, and writing subscribes. */
  customerWrote(bot: BotState, userId: string): void {
    bot.unanswered.delete(userId);
    bot.subscribed.add(userId);
  }

  /** Counts one bot message to a user; returns false when the user got `max` messages in the last hour unanswered. */
  admitBotMessage(bot: BotState, userId: string, max: number, now = Date.now()): boolean {
    const recent = (bot.unanswered.get(userId) ?? []).filter((t) => now - t < 3_600_000);
    if (recent.length >= max) {
      bot.unanswered.set(userId, recent);
      return false;
    }
    recent.push(now);
    bot.unanswered.set(userId, recent);
    return true;
  }

  admitDetailsCall(bot: BotState, userId: string, max: number, now = Date.now()): boolean {
    const recent = (bot.detailsCalls.get(userId) ?? []).filter((t) => now - t < 12 * 3_600_000);
    if (recent.length >= max) return false;
    recent.push(now);
    bot.detailsCalls.set(userId, recent);
    return true;
  }

  findSent(messageToken: bigint): { bot: BotState; message: ViberSentMessage } | undefined {
    for (const bot of this.bots.values()) {
      const message = bot.sent.find((m) => m.messageToken === messageToken);
      if (message) return { bot, message };
    }
    return undefined;
  }
}
