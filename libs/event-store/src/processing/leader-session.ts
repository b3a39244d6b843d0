import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/** Connection settings for a dedicated `pg` client, taken from the DataSource's own options. */
export function clientConfigFrom(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as PostgresConnectionOptions;
  if (options.type !== 'postgres') throw new Error(`the event store needs a postgres DataSource, got ${options.type}`);
  const config: ClientConfig = { application_name: 'parley-event-store' };
  if (options.url !== undefined) config.connectionString = options.url;
  if (options.host !== undefined) config.host = options.host;
  if (options.port !== undefined) config.port = options.port;
  if (options.username !== undefined) config.user = options.username;
  if (typeof options.password === 'string') config.password = options.password;
  if (options.database !== undefined) config.database = options.database;
  if (typeof options.ssl === 'boolean') config.ssl = options.ssl;
  else if (options.ssl !== undefined) config.ssl = options.ssl as ClientConfig['ssl'];
  return config;
}

/**
 * One dedicated connection per processor: it LISTENs for append notifications and holds the session-level
 * advisory lock that makes its processor the single active instance. When the connection dies, Postgres
 * releases the lock and a standby instance takes over.
 */
export class LeaderSession {
  private client: Client | undefined;
  private lost = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly lockKey: string,
    private readonly channel: string,
    private readonly onNotification: () => void,
  ) {}

  get open(): boolean {
    return this.client !== undefined && !this.lost;
  }

  async connect(): Promise<void> {
    const client = new Client(this.config);
    this.lost = false;
    const markLost = (): void => {
      if (this.client === client) this.lost = true;
    };
    client.on('error', markLost);
    client.on('end', markLost);
    client.on('notification', () => this.onNotification());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (err) {
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** Takes the advisory lock if it is free; true when this session holds it. */
  async tryLock(): Promise<boolean> {
    if (!this.client || this.lost) return false;
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [this.lockKey],
    );
    return rows[0]?.locked === true;
  }

  /** Closes the connection, which releases the lock. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }
}
