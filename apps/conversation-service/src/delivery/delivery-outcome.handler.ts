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

/** A reply has one outcome: its idempotency key makes a redelivered or conflicting second outcome store nothing. */
const outcomeKey = (replyId: string): string => `reply-outcome:${replyId}`;

/** Records the outbound dispatcher's delivery outcomes in the conversation (ReplyDelivered / ReplyFailed). */
@Injectable()
export class DeliveryOutcomeHandler {
  constructor(@Inject(ConversationRepository) private readonly conversations: ConversationRepository) {}

  @OnEvent(ReplyDispatchedV1, { durable: 'conversation-service-reply-dispatched', partitionKey: (e) => e.data.conversationId })
  async onDispatched(envelope: Envelope<ReplyDispatched, 'ReplyDispatched'>): Promise<void> {
    const { conversationId, replyId, externalMessageId, deliveredAt } = envelope.data;
    await this.conversations.handle(conversationId, (state) =>
      decideDeliveryOutcome(state, { kind: 'delivered', conversationId, replyId, externalMessageId, deliveredAt }).map((e) =>
        toNewEvent(e, causedBy(envelope), outcomeKey(replyId)),
      ),
    );
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
