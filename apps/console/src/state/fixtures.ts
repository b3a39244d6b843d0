import type { Conversation, Message } from '../api/types';
import type { LiveFrame } from '../live/live-events';

/* Test data builders for the state specs (not part of the bundle: nothing but specs import this file). */

export const OPERATOR = '00000000-0000-4000-8000-00000000000a';
export const OTHER_OPERATOR = '00000000-0000-4000-8000-00000000000b';

export function conversation(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    lineId: 'line-1',
    channelId: 'channel-1',
    channelType: 'vk',
    contactId: `contact-${id}`,
    status: 'queued',
    assigneeId: null,
    blocked: false,
    previousConversationId: null,
    openedAt: '2025-01-01T10:00:00.000Z',
    lastMessageAt: '2025-01-01T10:00:00.000Z',
    lastMessagePreview: 'hello',
    messageCount: 1,
    version: 2,
    ...overrides,
  };
}

export function message(id: string, conversationId: string, overrides: Partial<Message> = {}): Message {
  return {
    id,
    conversationId,
    direction: 'inbound',
    author: { kind: 'contact', id: `contact-${conversationId}` },
    text: `text of ${id}`,
    attachments: [],
    status: 'received',
    sentAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

type Data<T extends LiveFrame['type']> = Extract<LiveFrame, { type: T }>['data'];

export function frame<T extends LiveFrame['type']>(seq: number, type: T, data: Data<T>, occurredAt = '2025-01-01T10:05:00.000Z'): LiveFrame {
  return { seq, type, occurredAt, data } as Extract<LiveFrame, { type: T }>;
}
