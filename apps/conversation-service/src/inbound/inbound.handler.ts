import { Inject, Injectable } from '@nestjs/common';
import {
  CustomerBlockedChannelV1,
  CustomerUnblockedChannelV1,
  ExternalReplyReceivedV1,
  MessageEditedV1,
  MessageReceivedV1,
  type CustomerBlockedChannel,
  type CustomerUnblockedChannel,
  type Envelope,
  type ExternalReplyReceived,
  type InboundFact,
  type MessageEdited,
  type MessageReceived,
} from '@parley/contracts';
import { OnEvent } from '@parley/messaging';
import { InboundService } from './inbound.service';

/** One conversation per (channel, chat): its facts are handled one at a time, in arrival order, per consumer. */
const byChat = (envelope: Envelope<InboundFact>): string => `${envelope.data.channelId}:${envelope.data.externalChatId}`;

/** The durable consumers of PARLEY_INBOUND. */
@Injectable()
export class InboundHandler {
  constructor(@Inject(InboundService) private readonly inbound: InboundService) {}

  @OnEvent(MessageReceivedV1, { durable: 'conversation-service-inbound', partitionKey: byChat })
  async onMessageReceived(envelope: Envelope<MessageReceived, 'MessageReceived'>): Promise<void> {
    await this.inbound.messageReceived(envelope);
  }

  @OnEvent(ExternalReplyReceivedV1, { durable: 'conversation-service-inbound-external-replies', partitionKey: byChat })
  async onExternalReplyReceived(envelope: Envelope<ExternalReplyReceived, 'ExternalReplyReceived'>): Promise<void> {
    await this.inbound.externalReplyReceived(envelope);
  }

  @OnEvent(MessageEditedV1, { durable: 'conversation-service-inbound-edits', partitionKey: byChat })
  async onMessageEdited(envelope: Envelope<MessageEdited, 'MessageEdited'>): Promise<void> {
    await this.inbound.messageEdited(envelope);
  }

  @OnEvent(CustomerBlockedChannelV1, { durable: 'conversation-service-inbound-blocked', partitionKey: byChat })
  async onCustomerBlocked(envelope: Envelope<CustomerBlockedChannel, 'CustomerBlockedChannel'>): Promise<void> {
    await this.inbound.blockChanged(envelope, true);
  }

  @OnEvent(CustomerUnblockedChannelV1, { durable: 'conversation-service-inbound-unblocked', partitionKey: byChat })
  async onCustomerUnblocked(envelope: Envelope<CustomerUnblockedChannel, 'CustomerUnblockedChannel'>): Promise<void> {
    await this.inbound.blockChanged(envelope, false);
  }
}
