import { ParleyError } from '@parley/contracts';
import {
  decideAccept,
  decideBlock,
  decideClose,
  decideDeliveryOutcome,
  decideExternalReply,
  decideIncoming,
  decideOpen,
  decideOpenByExternalReply,
  decideReply,
  fold,
  initialState,
  type Actor,
  type ConversationState,
  type IncomingMessage,
  type OpenCommand,
} from './conversation.decider';
import type { ConversationEvent } from './conversation.events';

const ids = {
  conversation: '0190d5c4-0000-7000-8000-000000000001',
  line: '0190d5c4-0000-7000-8000-000000000002',
  channel: '0190d5c4-0000-7000-8000-000000000003',
  contact: '0190d5c4-0000-7000-8000-000000000004',
  ann: '0190d5c4-0000-7000-8000-0000000000a1',
  bob: '0190d5c4-0000-7000-8000-0000000000b2',
  reply: '0190d5c4-0000-7000-8000-0000000000c3',
};

const open: OpenCommand = {
  conversationId: ids.conversation,
  lineId: ids.line,
  channelId: ids.channel,
  channelType: 'vk',
  contactId: ids.contact,
  externalChatId: '42',
  previousConversationId: null,
  decision: { outcome: 'first', reason: 'first conversation' },
};
const hello: IncomingMessage = { messageId: '0190d5c4-0000-7000-8000-0000000000d4', text: 'hi', attachments: [], externalMessageId: '9876', sentAt: '2026-11-21T10:00:00.000Z' };

/** given: events so far → state */
const given = (...events: ConversationEvent[]): ConversationState => fold(events.map((event) => ({ event, occurredAt: '2026-11-21T11:00:00.000Z' })));
const opened = (): ConversationEvent[] => decideOpen(initialState(), open, hello);
const member = (operatorId: string): Actor => ({ operatorId, role: 'operator', isLineMember: true });
const stranger = (operatorId: string, role: Actor['role'] = 'operator'): Actor => ({ operatorId, role, isLineMember: false });
const accept = (actor: Actor) => ({ conversationId: ids.conversation, actor });
const closeBy = (actor: Actor) => ({ conversationId: ids.conversation, closedBy: { kind: 'operator' as const, actor } });
const accepted = (by = ids.ann): ConversationEvent[] => [...opened(), ...decideAccept(given(...opened()), accept(member(by)))];
const reply = (operatorId = ids.ann, text = 'hello'): Parameters<typeof decideReply>[1] => ({
  conversationId: ids.conversation, replyId: ids.reply, operatorId, text, attachments: [],
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParleyError) return err.code;
    throw err;
  }
  throw new Error('expected a ParleyError');
}

