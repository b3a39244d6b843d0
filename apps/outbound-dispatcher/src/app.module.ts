import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type Type,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { MessagingHealth, MessagingModule, RequestClient } from '@parley/messaging';
import { HealthRegistry, PARLEY_LOGGER, ServiceMetrics } from '@parley/observability';
import type { Logger as PinoLogger } from 'pino';
import { OutboxRelay, OutboxWriter, PgListener, outboxProviders, registerReadinessChecks } from '@parley/service-kit';
import { DataSource } from 'typeorm';
import { DISPATCHER_OUTBOX, openDispatcherDatabase } from './database/dispatcher-data-source';
import { DeliveryOutcomes } from './delivery/delivery-outcomes';
import { DeliveryRepository, WORK_CHANNEL } from './delivery/delivery.repository';
import { DeliveryWorker } from './delivery/delivery.worker';
import { DispatcherMetrics } from './delivery/dispatcher-metrics';
import { ReplyRequestedHandler } from './delivery/reply-requested.handler';
import { OutboundDispatcherConfig, SERVICE_NAME } from './outbound-dispatcher.config';
import { parseCapabilityOverrides } from './rate-limit/capability-overrides';
import { resolveCapabilities } from './rate-limit/channel-capabilities';
import { RateLimiter } from './rate-limit/rate-limiter';

const CONFIG = Symbol('OUTBOUND_DISPATCHER_CONFIG');

/** Advisory lock key of the outbox relay lease ("dobx"). */
const OUTBOX_LEASE_KEY = 0x646f6278;

/** Starts the worker, the relay and the LISTEN signal after boot; stops them in order before messaging drains. */
@Injectable()
class DispatcherLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  /** LISTEN on the work channel, so a reply recorded (or a conversation unblocked) by another replica wakes this one. */
  private readonly signal: PgListener;

  constructor(
    @Inject(CONFIG) config: OutboundDispatcherConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DeliveryWorker) private readonly worker: DeliveryWorker,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(MessagingHealth) private readonly messaging: MessagingHealth,
    @Inject(PARLEY_LOGGER) logger: PinoLogger,
  ) {
    this.signal = new PgListener({
      databaseUrl: config.DATABASE_URL,
      channel: WORK_CHANNEL,
      applicationName: 'outbound-dispatcher-listen',
      onSignal: () => this.worker.kick(),
      logger,
    });
  }

  onModuleInit(): void {
    registerReadinessChecks(this.health, this.dataSource, this.messaging, { requireHandlers: false });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.relay.start();
    this.worker.start();
    await this.signal.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.signal.stop();
    await this.worker.stop();
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.health.unregister('postgres');
    this.health.unregister('nats');
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The outbound dispatcher: records ReplyRequested, sends in order within rate limits, publishes outcomes. */
export function createAppModule(config: OutboundDispatcherConfig): Type<unknown> {
  if (config.CLAIM_LEASE_MS <= config.SEND_TIMEOUT_MS) {
    throw new Error(`CLAIM_LEASE_MS (${config.CLAIM_LEASE_MS}) must be greater than SEND_TIMEOUT_MS (${config.SEND_TIMEOUT_MS})`);
  }
  const capabilities = resolveCapabilities(parseCapabilityOverrides(config.RATE_LIMITS), config.RATE_LIMIT_SHARE);

  @Module({
    imports: [
      MessagingModule.forRoot({
        serviceName: SERVICE_NAME,
        servers: config.NATS_URL,
        provisionStreams: { replicas: config.NATS_REPLICAS },
        requestTimeoutMs: config.SEND_TIMEOUT_MS,
      }),
    ],
    providers: [
      { provide: CONFIG, useValue: config },
      {
        provide: DataSource,
        useFactory: () => openDispatcherDatabase(config.DATABASE_URL, config.DB_POOL_SIZE),
      },
      { provide: DeliveryRepository, inject: [DataSource], useFactory: (ds: DataSource) => new DeliveryRepository(ds) },
      ...outboxProviders({ table: DISPATCHER_OUTBOX, leaseKey: OUTBOX_LEASE_KEY, pollMs: config.OUTBOX_POLL_MS }),
      {
        provide: DeliveryOutcomes,
        inject: [DataSource, DeliveryRepository, OutboxWriter],
        useFactory: (ds: DataSource, d: DeliveryRepository, o: OutboxWriter) => new DeliveryOutcomes(ds, d, o),
      },
      { provide: DispatcherMetrics, inject: [ServiceMetrics], useFactory: (m: ServiceMetrics) => new DispatcherMetrics(m) },
      {
        provide: DeliveryWorker,
        inject: [DeliveryRepository, DeliveryOutcomes, RequestClient, DispatcherMetrics, PARLEY_LOGGER, OutboxRelay],
        useFactory: (d: DeliveryRepository, o: DeliveryOutcomes, r: RequestClient, m: DispatcherMetrics, logger: PinoLogger, relay: OutboxRelay) =>
          new DeliveryWorker(
            d,
            o,
            new RateLimiter(capabilities),
            r,
            m,
            logger,
            {
              maxInFlight: config.MAX_IN_FLIGHT,
              sendTimeoutMs: config.SEND_TIMEOUT_MS,
              leaseMs: config.CLAIM_LEASE_MS,
              pollMs: config.POLL_MS,
              retry: {
                maxAttempts: config.RETRY_MAX_ATTEMPTS,
                maxAgeMs: config.RETRY_MAX_AGE_MS,
                baseDelayMs: config.RETRY_BASE_DELAY_MS,
                maxDelayMs: config.RETRY_MAX_DELAY_MS,
                jitter: 0.2,
              },
            },
            () => relay.kick(),
          ),
      },
      ReplyRequestedHandler,
      DispatcherLifecycle,
    ],
  })
  class OutboundDispatcherModule {}

  return OutboundDispatcherModule;
}
