import {
  ConversationErrorCodes,
  ParleyError,
  type AttachmentRef,
  type ChannelType,
  type MessageAuthor,
  type OperatorRole,
  type SessionDecision,
} from '@parley/contracts';
import type { ConversationEvent } from './conversation.events';

/*
 * The conversation aggregate: pure `decide(command, state) → events` and `evolve(state, event) → state`.
 * No I/O; the command handler loads the stream, decides, appends with the expected version and retries on a
 * concurrency conflict.
 */

export type ReplyStatus = 'pending' | 'delivered' | 'failed';
export type ReceiptStatus = 'delivered' | 'seen' | 'failed';

const RECEIPT_RANK: Readonly<Record<ReceiptStatus, number>> = { delivered: 1, seen: 2, failed: 3 };

export interface OpenConversation {
  status: 'queued' | 'assigned' | 'closed';
  id: string;
  lineId: string;
  channelId: string;
  channelType: ChannelType;
  contactId: string;
  externalChatId: string;
  assigneeId: string | null;
  blocked: boolean;
  closedAt: string | null;
  replies: ReadonlyMap<string, ReplyStatus>;
  /** The last receipt recorded per reply (a receipt never lowers it: seen stays seen). */
  receipts: ReadonlyMap<string, ReceiptStatus>;
  /** The customer's messages by their messenger id → Parley id (an edit names the message by the messenger's id). */
  inbound: ReadonlyMap<string, string>;
}

export type ConversationState = { status: 'none' } | OpenConversation;

export const initialState = (): ConversationState => ({ status: 'none' });

/** `occurredAt` is the stored event's time (when a conversation was closed matters to the session rule). */
export function evolve(state: ConversationState, event: ConversationEvent, occurredAt: string | null = null): ConversationState {
  if (event.type === 'ConversationOpened') {
    const d = event.data;
    return {
      status: 'queued',
      id: d.conversationId,
      lineId: d.lineId,
      channelId: d.channelId,
      channelType: d.channelType,
      contactId: d.contactId,
      externalChatId: d.externalChatId,
      assigneeId: null,
      blocked: false,
      closedAt: null,
      replies: new Map(),
      receipts: new Map(),
      inbound: new Map(),
    };
  }
  if (state.status === 'none') return state; // no other event can start a stream
  switch (event.type) {
    case 'ConversationReopened':
      return { ...state, status: 'queued', assigneeId: null, closedAt: null };
    case 'ConversationAccepted':
      return { ...state, status: 'assigned', assigneeId: event.data.operatorId };
    case 'ConversationClosed':
      return { ...state, status: 'closed', closedAt: occurredAt };
    case 'CustomerBlockRecorded':
      return { ...state, blocked: event.data.blocked };
    case 'ReplyRequested':
      return { ...state, replies: new Map(state.replies).set(event.data.replyId, 'pending') };
    case 'ReplyDelivered':
      return { ...state, replies: new Map(state.replies).set(event.data.replyId, 'delivered') };
    case 'ReplyFailed':
      return { ...state, replies: new Map(state.replies).set(event.data.replyId, 'failed') };
    case 'ReplyReceiptRecorded':
      return { ...state, receipts: new Map(state.receipts).set(event.data.replyId, event.data.status) };
    case 'MessageAppended': {
      const { direction, externalMessageId, messageId } = event.data;
      if (direction !== 'inbound' || externalMessageId === undefined) return state;
      return { ...state, inbound: new Map(state.inbound).set(externalMessageId, messageId) };
    }
    case 'MessageEditRecorded':
      return state;
  }
}

/** Folds a loaded stream into a state. */
export function fold(events: Iterable<{ event: ConversationEvent; occurredAt: string | null }>): ConversationState {
  let state = initialState();
  for (const { event, occurredAt } of events) state = evolve(state, event, occurredAt);
  return state;
}

function existing(state: ConversationState, conversationId: string): OpenConversation {
  if (state.status === 'none') {
    throw new ParleyError(ConversationErrorCodes.NOT_FOUND, `conversation ${conversationId} does not exist`);
  }
  return state;
}

export interface IncomingMessage {
  messageId: string;
  text: string;
  attachments: AttachmentRef[];
  externalMessageId: string;
  sentAt: string;
}

export interface OpenCommand {
  conversationId: string;
  lineId: string;
  channelId: string;
  channelType: ChannelType;
  contactId: string;
  externalChatId: string;
  previousConversationId: string | null;
  decision: SessionDecision;
}

function inboundMessage(conversationId: string, contactId: string, message: IncomingMessage): ConversationEvent {
  return {
    type: 'MessageAppended',
    data: {
      conversationId,
      messageId: message.messageId,
      direction: 'inbound',
      author: { kind: 'contact', id: contactId },
      text: message.text,
      attachments: message.attachments,
      externalMessageId: message.externalMessageId,
      sentAt: message.sentAt,
    },
  };
}

