import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { MessagingHealth } from '@parley/messaging';
import { HealthRegistry } from '@parley/observability';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '../outbox/outbox-relay';
import { registerReadinessChecks } from './readiness-checks';

/**
 * The lifecycle of a service that owns a schema and an outbox: readiness checks (Postgres, NATS with every
 * handler running), the relay started after boot and stopped before messaging drains, the pool closed last.
 * Needs `DataSource`, `OutboxRelay`, `HealthRegistry` and `MessagingHealth` as providers.
 */
@Injectable()
export class OutboxServiceLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(MessagingHealth) private readonly messaging: MessagingHealth,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    registerReadinessChecks(this.health, this.dataSource, this.messaging);
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
