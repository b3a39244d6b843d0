import { Inject, Injectable } from '@nestjs/common';
import type { ChannelType } from '@parley/contracts';
import { DataSource } from 'typeorm';

/** console.channel_types: which gateway owns a channel id (copied from ChannelChanged events and replies). */
@Injectable()
export class ChannelTypesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async upsert(channelId: string, type: ChannelType, deleted: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO console.channel_types (channel_id, type, deleted) VALUES ($1, $2, $3)
       ON CONFLICT (channel_id) DO UPDATE SET type = EXCLUDED.type, deleted = EXCLUDED.deleted`,
      [channelId, type, deleted],
    );
  }

  async find(channelId: string): Promise<{ type: ChannelType; deleted: boolean } | undefined> {
    const rows = (await this.db.query(`SELECT type, deleted FROM console.channel_types WHERE channel_id = $1`, [channelId])) as Array<{
      type: ChannelType;
      deleted: boolean;
    }>;
    return rows[0];
  }
}
