import { ContractViolationError, ParleyError } from '@parley/contracts';
import { retryDelayMs, type BackoffPolicy } from './backoff';
import { describeError } from './logger';

/** What to do with a delivered message once its handler has run. */
export type Settlement =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'dead-letter'; reason: string; code: string; finalDelivery: boolean };

/** Poison: retrying can never help (malformed message, a domain error that says so). */
export function isPoison(err: unknown): boolean {
  if (err instanceof ContractViolationError) return true;
  if (err instanceof ParleyError) return !err.retryable;
  return false;
}

/** The error code that travels with a dead letter / error reply. */
export function errorCode(err: unknown): string {
  if (err instanceof ContractViolationError || err instanceof ParleyError) return err.code;
  return 'INTERNAL';
}

export interface SettlementPolicy {
  /** Handler attempts per message; the delivery numbered `maxAttempts` that still fails is dead-lettered. */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

/**
 * The one settlement rule (style.md item 6): success → ack; poison → dead-letter; transient failure → delayed nak,
 * honouring the error's `retryAfterMs`; the last allowed attempt that still fails → dead-letter.
 */
export function decideSettlement(
  outcome: { ok: true } | { ok: false; error: unknown },
  deliveryCount: number,
  policy: SettlementPolicy,
  random?: () => number,
): Settlement {
  if (outcome.ok) return { kind: 'ack' };
  const { error } = outcome;
  const reason = describeError(error);
  if (isPoison(error)) return { kind: 'dead-letter', reason, code: errorCode(error), finalDelivery: false };
  if (deliveryCount >= policy.maxAttempts) {
    return { kind: 'dead-letter', reason, code: errorCode(error), finalDelivery: true };
  }
  const retryAfter = error instanceof ParleyError ? error.options.retryAfterMs : undefined;
  const delayMs =
    retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0
      ? retryAfter
      : retryDelayMs(deliveryCount, policy.backoff, random);
  return { kind: 'retry', delayMs, reason };
}
