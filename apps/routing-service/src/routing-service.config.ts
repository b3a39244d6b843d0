import { IsInt, Max, Min } from 'class-validator';
import { InfraServiceConfig } from '@parley/service-kit';

/** routing-service configuration, read from the environment and validated at boot. */
export class RoutingServiceConfig extends InfraServiceConfig {
  override PORT: number = 3104;

  /** Safety-net poll of the outbox (rows are normally published right after their transaction commits). */
  @IsInt()
  @Min(50)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 1_000;
}
