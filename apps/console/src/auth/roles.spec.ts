import { conversation, OPERATOR, OTHER_OPERATOR } from '../state/fixtures';
import { actsOnAllLines, canConfigure, mayClose } from './roles';

describe('roles in the console', () => {
  const me = OPERATOR;
  const queued = conversation('c1', { status: 'queued', assigneeId: null });
  const mine = conversation('c2', { status: 'assigned', assigneeId: me });
  const theirs = conversation('c3', { status: 'assigned', assigneeId: OTHER_OPERATOR });
  const closed = conversation('c4', { status: 'closed', assigneeId: null });

  it('lets an operator close an untaken or their own conversation only', () => {
    const operator = { id: me, role: 'operator' as const };
    expect([queued, mine, theirs, closed].map((c) => mayClose(c, operator))).toEqual([true, true, false, false]);
  });

  it('lets supervisors and admins close any open conversation, and only admins configure', () => {
    for (const role of ['supervisor', 'admin'] as const) {
      expect([queued, mine, theirs, closed].map((c) => mayClose(c, { id: me, role }))).toEqual([true, true, true, false]);
      expect(actsOnAllLines(role)).toBe(true);
    }
    expect(actsOnAllLines('operator')).toBe(false);
    expect([canConfigure('operator'), canConfigure('supervisor'), canConfigure('admin')]).toEqual([false, false, true]);
  });
});
