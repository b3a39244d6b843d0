import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { PARLEY_LOGGER } from '@parley/observability';
import type { ChannelRecord } from '../channels/channel-record';
import { ChannelRepository } from '../channels/channel.repository';
import { ConnectionCache } from '../channels/connection-cache';
import { GatewayContext } from '../gateway/gateway-context';
import { GatewayMetrics } from '../gateway/gateway.metrics';
import { InboundIntake } from '../inbound/inbound-intake';
import { ConnectionPacer } from '../pacing/connection-pacer';
import { KickLoop } from './kick-loop';

/**
 * Fetches what customers wrote while a channel was Disconnected (where the messenger has a history API).
 * Switching a channel to Active records `backfill_since = now − BACKFILL_WINDOW_HOURS` in the same transaction,
 * so an owed backfill survives a crash and is resumed by the poll. The adapter lists the whole window, oldest
 * first; each item takes the webhook's way (`InboundIntake`: same dedupe keys and envelope ids), so everything
 * Parley already has is skipped by its key. The mark is cleared only when every item is stored.
 */
@Injectable()
export class BackfillRunner {
  private readonly loop = new KickLoop((stopped) => this.pass(stopped));

  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(ConnectionCache) private readonly cache: ConnectionCache,
    @Inject(InboundIntake) private readonly intake: InboundIntake,
    @Inject(ConnectionPacer) private readonly pacer: ConnectionPacer,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  start(pollMs: number): void {
    if (this.context.adapter.history) this.loop.start(pollMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  kick(): void {
    this.loop.kick();
  }

  private async pass(stopped: () => boolean): Promise<void> {
    const pending = await this.channels.pendingBackfills().catch((err: unknown) => {
      this.logger.warn({ err }, 'could not read pending backfills');
      return [];
    });
    for (const channel of pending) {
      if (stopped()) return;
      try {
        await this.run(channel, stopped);
      } catch (err: unknown) {
        this.logger.warn({ err, channelId: channel.id }, 'backfill failed; will retry');
      }
    }
  }

  private async run(channel: ChannelRecord, stopped: () => boolean): Promise<void> {
    const since = channel.backfillSince;
    const history = this.context.adapter.history;
    if (since === null || !history) return;
    const connection = this.cache.toConnection(channel);
    let fetched = 0;
    let published = 0;
    const items = history.call(this.context.adapter, connection, since, (options) => this.pacer.acquire(connection.id, options));
    for await (const item of items) {
      if (stopped()) return;
      fetched += 1;
      if ((await this.intake.ingest(connection, item)) !== 'published') continue;
      this.metrics.backfilled.inc();
      published += 1;
    }
    await this.channels.clearBackfill(channel.id, since);
    this.logger.info({ channelId: channel.id, since: since.toISOString(), fetched, published }, 'backfill done');
  }
}
