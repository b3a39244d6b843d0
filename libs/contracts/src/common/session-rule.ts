import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const SessionRuleModes = ['reopen', 'new'] as const;
export type SessionRuleMode = (typeof SessionRuleModes)[number];

/**
 * What a customer's message does when their last conversation in the line is closed: `reopen` it (ELMA365
 * behaviour) or open a `new` one linked to the previous (Planfix behaviour). With `reopenWithinHours`, `reopen`
 * applies only if the conversation was closed less than that many hours ago; older ones get a new conversation.
 * An active (not closed) conversation always continues.
 */
export class SessionRule {
  @IsIn(SessionRuleModes)
  mode!: SessionRuleMode;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  reopenWithinHours?: number;
}
