/** The live event types pushed to consoles (docs/api/console-api.md, "Live events"). */
export const LiveEventTypes = [
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
] as const;
export type LiveEventType = (typeof LiveEventTypes)[number];

/** A row of console.feed: one event, numbered by `seq` in commit order. */
export interface FeedRow {
  seq: number;
  eventId: string;
  type: string;
  occurredAt: string;
  conversationId: string | null;
  lineId: string | null;
  /** Lines whose members may see it (the conversation's line; for contact events, every line the contact wrote to). */
  lineIds: string[];
  data: Record<string, unknown>;
}

export type NewFeedRow = Omit<FeedRow, 'seq'>;

/** A server → client frame. */
export interface LiveFrame {
  seq: number;
  type: string;
  occurredAt: string;
  conversationId: string | null;
  lineId: string | null;
  data: Record<string, unknown>;
}

export function toFrame(row: FeedRow): LiveFrame {
  return { seq: row.seq, type: row.type, occurredAt: row.occurredAt, conversationId: row.conversationId, lineId: row.lineId, data: row.data };
}
