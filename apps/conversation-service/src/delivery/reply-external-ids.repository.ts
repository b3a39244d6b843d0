import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ReplyTarget {
  conversationId: string;
  replyId: string;
}

/** `conversation.reply_external_ids`: the messenger's id of a delivered reply (per channel) → the reply. */
@Injectable()
export class ReplyExternalIdsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async record(tx: EntityManager, channelId: string, externalMessageId: string, target: ReplyTarget): Promise<void> {
    await tx.query(
      `INSERT INTO conversation.reply_external_ids (channel_id, external_message_id, conversation_id, reply_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel_id, external_message_id) DO NOTHING`,
      [channelId, externalMessageId, target.conversationId, target.replyId],
    );
  }

  async find(channelId: string, externalMessageId: string): Promise<ReplyTarget | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT conversation_id, reply_id FROM conversation.reply_external_ids WHERE channel_id = $1 AND external_message_id = $2',
      [channelId, externalMessageId],
    )) as Array<{ conversation_id: string; reply_id: string }>;
    const row = rows[0];
    return row ? { conversationId: row.conversation_id, replyId: row.reply_id } : undefined;
  }
}