/** A customer's message that opens a new conversation. */
export function decideOpen(state: ConversationState, command: OpenCommand, message: IncomingMessage): ConversationEvent[] {
  if (state.status !== 'none') {
    throw new ParleyError('CONFLICT', `conversation ${command.conversationId} already exists`, { retryable: true });
  }
  return [{ type: 'ConversationOpened', data: { ...command } }, inboundMessage(command.conversationId, command.contactId, message)];
}

/** A customer's message in an existing conversation: appended, reopening it first when the session rule says so. */
export function decideIncoming(
  state: ConversationState,
  conversationId: string,
  message: IncomingMessage,
  reopen: SessionDecision | null,
): ConversationEvent[] {
  const conversation = existing(state, conversationId);
  const events: ConversationEvent[] = [];
  if (conversation.status === 'closed' && reopen) events.push({ type: 'ConversationReopened', data: { conversationId, decision: reopen } });
  events.push(inboundMessage(conversationId, conversation.contactId, message));
  return events;
}

function externalReply(conversationId: string, message: IncomingMessage): ConversationEvent {
  return {
    type: 'MessageAppended',
    data: {
      conversationId,
      messageId: message.messageId,
      direction: 'outbound',
      author: { kind: 'messenger' },
      text: message.text,
      attachments: message.attachments,
      externalMessageId: message.externalMessageId,
      sentAt: message.sentAt,
    },
  };
}

/** Someone answered inside the messenger (outside Parley): part of the history, authored by the messenger. */
export function decideExternalReply(
  state: ConversationState,
  conversationId: string,
  message: IncomingMessage,
): ConversationEvent[] {
  existing(state, conversationId);
  return [externalReply(conversationId, message)];
}

/**
 * An answer written in the messenger when the customer has no conversation in the line yet: it opens one (in the
 * queue, so it can be taken or closed) holding that answer.
 */
export function decideOpenByExternalReply(state: ConversationState, command: OpenCommand, message: IncomingMessage): ConversationEvent[] {
  if (state.status !== 'none') {
    throw new ParleyError('CONFLICT', `conversation ${command.conversationId} already exists`, { retryable: true });
  }
  return [{ type: 'ConversationOpened', data: { ...command } }, externalReply(command.conversationId, message)];
}

/**
 * Who acts in a command, as far as the rules care: an operator is confined to the lines they belong to and to the
 * conversations they took; `allLines` (a supervisor or admin, from the command's `actorRole`) acts in every line.
 */
export interface Actor {
  operatorId: string;
  role: OperatorRole;
  isLineMember: boolean;
}

const actsOnAllLines = (actor: Actor): boolean => actor.role === 'admin' || actor.role === 'supervisor';

export function decideAccept(state: ConversationState, command: { conversationId: string; actor: Actor }): ConversationEvent[] {
  const conversation = existing(state, command.conversationId);
  const { actor } = command;
  if (!actor.isLineMember && !actsOnAllLines(actor)) {
    throw new ParleyError(ConversationErrorCodes.NOT_A_LINE_MEMBER, 'only operators of the line (or supervisors and admins) can accept its conversations');
  }
  if (conversation.status === 'closed') {
    throw new ParleyError(ConversationErrorCodes.CONVERSATION_CLOSED, 'the conversation is closed');
  }
  if (conversation.assigneeId === actor.operatorId) return [];
  if (conversation.assigneeId !== null) {
    throw new ParleyError(ConversationErrorCodes.ALREADY_ASSIGNED, 'another operator already took the conversation', {
      details: { assigneeId: conversation.assigneeId },
    });
  }
  return [
    {
      type: 'ConversationAccepted',
      data: { conversationId: command.conversationId, operatorId: actor.operatorId, lineId: conversation.lineId, actorRole: actor.role },
    },
  ];
}

export function decideReply(
  state: ConversationState,
  command: { conversationId: string; replyId: string; operatorId: string; text: string; attachments: AttachmentRef[]; operatorName?: string },
): ConversationEvent[] {
  const conversation = existing(state, command.conversationId);
  if (conversation.replies.has(command.replyId)) return []; // the same reply sent again: already requested
  if (conversation.status === 'closed') {
    throw new ParleyError(ConversationErrorCodes.CONVERSATION_CLOSED, 'the conversation is closed');
  }
  if (conversation.assigneeId !== command.operatorId) {
    throw new ParleyError(ConversationErrorCodes.NOT_ASSIGNED_TO_YOU, 'accept the conversation before answering it');
  }
  if (conversation.blocked) {
    throw new ParleyError(ConversationErrorCodes.RECIPIENT_BLOCKED, 'the customer blocked messages from this channel');
  }
  if (command.text.trim() === '' && command.attachments.length === 0) {
    throw new ParleyError(ConversationErrorCodes.EMPTY_REPLY, 'a reply needs text or an attachment');
  }
  return [
    {
      type: 'ReplyRequested',
      data: {
        conversationId: command.conversationId,
        replyId: command.replyId,
        operatorId: command.operatorId,
        lineId: conversation.lineId,
        channelId: conversation.channelId,
        channelType: conversation.channelType,
        externalChatId: conversation.externalChatId,
        text: command.text,
        attachments: command.attachments,
        ...(command.operatorName === undefined ? {} : { operatorName: command.operatorName }),
      },
    },
  ];
}

