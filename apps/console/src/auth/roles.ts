import type { Conversation, Role } from '../api/types';

/*
 * What each role may do in the console, mirroring docs/api/console-api.md "Roles" (the server decides; this only
 * keeps the UI from offering what would be refused).
 */

export const roles: readonly Role[] = ['operator', 'supervisor', 'admin'];

export const roleLabels: Record<Role, string> = { operator: 'Operator', supervisor: 'Supervisor', admin: 'Administrator' };

export const roleHints: Record<Role, string> = {
  operator: 'Works the conversations of the lines they are a member of.',
  supervisor: 'Sees and works every line’s conversations; cannot change operators, lines or channels.',
  admin: 'Everything, including operators, lines and channels.',
};

/** Supervisors and admins see and act in every line. */
export function actsOnAllLines(role: Role): boolean {
  return role === 'admin' || role === 'supervisor';
}

/** Only admins change operators, lines and channels. */
export function canConfigure(role: Role): boolean {
  return role === 'admin';
}

/** Operators close their own conversations or untaken ones; supervisors and admins any open one. */
export function mayClose(c: Conversation, operator: { id: string; role: Role }): boolean {
  if (c.status === 'closed') return false;
  return actsOnAllLines(operator.role) || c.assigneeId === null || c.assigneeId === operator.id;
}
