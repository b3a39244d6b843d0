import { Inject, Injectable } from '@nestjs/common';
import { causedBy, ParleyError, ReplyReceiptReceivedV1, type Envelope, type ReplyReceiptReceived } from '@parley/contracts';
import { OnEvent, type DeliveryContext } from '@parley/messaging';
import { PARLEY_LOGGER, type PinoLogger } from '@parley/observability';
import { decideReceipt } from '../conversation/conversation.decider';
import { ConversationRepository } from '../conversation/conversation.repository';
import { toNewEvent } from '../conversation/conversation-stream.mapper';
import { ReplyExternalIdsRepository } from './reply-external-ids.repository';

/** A receipt for a message whose ReplyDispatched is not recorded yet (the messenger can be faster than the dispatcher). */
export const REPLY_NOT_KNOWN_YET = 'REPLY_NOT_KNOWN_YET';
const NOT_KNOWN_RETRY_MS = 1_000;
/**
 * A receipt still unmatched after this many deliveries (about 20 s) is for a message that is no reply's external id
 * (an earlier part of a multi-part reply, a message sent outside Parley): it is acknowledged and logged, not
 * dead-lettered.
 */
export const RECEIPT_GIVE_UP_AFTER = 20;

/**
 * Records the messenger's receipts (Viber `delivered` / `seen` / `failed`) on the reply they concern: the reply is
 * found by (channel, the id the gateway's send returned), mapped when ReplyDelivered was recorded. The inbound
 * fact's dedupe key is the idempotency key, so a redelivered receipt stores nothing.
 */
@Injectable()
export class ReplyReceiptHandler {
  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(ReplyExternalIdsRepository) private readonly replyIds: ReplyExternalIdsRepository,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  @OnEvent(ReplyReceiptReceivedV1, {
    durable: 'conversation-service-reply-receipts',
    partitionKey: (e) => `${e.data.channelId}:${e.data.externalChatId}`,
  })
  async onReceipt(envelope: Envelope<ReplyReceiptReceived, 'ReplyReceiptReceived'>, delivery: DeliveryContext): Promise<void> {
    const { channelId, externalMessageId, status, reason, sentAt, dedupeKey } = envelope.data;
    const target = await this.replyIds.find(channelId, externalMessageId);
    if (!target && delivery.deliveryCount >= RECEIPT_GIVE_UP_AFTER) {
      this.logger.info({ channelId, externalMessageId, status }, 'receipt for a message that is no reply of this service: ignored');
      return;
    }
    if (!target) {
      throw new ParleyError(REPLY_NOT_KNOWN_YET, `no delivered reply with id ${externalMessageId} on channel ${channelId} (yet)`, {
        retryable: true,
        retryAfterMs: NOT_KNOWN_RETRY_MS,
      });
    }
    await this.conversations.handle(target.conversationId, (state) =>
      decideReceipt(state, { ...target, status, receivedAt: sentAt, ...(reason === undefined ? {} : { reason }) }).map((e) =>
        toNewEvent(e, causedBy(envelope), dedupeKey),
      ),
    );
  }
}
