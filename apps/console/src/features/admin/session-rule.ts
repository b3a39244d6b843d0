import type { SessionRule } from '../../api/types';

export function describeSessionRule(rule: SessionRule): string {
  const window = rule.reopenWithinHours ? ` within ${rule.reopenWithinHours} h` : '';
  return rule.mode === 'reopen'
    ? `Reopen the last conversation${window || ' (any time)'}`
    : `New conversation, linked to the previous one${window ? ` (continues it${window})` : ''}`;
}

/** Parses the optional reopen-window field; undefined = empty, NaN-like input → an error message. */
export function parseReopenHours(input: string): { hours?: number; error?: string } {
  const trimmed = input.trim();
  if (!trimmed) return {};
  const hours = Number(trimmed);
  if (!Number.isInteger(hours) || hours <= 0) return { error: 'The reopen window is a whole number of hours greater than 0.' };
  return { hours };
}
