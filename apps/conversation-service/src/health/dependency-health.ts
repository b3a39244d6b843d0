import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MessagingHealth } from '@parley/messaging';
import { HealthRegistry } from '@parley/observability';
import { registerReadinessChecks } from '@parley/service-kit';
import { DataSource } from 'typeorm';

/** Readiness: Postgres answers, and NATS is connected with every consumer and responder running. */
@Injectable()
export class DependencyHealth implements OnModuleInit {
  constructor(
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(MessagingHealth) private readonly messaging: MessagingHealth,
  ) {}

  onModuleInit(): void {
    registerReadinessChecks(this.health, this.dataSource, this.messaging);
  }
}
