import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PARLEY_LOGGER } from '@parley/observability';
import { Client } from 'pg';
import type { Logger as PinoLogger } from 'pino';
import { ConsoleApiConfig } from '../console-api.config';
import { OPERATORS_CHANNEL } from '../operators/operators.repository';
import { OperatorsService } from '../operators/operators.service';
import { FEED_CHANNEL } from './feed.repository';
import { LiveHub } from './live-hub.service';

/**
 * LISTEN console_feed on a dedicated connection: with several replicas, the one whose consumer wrote a row is
 * not the one holding every socket, so each replica's hub is woken by Postgres as well. Reconnects with backoff;
 * after a reconnect it wakes the hub once (rows written meanwhile are read from the table, never lost).
 * The same connection LISTENs on console_operators: an account changed on any replica (a role, say) is reloaded
 * and handed to the hub, so what a socket may see follows the role at once; after a reconnect every connected
 * operator is reloaded.
 */
@Injectable()
export class FeedNotifyListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(ConsoleApiConfig) private readonly config: ConsoleApiConfig,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(OperatorsService) private readonly operators: OperatorsService,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'console-api-listen' });
    client.on('notification', (message) => {
      if (message.channel === OPERATORS_CHANNEL) void this.reloadOperators(message.payload ? [message.payload] : []);
      else this.hub.wake();
    });
    client.on('error', (err) => {
      this.logger.warn({ err }, 'feed LISTEN connection failed; reconnecting');
      this.retry(client, 1);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${FEED_CHANNEL}; LISTEN ${OPERATORS_CHANNEL}`);
      this.client = client;
      if (attempt > 0) {
        this.hub.wake();
        void this.reloadOperators(this.hub.connectedOperatorIds());
      }
    } catch (err: unknown) {
      this.logger.warn({ err }, 'feed LISTEN connection failed; reconnecting');
      this.retry(client, attempt + 1);
    }
  }

  private async reloadOperators(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      try {
        const operator = await this.operators.get(id);
        if (operator) this.hub.operatorChanged(operator);
      } catch (err: unknown) {
        this.logger.warn({ err, operatorId: id }, 'reloading a changed operator failed');
      }
    }
  }

  private retry(client: Client, attempt: number): void {
    void client.end().catch(() => undefined);
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect(attempt);
    }, delay);
    this.retryTimer.unref();
  }
}
