import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingHealth } from '@parley/messaging';
import { HealthRegistry } from '@parley/observability';
import { OutboxRelay, OutboxServiceLifecycle } from '@parley/service-kit';
import { BackfillRunner } from '../backfill/backfill-runner';
import { GatewayContext } from './gateway-context';

/** The service kit's lifecycle (readiness, outbox relay, pool closed last) plus the backfill worker and the adapter. */
@Injectable()
export class GatewayLifecycle extends OutboxServiceLifecycle {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(HealthRegistry) health: HealthRegistry,
    @Inject(MessagingHealth) messaging: MessagingHealth,
    @Inject(OutboxRelay) relay: OutboxRelay,
    @Inject(BackfillRunner) private readonly backfill: BackfillRunner,
    @Inject(GatewayContext) private readonly context: GatewayContext,
  ) {
    super(dataSource, health, messaging, relay);
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.backfill.start(Math.max(this.context.config.OUTBOX_POLL_MS * 5, 1_000));
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([super.beforeApplicationShutdown(), this.backfill.stop()]);
  }

  override async onApplicationShutdown(): Promise<void> {
    await this.context.adapter.close?.();
    await super.onApplicationShutdown();
  }
}
