import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** `conversation.channel_blocks`: whether a customer (channel, external user id) blocks the channel. */
@Injectable()
export class ChannelBlocksRepository {
  async isBlocked(tx: EntityManager, channelId: string, externalUserId: string): Promise<boolean> {
    const rows = (await tx.query(
      'SELECT blocked FROM conversation.channel_blocks WHERE channel_id = $1 AND external_user_id = $2',
      [channelId, externalUserId],
    )) as Array<{ blocked: boolean }>;
    return rows[0]?.blocked === true;
  }

  /**
   * Stores the flag unless a later fact is already stored (facts may arrive out of order); returns whether this
   * fact is now the current one.
   */
  async record(tx: EntityManager, channelId: string, externalUserId: string, blocked: boolean, factAt: string): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO conversation.channel_blocks (channel_id, external_user_id, blocked, fact_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel_id, external_user_id) DO UPDATE SET blocked = excluded.blocked, fact_at = excluded.fact_at
       WHERE conversation.channel_blocks.fact_at <= excluded.fact_at
       RETURNING 1`,
      [channelId, externalUserId, blocked, factAt],
    )) as unknown[];
    return rows.length > 0;
  }
}
