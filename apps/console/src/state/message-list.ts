import type { Message, MessageStatus } from '../api/types';
import type { LiveFrame } from '../live/live-events';

/*
 * The history of the open conversation, oldest first, folded from the REST snapshot, the 202 answers of the
 * replies this console sent, and live frames, all merged by message id. Pure and idempotent.
 */

/** A message as listed; `local` marks the optimistic copy of a reply the server has not acknowledged yet. */
export type ListedMessage = Message & { local?: boolean };

type StatusChange = Partial<Message> & { status: MessageStatus };

export interface MessageListState {
  conversationId: string;
  /** False until the REST snapshot arrived; live frames received before it are kept and merged. */
  loaded: boolean;
  messages: readonly ListedMessage[];
  /** Delivery results that arrived before their message (snapshot still loading); applied when it appears. */
  earlyStatus: Readonly<Record<string, StatusChange>>;
}

export function emptyMessageList(conversationId: string): MessageListState {
  return { conversationId, loaded: false, messages: [], earlyStatus: {} };
}

/** A receipt never moves backwards either: seen stays seen when a late `delivered` comes. */
const receiptRank: Record<NonNullable<Message['receipt']>, number> = { delivered: 1, seen: 2, failed: 3 };
const rankOf = (m: ListedMessage): number => (m.receipt === undefined ? 0 : receiptRank[m.receipt]);

/** How far a message got; a status never moves backwards (a replayed ReplyRequested must not undo a delivery). */
const statusRank: Record<MessageStatus, number> = { pending: 0, received: 1, sent: 1, delivered: 2, failed: 2 };

function merge(existing: ListedMessage, incoming: ListedMessage): ListedMessage {
  const incomingIsFurther =
    statusRank[incoming.status] > statusRank[existing.status] ||
    (statusRank[incoming.status] === statusRank[existing.status] && existing.local === true && incoming.local !== true);
  const base = incomingIsFurther ? { ...existing, ...incoming } : { ...incoming, ...existing };
  // The customer's latest edit wins, whichever copy brought it (a live frame or a history fetch).
  const edit = (incoming.editedAt ?? '') > (existing.editedAt ?? '') ? incoming : existing;
  const receipt = rankOf(incoming) > rankOf(existing) ? incoming : existing;
  return {
    ...base,
    ...(receipt.receipt === undefined ? {} : { receipt: receipt.receipt, ...(receipt.receiptAt === undefined ? {} : { receiptAt: receipt.receiptAt }) }),
    ...(receipt.receipt === 'failed' ? { status: 'failed' as const, failureCode: receipt.failureCode, failureReason: receipt.failureReason } : {}),
    ...(edit.editedAt === undefined ? {} : { text: edit.text, editedAt: edit.editedAt }),
    local: existing.local === true && incoming.local === true ? true : undefined,
    attachments: existing.attachments.length > 0 ? existing.attachments : incoming.attachments,
    externalMessageId: existing.externalMessageId ?? incoming.externalMessageId,
  };
}

function sameMessage(a: ListedMessage, b: ListedMessage): boolean {
  return (
    a.local === b.local &&
    a.status === b.status &&
    a.text === b.text &&
    a.editedAt === b.editedAt &&
    a.receipt === b.receipt &&
    a.failureReason === b.failureReason &&
    a.failureCode === b.failureCode &&
    a.externalMessageId === b.externalMessageId &&
    a.attachments.length === b.attachments.length &&
    a.sentAt === b.sentAt
  );
}

/** Oldest first by sentAt; equal times keep their arrival order (Array.prototype.sort is stable). */
function sortBySentAt(messages: ListedMessage[]): ListedMessage[] {
  return messages.sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
}

