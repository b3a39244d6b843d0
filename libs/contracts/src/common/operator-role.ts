/**
 * Roles of console accounts. `operator`: acts only in the lines they belong to; `supervisor`: sees and acts in every
 * line (accept, reply, close) but changes no configuration; `admin`: everything, configuration included.
 */
export const OperatorRoles = ['admin', 'supervisor', 'operator'] as const;
export type OperatorRole = (typeof OperatorRoles)[number];

/** Whether the role sees and acts in every line, member or not (supervisors and admins). */
export function actsOnAllLines(role: OperatorRole | undefined): boolean {
  return role === 'admin' || role === 'supervisor';
}
