import { IsInt, IsString, IsUrl, Max, Min } from 'class-validator';
import { ServiceConfig } from '@parley/observability';

/**
 * The environment every Parley service with NATS and Postgres reads, validated at boot. Apps extend it with their
 * own variables (and their own PORT default), so the infrastructure variables mean the same thing everywhere.
 */
export class InfraServiceConfig extends ServiceConfig {
  /** NATS server(s), comma-separated, e.g. `nats://nats-0:4222,nats://nats-1:4222`. */
  @IsString({ each: true })
  @IsUrl({ require_tld: false, protocols: ['nats', 'tls', 'ws', 'wss'], require_protocol: true }, { each: true })
  NATS_URL!: string[];

  /** Postgres connection string; the service owns one schema in it. */
  @IsUrl({ require_tld: false, protocols: ['postgres', 'postgresql'], require_protocol: true })
  DATABASE_URL!: string;

  /**
   * Replicas of the JetStream streams and buckets every service provisions at boot: 1 on a single server, 3 on a
   * cluster. All services of one deployment must agree, or they would keep re-configuring the streams.
   */
  @IsInt()
  @Min(1)
  @Max(5)
  NATS_REPLICAS: number = 1;
}
