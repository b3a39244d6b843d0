import type { SessionDecision, SessionRule } from '@parley/contracts';

/** The latest conversation of a contact in a line through a channel, as the session rule needs to see it. */
export interface PreviousConversation {
  id: string;
  closed: boolean;
  closedAt: Date | null;
}

export type SessionChoice =
  | { kind: 'continue'; conversationId: string }
  | { kind: 'reopen'; conversationId: string; decision: SessionDecision }
  | { kind: 'open'; previousConversationId: string | null; decision: SessionDecision };

const HOUR_MS = 3_600_000;

function hoursAgo(then: Date, now: Date): string {
  const hours = (now.getTime() - then.getTime()) / HOUR_MS;
  return hours < 1 ? `${Math.round(hours * 60)} min` : `${Math.round(hours * 10) / 10} h`;
}

/**
 * Decides what a customer's message does, given their previous conversation in the line and the line's rule:
 * an open conversation always continues; after a closed one, `reopen` reopens it (within `reopenWithinHours` if
 * set, else a new one), `new` opens a new conversation linked to the previous one.
 */
export function chooseSession(previous: PreviousConversation | null, rule: SessionRule, now: Date): SessionChoice {
  if (previous === null) {
    return { kind: 'open', previousConversationId: null, decision: { outcome: 'first', reason: 'first conversation of the contact in this line' } };
  }
  if (!previous.closed) return { kind: 'continue', conversationId: previous.id };
  if (rule.mode === 'new') {
    return {
      kind: 'open',
      previousConversationId: previous.id,
      decision: { outcome: 'new', reason: 'line rule "new": the previous conversation is closed' },
    };
  }
  const window = rule.reopenWithinHours;
  const closedAt = previous.closedAt ?? now;
  if (window !== undefined && now.getTime() - closedAt.getTime() > window * HOUR_MS) {
    return {
      kind: 'open',
      previousConversationId: previous.id,
      decision: {
        outcome: 'new',
        reason: `line rule "reopen" within ${window} h: the previous conversation was closed ${hoursAgo(closedAt, now)} ago`,
      },
    };
  }
  return {
    kind: 'reopen',
    conversationId: previous.id,
    decision: {
      outcome: 'reopen',
      reason:
        window === undefined
          ? 'line rule "reopen": the previous conversation is closed'
          : `line rule "reopen" within ${window} h: closed ${hoursAgo(closedAt, now)} ago`,
    },
  };
}
