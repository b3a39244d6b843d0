import type {
  ConversationAccepted,
  ConversationBlockChanged,
  ConversationClosed,
  ConversationOpened,
  ConversationReopened,
  MessageAppended,
  MessageEditRecorded,
  ReplyDelivered,
  ReplyFailed,
  ReplyReceiptRecorded,
  ReplyRequested,
} from '@parley/contracts';

/** The events of a conversation stream, as the domain sees them (`type` = the contract's type, version 1). */
export type ConversationEvent =
  | { type: 'ConversationOpened'; data: ConversationOpened }
  | { type: 'ConversationReopened'; data: ConversationReopened }
  | { type: 'MessageAppended'; data: MessageAppended }
  | { type: 'ConversationAccepted'; data: ConversationAccepted }
  | { type: 'ReplyRequested'; data: ReplyRequested }
  | { type: 'ReplyDelivered'; data: ReplyDelivered }
  | { type: 'ReplyFailed'; data: ReplyFailed }
  | { type: 'ConversationClosed'; data: ConversationClosed }
  | { type: 'CustomerBlockRecorded'; data: ConversationBlockChanged }
  | { type: 'MessageEditRecorded'; data: MessageEditRecorded }
  | { type: 'ReplyReceiptRecorded'; data: ReplyReceiptRecorded };

export type ConversationEventType = ConversationEvent['type'];

export function conversationStreamId(conversationId: string): string {
  return `conversation-${conversationId}`;
}
