import { IsInt, Max, Min } from 'class-validator';
import { InfraServiceConfig } from '@parley/service-kit';

/** contact-service configuration, read from the environment and validated at boot. */
export class ContactServiceConfig extends InfraServiceConfig {
  override PORT: number = 3103;

  /** How long one profile look-up at the gateway may take before it counts as failed (and is retried). */
  @IsInt()
  @Min(100)
  @Max(120_000)
  PROFILE_FETCH_TIMEOUT_MS: number = 10_000;

  /** Safety-net poll of the outbox (rows are normally published right after their transaction commits). */
  @IsInt()
  @Min(50)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 1_000;
}
