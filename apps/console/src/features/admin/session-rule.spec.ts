import { describeSessionRule, parseReopenHours } from './session-rule';

describe('session rule helpers', () => {
  it('parses the optional reopen window', () => {
    expect(parseReopenHours('')).toEqual({});
    expect(parseReopenHours(' 24 ')).toEqual({ hours: 24 });
    expect(parseReopenHours('0').error).toBeDefined();
    expect(parseReopenHours('1.5').error).toBeDefined();
    expect(parseReopenHours('abc').error).toBeDefined();
  });

  it('describes the rule', () => {
    expect(describeSessionRule({ mode: 'reopen', reopenWithinHours: 24 })).toBe('Reopen the last conversation within 24 h');
    expect(describeSessionRule({ mode: 'reopen' })).toBe('Reopen the last conversation (any time)');
    expect(describeSessionRule({ mode: 'new' })).toBe('New conversation, linked to the previous one');
  });
});
