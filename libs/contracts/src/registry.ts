import { ContactProfileUpdatedV1, ContactResolvedV1 } from './contact';
import { ConversationEvents } from './conversation';
import { ReplyDispatchedV1, ReplyDispatchFailedV1 } from './delivery';
import type { MessageDefinition } from './envelope/message-definition';
import { ChannelChangedV1 } from './gateway';
import { CustomerBlockedChannelV1, CustomerUnblockedChannelV1, ExternalReplyReceivedV1, MessageReceivedV1, ReplyReceiptReceivedV1 } from './inbound';
import { LineChangedV1 } from './routing';

/** Every event definition Parley publishes (for the relay's subject mapping and the AsyncAPI document). */
export const AllEvents: readonly MessageDefinition[] = [
  MessageReceivedV1,
  ExternalReplyReceivedV1,
  CustomerBlockedChannelV1,
  CustomerUnblockedChannelV1,
  ReplyReceiptReceivedV1,
  ...ConversationEvents,
  ContactResolvedV1,
  ContactProfileUpdatedV1,
  LineChangedV1,
  ChannelChangedV1,
  ReplyDispatchedV1,
  ReplyDispatchFailedV1,
];

const byTypeAndVersion = new Map(AllEvents.map((d) => [`${d.type}.v${d.version}`, d]));

/** The event definition of a stored or received message, or undefined when Parley does not know it. */
export function findEventDefinition(type: string, version: number): MessageDefinition | undefined {
  return byTypeAndVersion.get(`${type}.v${version}`);
}
