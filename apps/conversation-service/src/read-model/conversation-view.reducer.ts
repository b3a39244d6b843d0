import type { AttachmentRef, ConversationView, MessageView } from '@parley/contracts';
import type { StoredEvent } from '@parley/event-store';
import { occurredAtOf, toDomainEvent } from '../conversation/conversation-stream.mapper';

/*
 * The read models as pure folds of stored events. The projection applies them batch by batch to the rows it
 * loads; commands fold a whole stream with them to answer with the state they just wrote (read-your-writes).
 * Both use the same functions, so a command's reply equals what the queries show once the projection caught up.
 */

/** A row of `conversation.conversations`: the view plus what only the service needs. */
export interface ConversationRecord extends ConversationView {
  externalChatId: string;
  /** Time of the last event (list order: most recent activity first). */
  lastActivityAt: string;
}

/** A row of `conversation.messages`: the view plus its place in the stream (history order). */
export interface MessageRecord extends MessageView {
  streamPosition: number;
}

const PREVIEW_LENGTH = 200;

/** `failureCode` of a reply the messenger accepted and later reported as failed (a Viber `failed` receipt). */
export const RECEIPT_FAILURE_CODE = 'MESSENGER_REPORTED_FAILED';

function preview(text: string, attachments: readonly AttachmentRef[]): string {
  if (text.trim() !== '') return text.slice(0, PREVIEW_LENGTH);
  return attachments.length > 0 ? `[${attachments.map((a) => a.name).join(', ')}]`.slice(0, PREVIEW_LENGTH) : '';
}

/** Applies one stored event to a conversation's row; undefined until the stream's ConversationOpened. */
export function applyToConversation(record: ConversationRecord | undefined, stored: StoredEvent): ConversationRecord | undefined {
  const event = toDomainEvent(stored);
  const at = occurredAtOf(stored);
  if (event.type === 'ConversationOpened') {
    const d = event.data;
    return {
      id: d.conversationId,
      lineId: d.lineId,
      channelId: d.channelId,
      channelType: d.channelType,
      contactId: d.contactId,
      externalChatId: d.externalChatId,
      status: 'queued',
      assigneeId: null,
      blocked: false,
      previousConversationId: d.previousConversationId,
      openedAt: at,
      lastMessageAt: at,
      lastMessagePreview: '',
      messageCount: 0,
      version: stored.streamPosition,
      lastActivityAt: at,
    };
  }
  if (record === undefined) return undefined;
  const next: ConversationRecord = { ...record, version: stored.streamPosition, lastActivityAt: at };
  switch (event.type) {
    case 'ConversationReopened':
      return { ...next, status: 'queued', assigneeId: null };
    case 'ConversationAccepted':
      return { ...next, status: 'assigned', assigneeId: event.data.operatorId };
    case 'ConversationClosed':
      return { ...next, status: 'closed' };
    case 'CustomerBlockRecorded':
      return { ...next, blocked: event.data.blocked };
    case 'MessageAppended':
      return {
        ...next,
        lastMessageAt: event.data.sentAt,
        lastMessagePreview: preview(event.data.text, event.data.attachments),
        messageCount: record.messageCount + 1,
      };
    case 'ReplyRequested':
      return {
        ...next,
        lastMessageAt: at,
        lastMessagePreview: preview(event.data.text, event.data.attachments),
        messageCount: record.messageCount + 1,
      };
    case 'ReplyDelivered':
    case 'ReplyFailed':
    case 'MessageEditRecorded':
    case 'ReplyReceiptRecorded':
      return next;
  }
}

/**
 * Applies one stored event to the messages it concerns (`messages` holds at least the rows the event refers to);
 * returns the row it created or changed, if any.
 */
export function applyToMessages(messages: Map<string, MessageRecord>, stored: StoredEvent): MessageRecord | undefined {
  const event = toDomainEvent(stored);
  let changed: MessageRecord | undefined;
  switch (event.type) {
    case 'MessageAppended': {
      const d = event.data;
      changed = {
        id: d.messageId,
        conversationId: d.conversationId,
        direction: d.direction,
        author: { ...d.author },
        text: d.text,
        attachments: d.attachments,
        status: d.direction === 'inbound' ? 'received' : 'sent',
        ...(d.externalMessageId === undefined ? {} : { externalMessageId: d.externalMessageId }),
        sentAt: d.sentAt,
        streamPosition: stored.streamPosition,
      };
      break;
    }
    case 'ReplyRequested': {
      const d = event.data;
      changed = {
        id: d.replyId,
        conversationId: d.conversationId,
        direction: 'outbound',
        author: { kind: 'operator', id: d.operatorId },
        text: d.text,
        attachments: d.attachments,
        status: 'pending',
        sentAt: occurredAtOf(stored),
        streamPosition: stored.streamPosition,
      };
      break;
    }
    case 'ReplyDelivered': {
      const current = messages.get(event.data.replyId);
      if (current) changed = { ...current, status: 'delivered', externalMessageId: event.data.externalMessageId };
      break;
    }
    case 'ReplyFailed': {
      const current = messages.get(event.data.replyId);
      if (current) changed = { ...current, status: 'failed', failureCode: event.data.code, failureReason: event.data.reason };
      break;
    }
    case 'MessageEditRecorded': {
      const current = messages.get(event.data.messageId);
      if (current) changed = { ...current, text: event.data.text, editedAt: event.data.editedAt };
      break;
    }
    case 'ReplyReceiptRecorded': {
      const current = messages.get(event.data.replyId);
      const { status, reason, receivedAt } = event.data;
      if (current) {
        changed = { ...current, receipt: status, receiptAt: receivedAt };
        if (status === 'failed') changed = { ...changed, status: 'failed', failureCode: RECEIPT_FAILURE_CODE, failureReason: reason ?? 'the messenger reported the message as failed' };
      }
      break;
    }
    default:
      break;
  }
  if (changed) messages.set(changed.id, changed);
  return changed;
}

/** The ids of existing messages an event changes (the projection loads them before applying a batch). */
export function referencedMessageId(stored: StoredEvent): string | undefined {
  const event = toDomainEvent(stored);
  if (event.type === 'MessageEditRecorded') return event.data.messageId;
  return event.type === 'ReplyDelivered' || event.type === 'ReplyFailed' || event.type === 'ReplyReceiptRecorded' ? event.data.replyId : undefined;
}

/** The conversation view of a whole stream (command replies). */
export function conversationOfStream(events: readonly StoredEvent[]): ConversationRecord | undefined {
  let record: ConversationRecord | undefined;
  for (const stored of events) record = applyToConversation(record, stored);
  return record;
}

/** The messages of a whole stream, oldest first (command replies). */
export function messagesOfStream(events: readonly StoredEvent[]): MessageRecord[] {
  const messages = new Map<string, MessageRecord>();
  for (const stored of events) applyToMessages(messages, stored);
  return [...messages.values()].sort((a, b) => a.streamPosition - b.streamPosition);
}

export function toConversationView(record: ConversationRecord): ConversationView {
  const { externalChatId: _chat, lastActivityAt: _activity, ...view } = record;
  return view;
}

export function toMessageView(record: MessageRecord): MessageView {
  const { streamPosition: _position, ...view } = record;
  return view;
}
