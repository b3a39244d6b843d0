import { defineEvent } from '../envelope/message-definition';
import { InboundFact } from './inbound-base';

/** The customer forbade messages from the channel (VK `message_deny`, Telegram bot blocked, Viber unsubscribed). */
export class CustomerBlockedChannel extends InboundFact {}

/** The customer allowed messages again (VK `message_allow`, Viber re-subscribed). */
export class CustomerUnblockedChannel extends InboundFact {}

export const CustomerBlockedChannelV1 = defineEvent({
  type: 'CustomerBlockedChannel',
  version: 1,
  subject: 'parley.inbound.customer-blocked-channel.v1',
  data: CustomerBlockedChannel,
  description: 'The customer blocked the channel: replies to them are refused until they allow it again.',
});

export const CustomerUnblockedChannelV1 = defineEvent({
  type: 'CustomerUnblockedChannel',
  version: 1,
  subject: 'parley.inbound.customer-unblocked-channel.v1',
  data: CustomerUnblockedChannel,
  description: 'The customer allowed messages from the channel again.',
});
