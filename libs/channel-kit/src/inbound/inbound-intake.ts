import { Inject, Injectable } from '@nestjs/common';
import {
  CustomerBlockedChannelV1,
  CustomerUnblockedChannelV1,
  ExternalReplyReceivedV1,
  MessageReceivedV1,
} from '@parley/contracts';
import type { ChannelConnection, InboundItem } from '../adapter/channel-adapter';
import { MediaTransfer } from '../media/media-transfer';
import { InboundPublisher } from './inbound-publisher';
import { ReceivedKeysRepository } from './received-keys.repository';

export type IntakeOutcome = 'published' | 'duplicate' | 'own-echo';

/**
 * The way of one inbound item into PARLEY_INBOUND, shared by webhooks, backfill and sources that are not webhooks
 * (the web widget): one query for its keys (and own echo), media into the attachment store, publish and wait for
 * the PubAck, then record its keys. Resolving means JetStream has it; throwing means it may not (retry).
 */
@Injectable()
export class InboundIntake {
  constructor(
    @Inject(ReceivedKeysRepository) private readonly received: ReceivedKeysRepository,
    @Inject(MediaTransfer) private readonly media: MediaTransfer,
    @Inject(InboundPublisher) private readonly inbound: InboundPublisher,
  ) {}

  async ingest(connection: ChannelConnection<object, object>, item: InboundItem): Promise<IntakeOutcome> {
    const keys = [item.fact.dedupeKey, ...(item.alsoKnownAs ?? [])];
    const echo =
      item.kind === 'external-reply' && (item.echoOfSendKey !== undefined || item.echoOfExternalId !== undefined)
        ? {
            accountId: connection.externalId,
            ...(item.echoOfSendKey === undefined ? {} : { sendKey: item.echoOfSendKey }),
            ...(item.echoOfExternalId === undefined ? {} : { externalMessageId: item.echoOfExternalId }),
          }
        : undefined;
    const seen = await this.received.seen(keys, echo);
    if (seen.ownEcho) return 'own-echo';
    if (seen.known.size > 0) {
      // Remember the other keys of this delivery too (a replay of its event id is then known without the message).
      if (seen.known.size < keys.length) await this.received.record(connection.id, keys);
      return 'duplicate';
    }
    await this.publish(connection, item);
    await this.received.record(connection.id, keys);
    return 'published';
  }

  private async publish(connection: ChannelConnection<object, object>, item: InboundItem): Promise<void> {
    switch (item.kind) {
      case 'message-received':
        await this.inbound.publish(MessageReceivedV1, { ...item.fact, attachments: await this.media.copyAll(connection, item.media) });
        return;
      case 'external-reply':
        await this.inbound.publish(ExternalReplyReceivedV1, { ...item.fact, attachments: await this.media.copyAll(connection, item.media) });
        return;
      case 'customer-blocked':
        await this.inbound.publish(CustomerBlockedChannelV1, item.fact);
        return;
      case 'customer-unblocked':
        await this.inbound.publish(CustomerUnblockedChannelV1, item.fact);
        return;
      case 'event': {
        const data = item.media ? { ...item.fact, attachments: await this.media.copyAll(connection, item.media) } : item.fact;
        await this.inbound.publish(item.definition, data);
        return;
      }
    }
  }
}
