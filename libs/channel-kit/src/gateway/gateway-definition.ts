import type { ChannelType } from '@parley/contracts';
import type { AdvisoryLockKey } from '@parley/service-kit';
import type { PinoLogger } from '@parley/observability';
import type { MigrationInterface } from 'typeorm';
import type { ChannelAdapter } from '../adapter/channel-adapter';
import type { GatewayConfig } from './gateway.config';

export type MigrationClass = new () => MigrationInterface;

/**
 * A gateway, as its `main.ts` describes it to the kit. The kit builds the Nest app from it: HTTP webhooks,
 * NATS request handlers on `GatewayRequestsByType[type]`, the registry on `<schema>.channels`, and so on.
 */
export interface GatewayDefinition<TConfig extends GatewayConfig = GatewayConfig> {
  type: ChannelType;
  /** `gateway-<type>`: queue group, logs, the associated data of encrypted credentials (`<serviceName>:<channelId>:<field>`). */
  serviceName: string;
  /** The Postgres schema the gateway owns (`gateway_<type>`); the kit's tables are created in it. */
  schema: string;
  /** Metric names are `parley_<metricsPrefix>_webhooks_total`, … (default: the type). */
  metricsPrefix?: string;
  /** Builds the adapter once at boot. */
  createAdapter(config: TConfig, logger: PinoLogger): ChannelAdapter<object, object>;
  /** The messenger API base URL in use: its host is allowed for media downloads besides `capabilities.mediaHosts`. */
  apiBaseUrl(config: TConfig): string;
  /** Largest inbound media file copied into the attachment store (default 50 MB). */
  maxMediaBytes?(config: TConfig): number;
  /**
   * The gateway's own migrations, run before the kit's (`channelKitMigrations(schema)`), in timestamp order.
   * Existing gateways keep their history here (gateway-vk's original tables, then their move onto the kit's).
   */
  migrations?: readonly MigrationClass[];
  /** Advisory lock keys of the migrations and of the outbox relay lease (default `<schema>:migrations`, `<schema>:outbox`). */
  lockKeys?: { migrations?: AdvisoryLockKey; outboxLease?: AdvisoryLockKey };
}