export function upsertMessage(state: MessageListState, incoming: ListedMessage): MessageListState {
  if (incoming.conversationId !== state.conversationId) return state;
  const index = state.messages.findIndex((m) => m.id === incoming.id);
  if (index === -1) {
    const early = state.earlyStatus[incoming.id];
    if (!early) return { ...state, messages: sortBySentAt([...state.messages, incoming]) };
    const { [incoming.id]: _applied, ...earlyStatus } = state.earlyStatus;
    const added = merge(incoming, { ...incoming, ...early, local: undefined });
    return { ...state, earlyStatus, messages: sortBySentAt([...state.messages, added]) };
  }
  const existing = state.messages[index] as ListedMessage;
  const merged = merge(existing, incoming);
  if (sameMessage(existing, merged)) return state;
  const messages = [...state.messages];
  messages[index] = merged;
  return { ...state, messages: sortBySentAt(messages) };
}

export function applySnapshot(state: MessageListState, snapshot: readonly Message[]): MessageListState {
  const loaded = snapshot.reduce(upsertMessage, { ...state, loaded: true });
  return loaded;
}

export function removeMessage(state: MessageListState, id: string): MessageListState {
  const messages = state.messages.filter((m) => m.id !== id);
  return messages.length === state.messages.length ? state : { ...state, messages };
}

function patchStatus(state: MessageListState, id: string, change: StatusChange): MessageListState {
  const existing = state.messages.find((m) => m.id === id);
  if (!existing) {
    const known = state.earlyStatus[id];
    if (known && known.status === change.status && known.receipt === change.receipt) return state;
    return { ...state, earlyStatus: { ...state.earlyStatus, [id]: change } };
  }
  return upsertMessage(state, { ...existing, ...change, local: undefined });
}

export function applyFrameToMessages(state: MessageListState, frame: LiveFrame): MessageListState {
  switch (frame.type) {
    case 'MessageAppended': {
      const d = frame.data;
      if (d.conversationId !== state.conversationId) return state;
      return upsertMessage(state, {
        id: d.messageId,
        conversationId: d.conversationId,
        direction: d.direction,
        author: d.author,
        text: d.text,
        attachments: d.attachments ?? [],
        status: d.direction === 'inbound' ? 'received' : 'sent',
        externalMessageId: d.externalMessageId,
        sentAt: d.sentAt,
      });
    }
    case 'ReplyRequested': {
      const d = frame.data;
      if (d.conversationId !== state.conversationId) return state;
      return upsertMessage(state, {
        id: d.replyId,
        conversationId: d.conversationId,
        direction: 'outbound',
        author: { kind: 'operator', id: d.operatorId },
        text: d.text,
        attachments: d.attachments ?? [],
        status: 'pending',
        sentAt: frame.occurredAt,
      });
    }
    case 'ReplyDelivered':
      if (frame.data.conversationId !== state.conversationId) return state;
      return patchStatus(state, frame.data.replyId, { status: 'delivered', externalMessageId: frame.data.externalMessageId });
    case 'MessageEditRecorded':
      if (frame.data.conversationId !== state.conversationId) return state;
    {
      // The customer edited a message: its text changes in place (a message not loaded yet comes with the history).
      const existing = state.messages.find((m) => m.id === frame.data.messageId);
      return existing ? upsertMessage(state, { ...existing, text: frame.data.text, editedAt: frame.data.editedAt }) : state;
    }
    case 'ReplyReceiptRecorded': {
      const d = frame.data;
      if (d.conversationId !== state.conversationId) return state;
      const failed = d.status === 'failed';
      return patchStatus(state, d.replyId, {
        status: failed ? 'failed' : 'delivered',
        receipt: d.status,
        receiptAt: d.receivedAt,
        ...(failed ? { failureCode: 'MESSENGER_REPORTED_FAILED', failureReason: d.reason ?? 'the messenger reported the message as failed' } : {}),
      });
    }
    case 'ReplyFailed':
      if (frame.data.conversationId !== state.conversationId) return state;
      return patchStatus(state, frame.data.replyId, {
        status: 'failed',
        failureCode: frame.data.code,
        failureReason: frame.data.reason,
      });
    default:
      return state;
  }
}
