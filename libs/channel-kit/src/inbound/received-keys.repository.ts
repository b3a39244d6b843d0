import type { DataSource } from 'typeorm';

/** Which of a delivery's keys were seen: dedupe keys already published, and whether it echoes Parley's own send. */
export interface SeenKeys {
  known: Set<string>;
  ownEcho: boolean;
}

/**
 * Keys of inbound facts already published to PARLEY_INBOUND (`<type>:<account>:msg:<id>`, event keys), kept
 * forever: messengers' retry schedules are undocumented and a replay hours later must still be recognised.
 * (Downstream de-duplicates by dedupeKey as well.)
 */
export class ReceivedKeysRepository {
  private readonly keys: string;
  private readonly sent: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.keys = `${schema}.received_keys`;
    this.sent = `${schema}.sent_messages`;
  }

  /**
   * One round trip: the subset of `keys` recorded, and (with `echo`) whether that send key, or that messenger
   * message id, is one of Parley's own sends of the account — the webhook's only query before its publish.
   */
  async seen(keys: readonly string[], echo?: { accountId: string; sendKey?: string; externalMessageId?: string }): Promise<SeenKeys> {
    if (keys.length === 0 && !echo) return { known: new Set(), ownEcho: false };
    const rows = (await (echo
      ? this.dataSource.query(
          `SELECT key FROM ${this.keys} WHERE key = ANY($1::text[])
           UNION ALL (SELECT NULL FROM ${this.sent} WHERE account_id = $2 AND send_key = $3
                      UNION ALL SELECT NULL FROM ${this.sent} WHERE account_id = $2 AND external_message_id = $4 LIMIT 1)`,
          [keys, echo.accountId, echo.sendKey ?? null, echo.externalMessageId ?? null],
        )
      : this.dataSource.query(`SELECT key FROM ${this.keys} WHERE key = ANY($1::text[])`, [keys]))) as Array<{ key: string | null }>;
    const known = new Set<string>();
    let ownEcho = false;
    for (const r of rows) {
      if (r.key === null) ownEcho = true;
      else known.add(r.key);
    }
    return { known, ownEcho };
  }

  async record(channelId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO ${this.keys} (key, channel_id) SELECT k, $2 FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING`,
      [keys, channelId],
    );
  }
}
