import { randomBytes } from 'node:crypto';
import type { MetaAccountConfig, MetaPlatform, MetaSentMessage, MetaUserConfig } from './meta-fake.types';

/** A 1×1 PNG: default bytes of pictures and customer images. */
export const META_TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface AccountState {
  platform: MetaPlatform;
  config: MetaAccountConfig & { appId: string; appSecret: string };
  /** Webhook fields the app subscribed for this account (`subscribed_apps`). */
  subscribedFields: Set<string>;
  /** Customer's last message time (ms) per user: the 24 h / 7 day windows. */
  lastCustomerAt: Map<string, number>;
  /** Users who wrote: the only ones whose profile the account may read. */
  knownUsers: Set<string>;
  sent: MetaSentMessage[];
  /** Sent mids not yet reported delivered, per user. */
  undelivered: Map<string, string[]>;
}

export interface UserState {
  id: string;
  firstName: string;
  lastName: string;
  unavailable: boolean;
}

export interface StoredMedia {
  bytes: Buffer;
  mime: string;
}

/** The fake's state: accounts, tokens, users, served media. No HTTP here. */
export class MetaFakeStore {
  readonly accounts = new Map<string, AccountState>();
  readonly tokens = new Map<string, string>();
  readonly users = new Map<string, UserState>();
  /** URL path (`/media/…`) → bytes. */
  readonly media = new Map<string, StoredMedia>();

  constructor(
    readonly baseUrl: string,
    private readonly defaultApp: { appId: string; appSecret: string },
  ) {}

  addAccount(platform: MetaPlatform, config: MetaAccountConfig): AccountState {
    const owner = this.tokens.get(config.token);
    if (owner !== undefined && owner !== config.id) throw new Error(`Meta fake: token already belongs to ${owner}`);
    const existing = this.accounts.get(config.id);
    const merged = { ...this.defaultApp, humanAgent: true, ...existing?.config, ...config };
    const state: AccountState = existing
      ? { ...existing, config: merged }
      : { platform, config: merged, subscribedFields: new Set(), lastCustomerAt: new Map(), knownUsers: new Set(), sent: [], undelivered: new Map() };
    this.accounts.set(config.id, state);
    this.tokens.set(config.token, config.id);
    return state;
  }

  account(id: string): AccountState {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`Meta fake: unknown account ${id} (call addPage / addInstagramAccount first)`);
    return a;
  }

  addUser(config: MetaUserConfig): UserState {
    const user: UserState = {
      id: config.id,
      firstName: config.firstName ?? 'User',
      lastName: config.lastName ?? config.id,
      unavailable: config.unavailable ?? false,
    };
    this.users.set(user.id, user);
    this.media.set(this.picturePath(user.id), { bytes: config.picture ?? META_TINY_PNG, mime: 'image/png' });
    return user;
  }

  user(id: string): UserState {
    return this.users.get(id) ?? this.addUser({ id });
  }

  picturePath(userId: string): string {
    return `/media/profile/${userId}.png`;
  }

  /** Serves bytes under a fresh lookaside-style path and returns its URL. */
  serve(bytes: Buffer, mime: string): string {
    const path = `/media/att/${randomBytes(10).toString('hex')}`;
    this.media.set(path, { bytes, mime });
    return `${this.baseUrl}${path}?asset_id=${randomBytes(4).toString('hex')}`;
  }

  newMid(): string {
    return `m_${randomBytes(24).toString('base64url')}`;
  }
}