describe('conversation decide/evolve', () => {
  it('opens a queued conversation with its first message', () => {
    const events = opened();
    expect(events.map((e) => e.type)).toEqual(['ConversationOpened', 'MessageAppended']);
    expect(given(...events)).toMatchObject({ status: 'queued', assigneeId: null, contactId: ids.contact });
    expect(codeOf(() => decideOpen(given(...events), open, hello))).toBe('CONFLICT');
  });

  it('lets one line member accept, idempotently, and refuses others', () => {
    const state = given(...accepted());
    expect(state).toMatchObject({ status: 'assigned', assigneeId: ids.ann });
    expect(decideAccept(state, accept(member(ids.ann)))).toEqual([]);
    expect(codeOf(() => decideAccept(state, accept(member(ids.bob))))).toBe('ALREADY_ASSIGNED');
    expect(codeOf(() => decideAccept(given(...opened()), accept(stranger(ids.bob))))).toBe('NOT_A_LINE_MEMBER');
  });

  it('lets a supervisor or admin accept in any line, recording the role, but never take it from someone else', () => {
    for (const role of ['supervisor', 'admin'] as const) {
      const [event] = decideAccept(given(...opened()), accept(stranger(ids.bob, role)));
      expect(event).toEqual({ type: 'ConversationAccepted', data: { conversationId: ids.conversation, operatorId: ids.bob, lineId: ids.line, actorRole: role } });
      expect(codeOf(() => decideAccept(given(...accepted()), accept(stranger(ids.bob, role))))).toBe('ALREADY_ASSIGNED');
    }
  });

  it('accepts a reply only from the assignee, once per reply id', () => {
    const state = given(...accepted());
    const events = decideReply(state, reply());
    expect(events).toEqual([
      expect.objectContaining({ type: 'ReplyRequested', data: expect.objectContaining({ replyId: ids.reply, externalChatId: '42', channelType: 'vk' }) }),
    ]);
    expect(decideReply(given(...accepted(), ...events), reply())).toEqual([]);
    expect(codeOf(() => decideReply(state, reply(ids.bob)))).toBe('NOT_ASSIGNED_TO_YOU');
    expect(codeOf(() => decideReply(given(...opened()), reply()))).toBe('NOT_ASSIGNED_TO_YOU');
    expect(codeOf(() => decideReply(state, reply(ids.ann, '  ')))).toBe('EMPTY_REPLY');
  });

  it('carries the operator’s name into ReplyRequested when given (Viber shows it as the sender)', () => {
    const [named] = decideReply(given(...accepted()), { ...reply(), operatorName: 'Ann Lee' });
    expect(named?.data).toMatchObject({ operatorName: 'Ann Lee' });
    const [unnamed] = decideReply(given(...accepted()), reply());
    expect(unnamed?.data).not.toHaveProperty('operatorName');
  });

  it('refuses replies while the customer blocks the channel, and again after they allow it', () => {
    const blocked = decideBlock(given(...accepted()), ids.conversation, true);
    expect(codeOf(() => decideReply(given(...accepted(), ...blocked), reply()))).toBe('RECIPIENT_BLOCKED');
    expect(decideBlock(given(...accepted(), ...blocked), ids.conversation, true)).toEqual([]);
    const allowed = decideBlock(given(...accepted(), ...blocked), ids.conversation, false);
    expect(decideReply(given(...accepted(), ...blocked, ...allowed), reply())).toHaveLength(1);
  });

  it('records a delivery outcome once, and only for a requested reply', () => {
    const requested = [...accepted(), ...decideReply(given(...accepted()), reply())];
    const outcome = { kind: 'delivered' as const, conversationId: ids.conversation, replyId: ids.reply, externalMessageId: '555', deliveredAt: '2026-11-21T11:00:01.000Z' };
    const delivered = decideDeliveryOutcome(given(...requested), outcome);
    expect(delivered.map((e) => e.type)).toEqual(['ReplyDelivered']);
    expect(decideDeliveryOutcome(given(...requested, ...delivered), outcome)).toEqual([]);
    expect(decideDeliveryOutcome(given(...requested, ...delivered), { kind: 'failed', conversationId: ids.conversation, replyId: ids.reply, code: 'X', reason: 'x' })).toEqual([]);
    expect(codeOf(() => decideDeliveryOutcome(given(...accepted()), outcome))).toBe('NOT_FOUND');
  });

  it('closes once; a queued conversation can be closed by any line member without being taken', () => {
    const closed = decideClose(given(...opened()), closeBy(member(ids.bob)));
    expect(closed).toEqual([
      { type: 'ConversationClosed', data: { conversationId: ids.conversation, closedBy: { kind: 'operator', id: ids.bob }, actorRole: 'operator' } },
    ]);
    const state = given(...opened(), ...closed);
    expect(state).toMatchObject({ status: 'closed', closedAt: '2026-11-21T11:00:00.000Z' });
    expect(decideClose(state, closeBy(member(ids.bob)))).toEqual([]);
    expect(codeOf(() => decideClose(given(...accepted()), closeBy(member(ids.bob))))).toBe('NOT_ASSIGNED_TO_YOU');
    expect(codeOf(() => decideClose(given(...opened()), closeBy(stranger(ids.bob))))).toBe('NOT_A_LINE_MEMBER');
    expect(codeOf(() => decideReply(given(...accepted(), ...decideClose(given(...accepted()), closeBy(member(ids.ann)))), reply()))).toBe('CONVERSATION_CLOSED');
    expect(decideClose(given(...opened()), { conversationId: ids.conversation, closedBy: { kind: 'system' } })).toEqual([
      { type: 'ConversationClosed', data: { conversationId: ids.conversation, closedBy: { kind: 'system' } } },
    ]);
  });

  it('lets a supervisor or admin close in any line, queued or held by another operator, recording who and in which role', () => {
    for (const role of ['supervisor', 'admin'] as const) {
      for (const history of [opened(), accepted(ids.ann)]) {
        expect(decideClose(given(...history), closeBy(stranger(ids.bob, role)))).toEqual([
          { type: 'ConversationClosed', data: { conversationId: ids.conversation, closedBy: { kind: 'operator', id: ids.bob }, actorRole: role } },
        ]);
      }
    }
  });

  it('reopens a closed conversation when the session rule says so, queued and unassigned', () => {
    const history = [...accepted(), ...decideClose(given(...accepted()), closeBy(member(ids.ann)))];
    const events = decideIncoming(given(...history), ids.conversation, hello, { outcome: 'reopen', reason: 'rule' });
    expect(events.map((e) => e.type)).toEqual(['ConversationReopened', 'MessageAppended']);
    expect(given(...history, ...events)).toMatchObject({ status: 'queued', assigneeId: null, closedAt: null });
  });

  it('shows a reply written inside the messenger as outbound from the messenger', () => {
    const [event] = decideExternalReply(given(...opened()), ids.conversation, hello);
    expect(event).toMatchObject({ type: 'MessageAppended', data: { direction: 'outbound', author: { kind: 'messenger' } } });
    expect(codeOf(() => decideExternalReply(initialState(), ids.conversation, hello))).toBe('NOT_FOUND');
  });
});

describe('an answer written in the messenger with no conversation yet', () => {
  it('opens a conversation holding the answer, authored by the messenger', () => {
    const events = decideOpenByExternalReply(initialState(), open, hello);
    expect(events.map((e) => e.type)).toEqual(['ConversationOpened', 'MessageAppended']);
    expect(events[1]?.data).toMatchObject({ direction: 'outbound', author: { kind: 'messenger' } });
    expect(given(...events)).toMatchObject({ status: 'queued', assigneeId: null });
  });

  it('refuses to open a conversation twice', () => {
    expect(() => decideOpenByExternalReply(given(...opened()), open, hello)).toThrow(ParleyError);
  });
});
