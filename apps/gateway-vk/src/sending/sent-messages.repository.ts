import type { DataSource } from 'typeorm';

export interface SentMessage {
  randomId: number;
  replyId: string;
  vkMessageId: number | null;
  sentAt: Date | null;
}

/**
 * Parley's own sends by `random_id`. A row is written BEFORE `messages.send` (VK's `message_reply` echo can arrive
 * before the send answers) and completed with VK's message id after it.
 */
export class SentMessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(groupId: number, randomId: number): Promise<SentMessage | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT random_id::text AS random_id, reply_id, vk_message_id::text AS vk_message_id, sent_at FROM gateway_vk.sent_messages WHERE group_id = $1 AND random_id = $2',
      [groupId, randomId],
    )) as Array<{ random_id: string; reply_id: string; vk_message_id: string | null; sent_at: Date | null }>;
    const r = rows[0];
    return r ? { randomId: Number(r.random_id), replyId: r.reply_id, vkMessageId: r.vk_message_id === null ? null : Number(r.vk_message_id), sentAt: r.sent_at } : undefined;
  }

  async recordAttempt(groupId: number, randomId: number, channelId: string, replyId: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO gateway_vk.sent_messages (group_id, random_id, channel_id, reply_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [groupId, randomId, channelId, replyId],
    );
  }

  async recordSent(groupId: number, randomId: number, vkMessageId: number, sentAt: Date): Promise<void> {
    await this.dataSource.query(
      'UPDATE gateway_vk.sent_messages SET vk_message_id = $3, sent_at = COALESCE(sent_at, $4) WHERE group_id = $1 AND random_id = $2',
      [groupId, randomId, vkMessageId, sentAt],
    );
  }
}
