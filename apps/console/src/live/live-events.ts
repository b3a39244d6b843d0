import type { Attachment, MessageAuthor } from '../api/types';

/*
 * Frames of the live WebSocket (`/api/live`). `data` is the event's own data as the backend publishes it
 * (libs/contracts conversation and contact events); the console reads only the fields listed here.
 */

interface FrameBase<T extends string, D> {
  seq: number;
  type: T;
  occurredAt: string;
  conversationId?: string;
  lineId?: string;
  data: D;
}

export interface SessionDecision {
  outcome: 'first' | 'new' | 'reopen';
  reason: string;
}

export type ConversationOpenedFrame = FrameBase<
  'ConversationOpened',
  {
    conversationId: string;
    lineId: string;
    channelId: string;
    channelType: string;
    contactId: string;
    previousConversationId: string | null;
    decision?: SessionDecision;
  }
>;

export type ConversationReopenedFrame = FrameBase<'ConversationReopened', { conversationId: string; decision?: SessionDecision }>;

export type MessageAppendedFrame = FrameBase<
  'MessageAppended',
  {
    conversationId: string;
    messageId: string;
    direction: 'inbound' | 'outbound';
    author: MessageAuthor;
    text: string;
    attachments: Attachment[];
    externalMessageId?: string;
    sentAt: string;
  }
>;

export type ConversationAcceptedFrame = FrameBase<'ConversationAccepted', { conversationId: string; operatorId: string; lineId: string }>;

export type ReplyRequestedFrame = FrameBase<
  'ReplyRequested',
  { conversationId: string; replyId: string; operatorId: string; text: string; attachments: Attachment[] }
>;

export type ReplyDeliveredFrame = FrameBase<
  'ReplyDelivered',
  { conversationId: string; replyId: string; externalMessageId: string; deliveredAt: string }
>;

export type ReplyFailedFrame = FrameBase<'ReplyFailed', { conversationId: string; replyId: string; code: string; reason: string }>;

export type ReplyReceiptRecordedFrame = FrameBase<
  'ReplyReceiptRecorded',
  { conversationId: string; replyId: string; status: 'delivered' | 'seen' | 'failed'; reason?: string; receivedAt: string }
>;

export type ConversationClosedFrame = FrameBase<'ConversationClosed', { conversationId: string; closedBy?: MessageAuthor }>;

export type CustomerBlockRecordedFrame = FrameBase<'CustomerBlockRecorded', { conversationId: string; blocked: boolean }>;

export type MessageEditRecordedFrame = FrameBase<'MessageEditRecorded', { conversationId: string; messageId: string; text: string; editedAt: string }>;

export type ContactProfileUpdatedFrame = FrameBase<
  'ContactProfileUpdated',
  { contactId: string; displayName: string; avatarUrl?: string; avatar?: Attachment }
>;

export type LiveFrame =
  | ConversationOpenedFrame
  | ConversationReopenedFrame
  | MessageAppendedFrame
  | ConversationAcceptedFrame
  | ReplyRequestedFrame
  | ReplyDeliveredFrame
  | ReplyFailedFrame
  | ReplyReceiptRecordedFrame
  | ConversationClosedFrame
  | CustomerBlockRecordedFrame
  | MessageEditRecordedFrame
  | ContactProfileUpdatedFrame;

export const liveFrameTypes: ReadonlySet<string> = new Set<LiveFrame['type']>([
  'ConversationOpened',
  'ConversationReopened',
  'MessageAppended',
  'ConversationAccepted',
  'ReplyRequested',
  'ReplyDelivered',
  'ReplyFailed',
  'ReplyReceiptRecorded',
  'ConversationClosed',
  'CustomerBlockRecorded',
  'MessageEditRecorded',
  'ContactProfileUpdated',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export type ParsedServerFrame = { kind: 'event'; frame: LiveFrame } | { kind: 'pong' } | { kind: 'ignored' };

/**
 * Parses one text frame from the server. Unknown event types (a newer backend) and malformed frames are ignored
 * rather than thrown: the live view must survive a backend that publishes more than this console understands.
 */
export function parseServerFrame(raw: string): ParsedServerFrame {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { kind: 'ignored' };
  }
  if (!isRecord(value) || typeof value['type'] !== 'string') return { kind: 'ignored' };
  if (value['type'] === 'pong') return { kind: 'pong' };
  if (typeof value['seq'] !== 'number' || !Number.isFinite(value['seq'])) return { kind: 'ignored' };
  if (!liveFrameTypes.has(value['type']) || !isRecord(value['data'])) return { kind: 'ignored' };
  const data = value['data'];
  // The envelope carries conversationId too; fill it into data when the backend put it only on the frame.
  if (typeof data['conversationId'] !== 'string' && typeof value['conversationId'] === 'string') {
    data['conversationId'] = value['conversationId'];
  }
  return { kind: 'event', frame: value as unknown as LiveFrame };
}
