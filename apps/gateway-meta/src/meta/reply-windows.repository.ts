import { Pool } from 'pg';

/**
 * The customer's last message time per chat (`<schema>.reply_windows`): Meta's reply windows are checked before
 * sending. Written as webhooks are received (the newest time wins), read by `send`.
 */
export class ReplyWindowsRepository {
  private readonly table: string;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly pool: Pool,
    schema: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.table = `${schema}.reply_windows`;
  }

  static connect(databaseUrl: string, schema: string, onError: (err: unknown) => void): ReplyWindowsRepository {
    return new ReplyWindowsRepository(new Pool({ connectionString: databaseUrl, max: 4 }), schema, onError);
  }

  /** Records a customer message time without waiting (webhook verdicts are synchronous); `send` waits for it. */
  touch(channelId: string, chatId: string, at: Date): void {
    const write = this.pool
      .query(
        `INSERT INTO ${this.table} (channel_id, chat_id, last_customer_at) VALUES ($1, $2, $3)
         ON CONFLICT (channel_id, chat_id) DO UPDATE SET last_customer_at = GREATEST(${this.table}.last_customer_at, EXCLUDED.last_customer_at)`,
        [channelId, chatId, at],
      )
      .then(() => undefined, this.onError);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  async lastCustomerAt(channelId: string, chatId: string): Promise<Date | undefined> {
    await Promise.all([...this.pending]);
    const { rows } = await this.pool.query<{ last_customer_at: Date }>(`SELECT last_customer_at FROM ${this.table} WHERE channel_id = $1 AND chat_id = $2`, [channelId, chatId]);
    return rows[0]?.last_customer_at;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.pool.end();
  }
}
