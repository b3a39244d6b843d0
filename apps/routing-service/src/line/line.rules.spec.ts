import { ParleyError } from '@parley/contracts';
import { decideCreate, decideMembers, decideUpdate, type Line } from './line.rules';

const id = '0198a1b2-0000-7000-8000-0000000000aa';
const a = '0198a1b2-0000-7000-8000-00000000000a';
const b = '0198a1b2-0000-7000-8000-00000000000b';
const line: Line = { id, name: 'Support', sessionRule: { mode: 'reopen', reopenWithinHours: 24 }, memberIds: [a] };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParleyError) return err.code;
    throw err;
  }
  return undefined;
}

describe('line rules', () => {
  describe('create', () => {
    it('creates a new line with a trimmed name and no members', () => {
      expect(decideCreate(undefined, { id, name: '  Sales ', sessionRule: { mode: 'new' } })).toEqual({
        changed: true,
        line: { id, name: 'Sales', sessionRule: { mode: 'new' }, memberIds: [] },
      });
    });

    it('treats the same id with the same content as a retry', () => {
      expect(decideCreate(line, { id, name: 'Support', sessionRule: { mode: 'reopen', reopenWithinHours: 24 } })).toEqual({
        changed: false,
        line,
      });
    });

    it('refuses the same id with other content', () => {
      expect(codeOf(() => decideCreate(line, { id, name: 'Other', sessionRule: { mode: 'new' } }))).toBe('CONFLICT');
    });

    it('refuses a reopen window on a "new" rule and a blank name', () => {
      expect(codeOf(() => decideCreate(undefined, { id, name: 'X', sessionRule: { mode: 'new', reopenWithinHours: 2 } }))).toBe(
        'CONTRACT_VIOLATION',
      );
      expect(codeOf(() => decideCreate(undefined, { id, name: '   ', sessionRule: { mode: 'new' } }))).toBe('CONTRACT_VIOLATION');
    });
  });

  describe('update', () => {
    it('renames and changes the rule, keeping the members', () => {
      expect(decideUpdate(line, { name: 'Help', sessionRule: { mode: 'new' } })).toEqual({
        changed: true,
        line: { ...line, name: 'Help', sessionRule: { mode: 'new' } },
      });
    });

    it('is no change when the values are the same', () => {
      expect(decideUpdate(line, { name: ' Support ' }).changed).toBe(false);
      expect(decideUpdate(line, {}).changed).toBe(false);
    });
  });

  describe('members', () => {
    it('replaces the set, sorted and without duplicates', () => {
      expect(decideMembers(line, [b, a, b])).toEqual({ changed: true, line: { ...line, memberIds: [a, b] } });
    });

    it('is no change for the same set in another order', () => {
      expect(decideMembers({ ...line, memberIds: [a, b] }, [b, a]).changed).toBe(false);
    });

    it('can empty a line', () => {
      expect(decideMembers(line, [])).toEqual({ changed: true, line: { ...line, memberIds: [] } });
    });
  });
});
