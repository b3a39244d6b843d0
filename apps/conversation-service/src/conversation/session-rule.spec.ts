import { chooseSession } from './session-rule';

const now = new Date('2026-11-21T12:00:00Z');
const hoursBefore = (h: number): Date => new Date(now.getTime() - h * 3_600_000);

describe('the session rule', () => {
  it('opens the first conversation of a contact', () => {
    expect(chooseSession(null, { mode: 'reopen' }, now)).toMatchObject({ kind: 'open', previousConversationId: null, decision: { outcome: 'first' } });
  });

  it('continues an open conversation whatever the rule', () => {
    const open = { id: 'c1', closed: false, closedAt: null };
    expect(chooseSession(open, { mode: 'new' }, now)).toEqual({ kind: 'continue', conversationId: 'c1' });
    expect(chooseSession(open, { mode: 'reopen', reopenWithinHours: 1 }, now)).toEqual({ kind: 'continue', conversationId: 'c1' });
  });

  it('reopens a closed conversation under "reopen" (ELMA365)', () => {
    const choice = chooseSession({ id: 'c1', closed: true, closedAt: hoursBefore(500) }, { mode: 'reopen' }, now);
    expect(choice).toMatchObject({ kind: 'reopen', conversationId: 'c1', decision: { outcome: 'reopen' } });
  });

  it('opens a new conversation linked to the closed one under "new" (Planfix)', () => {
    const choice = chooseSession({ id: 'c1', closed: true, closedAt: hoursBefore(1) }, { mode: 'new' }, now);
    expect(choice).toMatchObject({ kind: 'open', previousConversationId: 'c1', decision: { outcome: 'new' } });
  });

  it('reopens only inside the reopen window, and says why', () => {
    const rule = { mode: 'reopen' as const, reopenWithinHours: 24 };
    expect(chooseSession({ id: 'c1', closed: true, closedAt: hoursBefore(23) }, rule, now)).toMatchObject({ kind: 'reopen' });
    const late = chooseSession({ id: 'c1', closed: true, closedAt: hoursBefore(30) }, rule, now);
    expect(late).toMatchObject({ kind: 'open', previousConversationId: 'c1', decision: { outcome: 'new' } });
    expect(late.kind === 'open' && late.decision.reason).toMatch(/30 h ago/);
  });
});
