import { Client } from 'pg';
import type { Logger } from '@parley/observability';

export interface PgListenerOptions {
  databaseUrl: string;
  /** The NOTIFY channel (quoted when listening, so any name works). */
  channel: string;
  applicationName: string;
  /** Called on every notification, and once after each (re)connect to catch up with what was missed. */
  onSignal: () => void;
  logger: Logger;
  reconnectMs?: number;
}

/**
 * LISTEN on a dedicated connection (outside the pool), so work committed by another replica wakes this one at
 * once. Reconnects after a lost connection; the caller's poll covers the gap.
 */
export class PgListener {
  private client: Client | undefined;
  private stopped = true;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: PgListenerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  get isListening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: this.options.applicationName });
    client.on('notification', () => this.options.onSignal());
    client.on('error', (err: Error) => {
      this.options.logger.warn({ err, channel: this.options.channel }, 'LISTEN connection lost; reconnecting');
      this.reconnectSoon(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel.replace(/"/g, '""')}"`);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.options.onSignal();
    } catch (err: unknown) {
      this.options.logger.warn({ err, channel: this.options.channel }, 'could not LISTEN; retrying');
      this.reconnectSoon(client);
    }
  }

  private reconnectSoon(client: Client): void {
    client.end().catch(() => undefined);
    if (this.client === client) this.client = undefined;
    if (this.stopped || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect();
    }, this.options.reconnectMs ?? 1_000);
    this.retry.unref();
  }
}
