import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import type { ChannelConnection } from '../adapter/channel-adapter';
import { GatewayContext } from '../gateway/gateway-context';
import { ChannelRegistry, describe } from './channel-registry';

/** Errors that say the channel itself is broken (credentials revoked): the channel is deactivated at once. */
const CRITICAL: ReadonlySet<string> = new Set([SendErrorCodes.CHANNEL_AUTH_FAILED]);
/** Errors that count toward `degraded`: the messenger failing us (not throttling, not a refusal of one message). */
const COUNTED: ReadonlySet<string> = new Set([SendErrorCodes.MESSENGER_UNAVAILABLE]);

/**
 * Channel health from the outcomes of messenger API calls (sends, profile look-ups, backfill): N consecutive
 * failures → `degraded`, a critical error → `deactivated` (sends refused until an admin switches the channel
 * Active again, which re-checks the credentials), a success → `healthy`. Counts live in memory; Postgres is
 * written only when the state changes, so the normal path costs nothing.
 */
@Injectable()
export class ChannelHealthTracker {
  private readonly failures = new Map<string, number>();

  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(ChannelRegistry) private readonly registry: ChannelRegistry,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  succeeded(connection: ChannelConnection<object, object>): void {
    this.failures.delete(connection.id);
    if (connection.health === 'degraded') this.write(connection.id, 'healthy', null);
  }

  failed(connection: ChannelConnection<object, object>, err: unknown): void {
    if (!(err instanceof ParleyError)) return;
    if (CRITICAL.has(err.code)) {
      if (connection.health !== 'deactivated') this.write(connection.id, 'deactivated', reasonOf(err));
      return;
    }
    if (!COUNTED.has(err.code)) return;
    const count = (this.failures.get(connection.id) ?? 0) + 1;
    this.failures.set(connection.id, count);
    if (count >= this.context.config.CHANNEL_DEGRADED_AFTER_FAILURES && connection.health === 'healthy') {
      this.write(connection.id, 'degraded', reasonOf(err));
    }
  }

  private write(channelId: string, health: 'healthy' | 'degraded' | 'deactivated', reason: string | null): void {
    this.registry.setHealth(channelId, health, reason).catch((err: unknown) => {
      this.logger.warn({ channelId, health, err: describe(err) }, 'could not record channel health');
    });
  }
}

function reasonOf(err: ParleyError): string {
  return err.message.slice(0, 500);
}