/**
 * Closes: the system always; an operator who is a member of the line, when the conversation is theirs or nobody's;
 * a supervisor or admin in any line, whoever holds it. The event records who closed it and in which role.
 */
export function decideClose(
  state: ConversationState,
  command: { conversationId: string; closedBy: { kind: 'system' } | { kind: 'operator'; actor: Actor } },
): ConversationEvent[] {
  const conversation = existing(state, command.conversationId);
  if (conversation.status === 'closed') return [];
  if (command.closedBy.kind === 'system') {
    return [{ type: 'ConversationClosed', data: { conversationId: command.conversationId, closedBy: { kind: 'system' } } }];
  }
  const { actor } = command.closedBy;
  if (!actsOnAllLines(actor)) {
    if (!actor.isLineMember) {
      throw new ParleyError(ConversationErrorCodes.NOT_A_LINE_MEMBER, 'only operators of the line (or supervisors and admins) can close its conversations');
    }
    if (conversation.assigneeId !== null && conversation.assigneeId !== actor.operatorId) {
      throw new ParleyError(ConversationErrorCodes.NOT_ASSIGNED_TO_YOU, 'the conversation belongs to another operator');
    }
  }
  const closedBy: MessageAuthor = { kind: 'operator', id: actor.operatorId };
  return [{ type: 'ConversationClosed', data: { conversationId: command.conversationId, closedBy, actorRole: actor.role } }];
}

export function decideDeliveryOutcome(
  state: ConversationState,
  outcome:
    | { kind: 'delivered'; conversationId: string; replyId: string; externalMessageId: string; deliveredAt: string }
    | { kind: 'failed'; conversationId: string; replyId: string; code: string; reason: string },
): ConversationEvent[] {
  const conversation = existing(state, outcome.conversationId);
  const current = conversation.replies.get(outcome.replyId);
  if (current === undefined) {
    throw new ParleyError(ConversationErrorCodes.NOT_FOUND, `reply ${outcome.replyId} was never requested in this conversation`);
  }
  if (current !== 'pending') return []; // a redelivered outcome: already recorded
  if (outcome.kind === 'delivered') {
    const { conversationId, replyId, externalMessageId, deliveredAt } = outcome;
    return [{ type: 'ReplyDelivered', data: { conversationId, replyId, externalMessageId, deliveredAt } }];
  }
  const { conversationId, replyId, code, reason } = outcome;
  return [{ type: 'ReplyFailed', data: { conversationId, replyId, code, reason } }];
}

/**
 * The messenger's receipt for a delivered reply: recorded when it raises the reply's receipt (delivered < seen <
 * failed); a late `delivered` after `seen`, a repeated receipt, or one for a reply that never got delivered
 * records nothing.
 */
export function decideReceipt(
  state: ConversationState,
  receipt: { conversationId: string; replyId: string; status: ReceiptStatus; reason?: string; receivedAt: string },
): ConversationEvent[] {
  const conversation = existing(state, receipt.conversationId);
  if (conversation.replies.get(receipt.replyId) !== 'delivered') return [];
  const current = conversation.receipts.get(receipt.replyId);
  if (current !== undefined && RECEIPT_RANK[current] >= RECEIPT_RANK[receipt.status]) return [];
  const { conversationId, replyId, status, reason, receivedAt } = receipt;
  return [{ type: 'ReplyReceiptRecorded', data: { conversationId, replyId, status, receivedAt, ...(status === 'failed' && reason ? { reason: reason.slice(0, 500) } : {}) } }];
}

export function decideBlock(state: ConversationState, conversationId: string, blocked: boolean): ConversationEvent[] {
  const conversation = existing(state, conversationId);
  if (conversation.blocked === blocked) return [];
  return [{ type: 'CustomerBlockRecorded', data: { conversationId, blocked } }];
}

/**
 * The customer edited one of their messages: recorded when it is a message of this conversation (an edit of a
 * message in an older conversation, or of one Parley never got, changes nothing).
 */
export function decideEdit(
  state: ConversationState,
  conversationId: string,
  edit: { externalMessageId: string; text: string; editedAt: string },
): ConversationEvent[] {
  const conversation = existing(state, conversationId);
  const messageId = conversation.inbound.get(edit.externalMessageId);
  if (messageId === undefined) return [];
  return [{ type: 'MessageEditRecorded', data: { conversationId, messageId, text: edit.text, editedAt: edit.editedAt } }];
}
