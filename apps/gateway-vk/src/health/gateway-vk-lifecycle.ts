import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingHealth } from '@parley/messaging';
import { HealthRegistry } from '@parley/observability';
import { OutboxRelay, OutboxServiceLifecycle } from '@parley/service-kit';
import { BackfillRunner } from '../backfill/backfill-runner';
import { GatewayVkConfig } from '../gateway-vk.config';
import { VkApiClient } from '../vk';

/** The service kit's lifecycle (readiness checks, outbox relay, pool closed last) plus the backfill worker and the VK client. */
@Injectable()
export class GatewayVkLifecycle extends OutboxServiceLifecycle {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(HealthRegistry) health: HealthRegistry,
    @Inject(MessagingHealth) messaging: MessagingHealth,
    @Inject(OutboxRelay) relay: OutboxRelay,
    @Inject(BackfillRunner) private readonly backfill: BackfillRunner,
    @Inject(VkApiClient) private readonly vk: VkApiClient,
    @Inject(GatewayVkConfig) private readonly config: GatewayVkConfig,
  ) {
    super(dataSource, health, messaging, relay);
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.backfill.start(Math.max(this.config.OUTBOX_POLL_MS * 5, 1_000));
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([super.beforeApplicationShutdown(), this.backfill.stop()]);
  }

  override async onApplicationShutdown(): Promise<void> {
    this.vk.close();
    await super.onApplicationShutdown();
  }
}
