import { Inject, Injectable } from '@nestjs/common';
import {
  causedBy,
  ReplyDispatchedV1,
  ReplyDispatchFailedV1,
  type Envelope,
  type ReplyDispatched,
  type ReplyDispatchFailed,
} from '@parley/contracts';
import { OnEvent } from '@parley/messaging';
import { decideDeliveryOutcome } from '../conversation/conversation.decider';
import { ConversationRepository } from '../conversation/conversation.repository';
import { toNewEvent } from '../conversation/conversation-stream.mapper';
import { TransactionRunner } from '../database/transaction-runner';
import { ReplyExternalIdsRepository } from './reply-external-ids.repository';

/** A reply has one outcome: its idempotency key makes a redelivered or conflicting second outcome store nothing. */
const outcomeKey = (replyId: string): string => `reply-outcome:${replyId}`;

/** Records the outbound dispatcher's delivery outcomes in the conversation (ReplyDelivered / ReplyFailed). */
@Injectable()
export class DeliveryOutcomeHandler {
  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(ReplyExternalIdsRepository) private readonly replyIds: ReplyExternalIdsRepository,
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
  ) {}

  /**
   * ReplyDelivered and the (channel, external id) → reply mapping the messenger's receipts are found by, in one
   * transaction; a redelivered outcome appends nothing and writes the mapping again (a no-op).
   */
  @OnEvent(ReplyDispatchedV1, { durable: 'conversation-service-reply-dispatched', partitionKey: (e) => e.data.conversationId })
  async onDispatched(envelope: Envelope<ReplyDispatched, 'ReplyDispatched'>): Promise<void> {
    const { conversationId, replyId, externalMessageId, deliveredAt } = envelope.data;
    await this.transactions.run(async (tx) => {
      const { state, version } = await this.conversations.load(conversationId, tx);
      const events = decideDeliveryOutcome(state, { kind: 'delivered', conversationId, replyId, externalMessageId, deliveredAt }).map((e) =>
        toNewEvent(e, causedBy(envelope), outcomeKey(replyId)),
      );
      if (events.length > 0) await this.conversations.append(conversationId, events, version, tx);
      if (state.status !== 'none' && state.replies.get(replyId) !== 'failed') {
        await this.replyIds.record(tx, state.channelId, externalMessageId, { conversationId, replyId });
      }
    });
  }

  @OnEvent(ReplyDispatchFailedV1, { durable: 'conversation-service-reply-dispatch-failed', partitionKey: (e) => e.data.conversationId })
  async onFailed(envelope: Envelope<ReplyDispatchFailed, 'ReplyDispatchFailed'>): Promise<void> {
    const { conversationId, replyId, code, reason } = envelope.data;
    await this.conversations.handle(conversationId, (state) =>
      decideDeliveryOutcome(state, { kind: 'failed', conversationId, replyId, code, reason }).map((e) =>
        toNewEvent(e, causedBy(envelope), outcomeKey(replyId)),
      ),
    );
  }
}
