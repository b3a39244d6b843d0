import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { MessageReceivedV1 } from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import { backfillStart } from '../channels/backfill-window';
import { channelToken } from '../channels/channel-credentials';
import { ChannelRepository, type ChannelRecord } from '../channels/channel.repository';
import { SecretBox } from '../crypto/secret-box';
import { GatewayVkConfig } from '../gateway-vk.config';
import { GatewayVkMetrics } from '../health/gateway-vk.metrics';
import { InboundPublisher } from '../inbound/inbound-publisher';
import { ReceivedKeysRepository } from '../inbound/received-keys.repository';
import { MediaCopier } from '../media/media-copier';
import { VkApiClient, vkMessageToReceived } from '../vk';

/**
 * Fetches what customers wrote that Parley did not receive (while a channel was Disconnected, or lost in a callback
 * outage). Switching a channel to Active records `backfill_since` in the same transaction, so an owed backfill
 * survives a crash and is resumed by the poll (after a restart too). Every pass reads the whole window
 * (`BACKFILL_WINDOW_HOURS`, or further back when the mark is older) from `messages.getConversations` +
 * `getHistory`, oldest first, and skips the messages whose dedupe key is already in `received_keys`: a gap can lie
 * before the newest received message. Each other one is published as MessageReceived with `source: 'backfill'`
 * and the same dedupe key (and envelope id) a webhook would have had. The mark is cleared only when every message
 * is stored; a failure leaves it for the next pass.
 */
@Injectable()
export class BackfillRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(ReceivedKeysRepository) private readonly received: ReceivedKeysRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(VkApiClient) private readonly vk: VkApiClient,
    @Inject(MediaCopier) private readonly media: MediaCopier,
    @Inject(InboundPublisher) private readonly inbound: InboundPublisher,
    @Inject(GatewayVkMetrics) private readonly metrics: GatewayVkMetrics,
    @Inject(GatewayVkConfig) private readonly config: GatewayVkConfig,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  start(pollMs: number): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const pending = await this.channels.pendingBackfills().catch((err: unknown) => {
        this.logger.warn({ err }, 'could not read pending backfills');
        return [];
      });
      for (const channel of pending) {
        if (this.stopped) return;
        try {
          await this.run(channel);
        } catch (err: unknown) {
          this.logger.warn({ err, channelId: channel.id }, 'backfill failed; will retry');
        }
      }
    } while (this.again && !this.stopped);
  }

  private async run(channel: ChannelRecord): Promise<void> {
    const since = channel.backfillSince;
    if (since === null) return;
    const from = backfillStart(new Date(), this.config.BACKFILL_WINDOW_HOURS, since);
    const messages = await this.vk.messagesSince(channelToken(this.box, channel), { groupId: channel.groupId, since: from });
    const drafts = messages
      .filter((m) => m.out === 0)
      .map((m) => vkMessageToReceived(m, channel.groupId, { channelId: channel.id, lineId: channel.lineId }, 'backfill'));
    const known = await this.received.known(drafts.map((d) => d.fact.dedupeKey));
    let published = 0;
    for (const draft of drafts) {
      if (this.stopped) return;
      const key = draft.fact.dedupeKey;
      if (known.has(key)) continue;
      const attachments = await this.media.copyAll(draft.media);
      await this.inbound.publish(MessageReceivedV1, { ...draft.fact, attachments });
      await this.received.record(channel.id, [key]);
      await this.channels.recordReceived(channel.id, new Date(draft.fact.sentAt));
      this.metrics.backfilled.inc();
      published += 1;
    }
    if (this.stopped) return;
    await this.channels.clearBackfill(channel.id, since);
    this.logger.info({ channelId: channel.id, from: from.toISOString(), fetched: messages.length, published }, 'backfill done');
  }
}
