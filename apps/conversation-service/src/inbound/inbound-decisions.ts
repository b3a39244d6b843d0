import type { SessionRule } from '@parley/contracts';
import {
  decideBlock,
  decideExternalReply,
  decideIncoming,
  decideOpen,
  decideOpenByExternalReply,
  fold,
  initialState,
  type ConversationState,
  type IncomingMessage,
  type OpenCommand,
} from '../conversation/conversation.decider';
import type { ConversationEvent } from '../conversation/conversation.events';
import { chooseSession, type PreviousConversation } from '../conversation/session-rule';

/** Where the events of an inbound fact go: an existing conversation, or a new one the fact opens. */
export interface InboundDecision {
  conversationId: string;
  /** True when these events open a new conversation (the session index then points at it). */
  opens: boolean;
  events: ConversationEvent[];
}

/** The contact's latest conversation in the line through the channel, loaded from its stream. */
export interface LatestConversation {
  id: string;
  state: ConversationState;
}

export interface InboundSituation {
  latest: LatestConversation | null;
  rule: SessionRule;
  /** The customer blocks the channel: a conversation opened now starts blocked. */
  blocked: boolean;
  now: Date;
  newConversationId: string;
  open: Omit<OpenCommand, 'conversationId' | 'previousConversationId' | 'decision'>;
}

function previousOf(latest: LatestConversation | null): PreviousConversation | null {
  if (latest === null || latest.state.status === 'none') return null;
  const { closedAt } = latest.state;
  return { id: latest.id, closed: latest.state.status === 'closed', closedAt: closedAt === null ? null : new Date(closedAt) };
}

function withInitialBlock(events: ConversationEvent[], conversationId: string, blocked: boolean): ConversationEvent[] {
  if (!blocked) return events;
  const state = fold(events.map((event) => ({ event, occurredAt: null })));
  return [...events, ...decideBlock(state, conversationId, true)];
}

/** A customer's message: the line's session rule picks the conversation (continue, reopen, or open a new one). */
export function decideCustomerMessage(situation: InboundSituation, message: IncomingMessage): InboundDecision {
  const { latest } = situation;
  const choice = chooseSession(previousOf(latest), situation.rule, situation.now);
  if (choice.kind !== 'open' && latest !== null) {
    const reopen = choice.kind === 'reopen' ? choice.decision : null;
    return { conversationId: latest.id, opens: false, events: decideIncoming(latest.state, latest.id, message, reopen) };
  }
  const open: OpenCommand = {
    ...situation.open,
    conversationId: situation.newConversationId,
    previousConversationId: choice.kind === 'open' ? choice.previousConversationId : null,
    decision:
      choice.kind === 'open' ? choice.decision : { outcome: 'first', reason: 'first conversation of the contact in this line' },
  };
  const events = decideOpen(initialState(), open, message);
  return { conversationId: open.conversationId, opens: true, events: withInitialBlock(events, open.conversationId, situation.blocked) };
}

/**
 * An answer written inside the messenger: it joins the contact's latest conversation (closed or not: it does not
 * reopen it), or opens one when there is none.
 */
export function decideMessengerAnswer(situation: InboundSituation, message: IncomingMessage): InboundDecision {
  const { latest } = situation;
  if (latest !== null && latest.state.status !== 'none') {
    return { conversationId: latest.id, opens: false, events: decideExternalReply(latest.state, latest.id, message) };
  }
  const open: OpenCommand = {
    ...situation.open,
    conversationId: situation.newConversationId,
    previousConversationId: null,
    decision: { outcome: 'first', reason: 'an answer written in the messenger started the conversation' },
  };
  const events = decideOpenByExternalReply(initialState(), open, message);
  return { conversationId: open.conversationId, opens: true, events: withInitialBlock(events, open.conversationId, situation.blocked) };
}
