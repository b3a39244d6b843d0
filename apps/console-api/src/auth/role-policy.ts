import type { OperatorRole } from '../operators/operator.model';

/*
 * Who may do what, in one place (docs/api/console-api.md "Roles"). Conversation work is not listed here: every
 * role works conversations, operators only in the lines they belong to (LineAccessService), supervisors and
 * admins in all (`actsOnAllLines` from contracts; conversation-service applies the same rule to its commands).
 */

/** Change configuration: operator accounts, lines and their members, channels. */
export const CONFIGURE: readonly OperatorRole[] = ['admin'];

/** Read configuration: every operator account and channel (every line: GET /api/lines answers by role). */
export const READ_CONFIGURATION: readonly OperatorRole[] = ['admin', 'supervisor'];
