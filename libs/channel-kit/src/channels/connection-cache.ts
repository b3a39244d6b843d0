import type { ChannelConnection } from '../adapter/channel-adapter';
import type { SecretBox } from '../crypto/secret-box';
import type { GatewayContext } from '../gateway/gateway-context';
import type { ChannelRecord } from './channel-record';
import { decryptSecrets } from './channel-credentials';
import type { ChannelRepository } from './channel.repository';

/**
 * Channels with their secrets decrypted, in memory, so a webhook costs no Postgres query and no decryption for a
 * known channel. A change made here replaces the entry; every committed change NOTIFYs (the outbox write), and
 * `clear()` on that signal drops every replica's entries; CHANNEL_CACHE_MS bounds staleness while LISTEN is down.
 * Concurrent misses of one channel share one query.
 */
export class ConnectionCache {
  private readonly entries = new Map<string, { at: number; connection: Promise<ChannelConnection<object, object> | undefined> }>();

  constructor(
    private readonly channels: ChannelRepository,
    private readonly box: SecretBox,
    private readonly context: GatewayContext,
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string): Promise<ChannelConnection<object, object> | undefined> {
    const hit = this.entries.get(id);
    if (hit && this.now() - hit.at < this.context.config.CHANNEL_CACHE_MS) return hit.connection;
    const connection = this.channels.find(id).then((record) => (record ? this.toConnection(record) : undefined));
    const entry = { at: this.now(), connection };
    this.entries.set(id, entry);
    connection.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return connection;
  }

  /** Forgets every channel (another replica changed one; which one is not said). */
  clear(): void {
    this.entries.clear();
  }

  /** Stores what this replica just wrote (or forgets a deleted channel). */
  put(record: ChannelRecord | undefined, id: string): void {
    if (!record) {
      this.entries.delete(id);
      return;
    }
    this.entries.set(id, { at: this.now(), connection: Promise.resolve(this.toConnection(record)) });
  }

  toConnection(record: ChannelRecord): ChannelConnection<object, object> {
    return {
      id: record.id,
      type: this.context.type,
      lineId: record.lineId,
      name: record.name,
      externalId: record.externalId,
      status: record.status,
      health: record.health,
      settings: record.settings,
      secrets: decryptSecrets(this.box, this.context.serviceName, record.id, record.secrets),
      webhookUrl: this.context.webhookUrl(record.id),
    };
  }
}
