import { Inject, Injectable } from '@nestjs/common';
import { causedBy, ParleyError, ReplyReceiptReceivedV1, type Envelope, type ReplyReceiptReceived } from '@parley/contracts';
import { OnEvent } from '@parley/messaging';
import { decideReceipt } from '../conversation/conversation.decider';
import { ConversationRepository } from '../conversation/conversation.repository';
import { toNewEvent } from '../conversation/conversation-stream.mapper';
import { ReplyExternalIdsRepository } from './reply-external-ids.repository';

/** A receipt for a message whose ReplyDispatched is not recorded yet (the messenger can be faster than the dispatcher). */
export const REPLY_NOT_KNOWN_YET = 'REPLY_NOT_KNOWN_YET';
const NOT_KNOWN_RETRY_MS = 1_000;
/** About two minutes of retries for a receipt of a reply this service never recorded; then it is dead-lettered. */
const MAX_ATTEMPTS = 12;

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
  ) {}

  @OnEvent(ReplyReceiptReceivedV1, {
    durable: 'conversation-service-reply-receipts',
    maxAttempts: MAX_ATTEMPTS,
    partitionKey: (e) => `${e.data.channelId}:${e.data.externalChatId}`,
  })
  async onReceipt(envelope: Envelope<ReplyReceiptReceived, 'ReplyReceiptReceived'>): Promise<void> {
    const { channelId, externalMessageId, status, reason, sentAt, dedupeKey } = envelope.data;
    const target = await this.replyIds.find(channelId, externalMessageId);
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
