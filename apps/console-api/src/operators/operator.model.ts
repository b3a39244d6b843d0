export const OperatorRoles = ['admin', 'supervisor', 'operator'] as const;
export type OperatorRole = (typeof OperatorRoles)[number];

/** An operator as the API shows it (never the password hash). */
export interface Operator {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
}

export interface OperatorRecord extends Operator {
  passwordHash: string;
}
