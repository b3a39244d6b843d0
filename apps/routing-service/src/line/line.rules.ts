import { CommonErrorCodes, ParleyError, type SessionRule, type SessionRuleMode } from '@parley/contracts';

/** A line as the routing service keeps it (and as `LineView`/`LineChanged` carry it). */
export interface Line {
  id: string;
  name: string;
  sessionRule: { mode: SessionRuleMode; reopenWithinHours?: number };
  /** Sorted, without duplicates. */
  memberIds: string[];
}

export type Decision = { changed: true; line: Line } | { changed: false; line: Line };

/** The canonical form of a session rule; `reopenWithinHours` only means something for `reopen`. */
export function checkSessionRule(rule: SessionRule): Line['sessionRule'] {
  if (rule.mode === 'new' && rule.reopenWithinHours !== undefined && rule.reopenWithinHours !== null) {
    throw new ParleyError(CommonErrorCodes.CONTRACT_VIOLATION, 'sessionRule.reopenWithinHours applies only to mode "reopen"', {
      details: { violations: [{ path: 'data.sessionRule.reopenWithinHours', constraints: ['only with mode "reopen"'] }] },
    });
  }
  return rule.reopenWithinHours === undefined || rule.reopenWithinHours === null
    ? { mode: rule.mode }
    : { mode: rule.mode, reopenWithinHours: rule.reopenWithinHours };
}

/** Names are compared trimmed; uniqueness is case-insensitive (the index is on `lower(name)`). */
export function normaliseName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) {
    throw new ParleyError(CommonErrorCodes.CONTRACT_VIOLATION, 'name must not be blank', {
      details: { violations: [{ path: 'data.name', constraints: ['must not be blank'] }] },
    });
  }
  return trimmed;
}

function sameRule(a: Line['sessionRule'], b: Line['sessionRule']): boolean {
  return a.mode === b.mode && a.reopenWithinHours === b.reopenWithinHours;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export function lineNameConflict(name: string): ParleyError {
  return new ParleyError(CommonErrorCodes.CONFLICT, `a line named "${name}" already exists`, { details: { name } });
}

/**
 * CreateLine. A new id creates the line. A known id is a retry of the same command when name and rule match (the
 * current line is returned, nothing changes); anything else reusing the id is a CONFLICT.
 */
export function decideCreate(existing: Line | undefined, command: { id: string; name: string; sessionRule: SessionRule }): Decision {
  const name = normaliseName(command.name);
  const sessionRule = checkSessionRule(command.sessionRule);
  if (existing === undefined) return { changed: true, line: { id: command.id, name, sessionRule, memberIds: [] } };
  if (existing.name === name && sameRule(existing.sessionRule, sessionRule)) return { changed: false, line: existing };
  throw new ParleyError(CommonErrorCodes.CONFLICT, `line ${command.id} already exists with another name or session rule`, {
    details: { lineId: command.id },
  });
}

/** UpdateLine: the fields given replace the current ones; no event when nothing actually changes. */
export function decideUpdate(line: Line, patch: { name?: string | undefined; sessionRule?: SessionRule | undefined }): Decision {
  const name = patch.name === undefined ? line.name : normaliseName(patch.name);
  const sessionRule = patch.sessionRule === undefined ? line.sessionRule : checkSessionRule(patch.sessionRule);
  if (name === line.name && sameRule(sessionRule, line.sessionRule)) return { changed: false, line };
  return { changed: true, line: { ...line, name, sessionRule } };
}

/** SetLineMembers: the set replaces the current members (order and duplicates do not matter). */
export function decideMembers(line: Line, operatorIds: readonly string[]): Decision {
  const memberIds = [...new Set(operatorIds.map((id) => id.toLowerCase()))].sort();
  if (sameMembers(memberIds, line.memberIds)) return { changed: false, line };
  return { changed: true, line: { ...line, memberIds } };
}
