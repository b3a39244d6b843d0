import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingHealth } from '@parley/messaging';
import { HealthRegistry, PARLEY_LOGGER, type PinoLogger } from '@parley/observability';
import { OutboxRelay, OutboxServiceLifecycle, outboxTable, PgListener } from '@parley/service-kit';
import { BackfillRunner } from '../backfill/backfill-runner';
import { ConnectionCache } from '../channels/connection-cache';
import { GatewayContext } from './gateway-context';

/**
 * The service kit's lifecycle (readiness, outbox relay, pool closed last) plus the backfill worker, the LISTEN that
 * invalidates the connection cache when any replica changes a channel, and the adapter's clients.
 */
@Injectable()
export class GatewayLifecycle extends OutboxServiceLifecycle {
  private readonly listener: PgListener;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(HealthRegistry) health: HealthRegistry,
    @Inject(MessagingHealth) messaging: MessagingHealth,
    @Inject(OutboxRelay) relay: OutboxRelay,
    @Inject(BackfillRunner) private readonly backfill: BackfillRunner,
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(ConnectionCache) cache: ConnectionCache,
    @Inject(PARLEY_LOGGER) logger: PinoLogger,
  ) {
    super(dataSource, health, messaging, relay);
    this.listener = new PgListener({
      databaseUrl: context.config.DATABASE_URL,
      channel: outboxTable(context.schema).notifyChannel,
      applicationName: `${context.serviceName}-channels`,
      onSignal: () => cache.clear(),
      logger,
    });
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    void this.listener.start();
    this.backfill.start(Math.max(this.context.config.OUTBOX_POLL_MS * 5, 1_000));
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([super.beforeApplicationShutdown(), this.backfill.stop(), this.listener.stop()]);
  }

  override async onApplicationShutdown(): Promise<void> {
    await this.context.adapter.close?.();
    await super.onApplicationShutdown();
  }
}
