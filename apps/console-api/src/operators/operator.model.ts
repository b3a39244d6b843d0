import type { OperatorRole } from '@parley/contracts';

export { OperatorRoles, type OperatorRole } from '@parley/contracts';

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
