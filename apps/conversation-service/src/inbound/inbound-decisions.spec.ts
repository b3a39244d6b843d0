import { fold } from '../conversation/conversation.decider';
import type { ConversationEvent } from '../conversation/conversation.events';
import { decideCustomerMessage, decideMessengerAnswer, type InboundSituation } from './inbound-decisions';

const ids = {
  previous: '0190d5c4-0000-7000-8000-000000000001',
  fresh: '0190d5c4-0000-7000-8000-000000000009',
  line: '0190d5c4-0000-7000-8000-000000000002',
  channel: '0190d5c4-0000-7000-8000-000000000003',
  contact: '0190d5c4-0000-7000-8000-000000000004',
};
const now = new Date('2026-11-21T12:00:00.000Z');
const message = { messageId: '0190d5c4-0000-7000-8000-0000000000d4', text: 'hi', attachments: [], externalMessageId: '1', sentAt: now.toISOString() };
const open = { lineId: ids.line, channelId: ids.channel, channelType: 'vk' as const, contactId: ids.contact, externalChatId: '42' };

const situation = (over: Partial<InboundSituation> = {}): InboundSituation => ({
  latest: null,
  rule: { mode: 'reopen' },
  blocked: false,
  now,
  newConversationId: ids.fresh,
  open,
  ...over,
});

/** The previous conversation, optionally closed at `closedAt`. */
function previous(closedAt?: string): InboundSituation['latest'] {
  const first = decideCustomerMessage(situation({ newConversationId: ids.previous }), message).events;
  const events: Array<{ event: ConversationEvent; occurredAt: string | null }> = first.map((event) => ({ event, occurredAt: null }));
  if (closedAt) events.push({ event: { type: 'ConversationClosed', data: { conversationId: ids.previous, closedBy: { kind: 'system' } } }, occurredAt: closedAt });
  return { id: ids.previous, state: fold(events) };
}

describe('inbound decisions', () => {
  it('opens the first conversation of a contact', () => {
    const d = decideCustomerMessage(situation(), message);
    expect(d).toMatchObject({ conversationId: ids.fresh, opens: true });
    expect(d.events.map((e) => e.type)).toEqual(['ConversationOpened', 'MessageAppended']);
  });

  it('starts a blocked customer\'s new conversation blocked', () => {
    const d = decideCustomerMessage(situation({ blocked: true }), message);
    expect(d.events.map((e) => e.type)).toEqual(['ConversationOpened', 'MessageAppended', 'CustomerBlockRecorded']);
  });

  it('continues an open conversation', () => {
    const d = decideCustomerMessage(situation({ latest: previous() }), message);
    expect(d).toMatchObject({ conversationId: ids.previous, opens: false });
    expect(d.events.map((e) => e.type)).toEqual(['MessageAppended']);
  });

  it('reopens a closed one under "reopen", opens a linked one under "new" or outside the window', () => {
    const closed = previous('2026-11-21T11:00:00.000Z');
    expect(decideCustomerMessage(situation({ latest: closed }), message).events.map((e) => e.type)).toEqual([
      'ConversationReopened',
      'MessageAppended',
    ]);
    const linked = decideCustomerMessage(situation({ latest: closed, rule: { mode: 'new' } }), message);
    expect(linked).toMatchObject({ conversationId: ids.fresh, opens: true });
    expect(linked.events[0]?.data).toMatchObject({ previousConversationId: ids.previous, decision: { outcome: 'new' } });
    const late = decideCustomerMessage(situation({ latest: previous('2026-11-21T08:00:00.000Z'), rule: { mode: 'reopen', reopenWithinHours: 2 } }), message);
    expect(late.events[0]?.data).toMatchObject({ previousConversationId: ids.previous, decision: { outcome: 'new' } });
  });

  it('adds an answer written in the messenger to the latest conversation without reopening it', () => {
    const d = decideMessengerAnswer(situation({ latest: previous('2026-11-21T11:00:00.000Z') }), message);
    expect(d).toMatchObject({ conversationId: ids.previous, opens: false });
    expect(d.events).toHaveLength(1);
    expect(d.events[0]?.data).toMatchObject({ author: { kind: 'messenger' }, direction: 'outbound' });
  });

  it('opens a conversation for an answer written in the messenger when there is none', () => {
    const d = decideMessengerAnswer(situation(), message);
    expect(d).toMatchObject({ conversationId: ids.fresh, opens: true });
    expect(d.events[0]?.data).toMatchObject({ decision: { outcome: 'first' } });
  });
});
