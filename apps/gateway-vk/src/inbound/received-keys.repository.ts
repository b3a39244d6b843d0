import type { DataSource } from 'typeorm';

/**
 * Keys of inbound facts already published to PARLEY_INBOUND (`vk:<group>:event:<event_id>` and
 * `vk:<group>:msg:<id>`), kept forever: VK's retry schedule is undocumented and a replay hours later must still
 * be recognised without publishing again. (Downstream de-duplicates by dedupeKey as well.)
 */
export class ReceivedKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The subset of `keys` already recorded. */
  async known(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = (await this.dataSource.query('SELECT key FROM gateway_vk.received_keys WHERE key = ANY($1::text[])', [keys])) as Array<{
      key: string;
    }>;
    return new Set(rows.map((r) => r.key));
  }

  async record(channelId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.dataSource.query(
      'INSERT INTO gateway_vk.received_keys (key, channel_id) SELECT k, $2 FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING',
      [keys, channelId],
    );
  }
}
