import type { Attachment, Conversation } from '../api/types';
import type { LiveFrame } from '../live/live-events';

/*
 * The conversations the console knows, keyed by id, folded from REST snapshots and live frames. Every function
 * here is pure and idempotent: applying the same frame twice yields the same state as applying it once.
 */

export interface ConversationListState {
  byId: Readonly<Record<string, Conversation>>;
  /** Messages already reflected in `messageCount`/preview, so a replayed MessageAppended is not counted twice. */
  countedMessageIds: Readonly<Record<string, true>>;
}

export const emptyConversationList: ConversationListState = { byId: {}, countedMessageIds: {} };

/**
 * Takes a conversation from the REST API. `version` counts the conversation's events; live frames bump it
 * locally, so an older snapshot (fetched before a live event arrived) does not undo what the event did.
 */
export function upsertConversation(state: ConversationListState, incoming: Conversation): ConversationListState {
  const existing = state.byId[incoming.id];
  if (existing && existing.version > incoming.version) {
    // Keep the live state but take what only the snapshot knows (the contact profile).
    if (!existing.contact && incoming.contact) {
      return { ...state, byId: { ...state.byId, [incoming.id]: { ...existing, contact: incoming.contact } } };
    }
    return state;
  }
  const merged: Conversation = { ...incoming, contact: incoming.contact ?? existing?.contact };
  return { ...state, byId: { ...state.byId, [incoming.id]: merged } };
}

export function upsertConversations(state: ConversationListState, incoming: readonly Conversation[]): ConversationListState {
  return incoming.reduce(upsertConversation, state);
}

export function previewOf(text: string, attachments: readonly Attachment[]): string {
  const trimmed = text.trim();
  if (trimmed) return trimmed.length > 140 ? `${trimmed.slice(0, 139)}…` : trimmed;
  const first = attachments[0];
  if (!first) return '';
  const label = first.kind === 'image' ? 'Photo' : `File: ${first.name}`;
  return attachments.length > 1 ? `${label} +${attachments.length - 1}` : label;
}

function patch(state: ConversationListState, id: string, change: (c: Conversation) => Conversation): ConversationListState {
  const current = state.byId[id];
  if (!current) return state;
  const next = change(current);
  if (next === current) return state;
  return { ...state, byId: { ...state.byId, [id]: next } };
}

function laterOf(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function withMessage(
  state: ConversationListState,
  conversationId: string,
  messageId: string,
  at: string,
  text: string,
  attachments: readonly Attachment[],
): ConversationListState {
  const current = state.byId[conversationId];
  if (!current || state.countedMessageIds[messageId]) return state;
  // Messengers stamp messages in whole seconds: one stamped in the second of the last activity came after it (frames
  // arrive in stream order), so compare seconds, not milliseconds.
  const isLatest = Math.floor(Date.parse(at) / 1000) >= Math.floor(Date.parse(current.lastMessageAt) / 1000);
  const next: Conversation = {
    ...current,
    version: current.version + 1,
    messageCount: current.messageCount + 1,
    lastMessageAt: laterOf(current.lastMessageAt, at),
    lastMessagePreview: isLatest ? previewOf(text, attachments) : current.lastMessagePreview,
  };
  return { byId: { ...state.byId, [conversationId]: next }, countedMessageIds: { ...state.countedMessageIds, [messageId]: true } };
}

/** Applies one live frame. Frames about conversations the console never loaded are ignored, except openings. */
export function applyFrameToConversations(state: ConversationListState, frame: LiveFrame): ConversationListState {
  switch (frame.type) {
    case 'ConversationOpened': {
      const d = frame.data;
      if (state.byId[d.conversationId]) return state;
      const opened: Conversation = {
        id: d.conversationId,
        lineId: d.lineId,
        channelId: d.channelId,
        channelType: d.channelType,
        contactId: d.contactId,
        status: 'queued',
        assigneeId: null,
        blocked: false,
        previousConversationId: d.previousConversationId,
        openedAt: frame.occurredAt,
        lastMessageAt: frame.occurredAt,
        lastMessagePreview: '',
        messageCount: 0,
        version: 1,
      };
      return { ...state, byId: { ...state.byId, [opened.id]: opened } };
    }
    case 'ConversationReopened':
      return patch(state, frame.data.conversationId, (c) =>
        c.status === 'queued' && c.assigneeId === null ? c : { ...c, status: 'queued', assigneeId: null, version: c.version + 1 },
      );
    case 'ConversationAccepted':
      return patch(state, frame.data.conversationId, (c) =>
        c.status === 'assigned' && c.assigneeId === frame.data.operatorId
          ? c
          : { ...c, status: 'assigned', assigneeId: frame.data.operatorId, version: c.version + 1 },
      );
    case 'ConversationClosed':
      return patch(state, frame.data.conversationId, (c) => (c.status === 'closed' ? c : { ...c, status: 'closed', version: c.version + 1 }));
    case 'CustomerBlockRecorded':
      return patch(state, frame.data.conversationId, (c) =>
        c.blocked === frame.data.blocked ? c : { ...c, blocked: frame.data.blocked, version: c.version + 1 },
      );
    case 'MessageAppended': {
      const d = frame.data;
      return withMessage(state, d.conversationId, d.messageId, d.sentAt, d.text, d.attachments);
    }
    case 'ReplyRequested': {
      const d = frame.data;
      return withMessage(state, d.conversationId, d.replyId, frame.occurredAt, d.text, d.attachments);
    }
    case 'ReplyDelivered':
    case 'ReplyFailed':
    case 'ReplyReceiptRecorded':
    case 'MessageEditRecorded':
      return state;
    case 'ContactProfileUpdated': {
      const d = frame.data;
      const avatarUrl = d.avatarUrl ?? (d.avatar ? `/api/attachments/${encodeURIComponent(d.avatar.id)}` : undefined);
      let byId = state.byId;
      for (const c of Object.values(state.byId)) {
        if (c.contactId !== d.contactId) continue;
        const contact = { id: d.contactId, displayName: d.displayName, avatarUrl: avatarUrl ?? c.contact?.avatarUrl };
        if (c.contact && c.contact.displayName === contact.displayName && c.contact.avatarUrl === contact.avatarUrl) continue;
        byId = { ...byId, [c.id]: { ...c, contact } };
      }
      return byId === state.byId ? state : { ...state, byId };
    }
  }
}

/** Most recent activity first; ties broken by id so the order is stable. */
export function byRecentActivity(a: Conversation, b: Conversation): number {
  const diff = Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);
  return diff !== 0 ? diff : a.id.localeCompare(b.id);
}

export type ConversationBucket = 'queue' | 'mine' | 'closed';

export function isInBucket(c: Conversation, bucket: ConversationBucket, operatorId: string): boolean {
  switch (bucket) {
    case 'queue':
      return c.status === 'queued';
    case 'mine':
      return c.status === 'assigned' && c.assigneeId === operatorId;
    case 'closed':
      return c.status === 'closed';
  }
}

export function selectBucket(state: ConversationListState, bucket: ConversationBucket, operatorId: string, limit = 100): Conversation[] {
  return Object.values(state.byId)
    .filter((c) => isInBucket(c, bucket, operatorId))
    .sort(byRecentActivity)
    .slice(0, limit);
}
