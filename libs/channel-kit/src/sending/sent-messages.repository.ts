import type { DataSource } from 'typeorm';

export interface SentMessage {
  sendKey: string;
  replyId: string;
  externalMessageId: string | null;
  sentAt: Date | null;
}

/**
 * Parley's own sends by (account, send key). A row is written BEFORE the messenger call (VK's `message_reply`
 * echo can arrive before the send answers) and completed with the messenger's message id after it.
 */
export class SentMessagesRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `${schema}.sent_messages`;
  }

  async find(accountId: string, sendKey: string): Promise<SentMessage | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT send_key, reply_id, external_message_id, sent_at FROM ${this.table} WHERE account_id = $1 AND send_key = $2`,
      [accountId, sendKey],
    )) as Array<{ send_key: string; reply_id: string; external_message_id: string | null; sent_at: Date | null }>;
    const r = rows[0];
    return r ? { sendKey: r.send_key, replyId: r.reply_id, externalMessageId: r.external_message_id, sentAt: r.sent_at } : undefined;
  }

  async recordAttempt(accountId: string, sendKey: string, channelId: string, replyId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.table} (account_id, send_key, channel_id, reply_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [accountId, sendKey, channelId, replyId],
    );
  }

  async recordSent(accountId: string, sendKey: string, externalMessageId: string, sentAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET external_message_id = $3, sent_at = COALESCE(sent_at, $4) WHERE account_id = $1 AND send_key = $2`,
      [accountId, sendKey, externalMessageId, sentAt],
    );
  }
}
