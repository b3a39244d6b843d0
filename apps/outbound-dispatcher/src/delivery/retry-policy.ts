import { CommonErrorCodes, SendErrorCodes } from '@parley/contracts';

/** How hard the dispatcher tries before a reply ends as `RETRIES_EXHAUSTED`. */
export interface RetryPolicy {
  /** Send attempts in total, the first included. */
  maxAttempts: number;
  /** No retry is scheduled later than this after the reply was recorded. */
  maxAgeMs: number;
  /** Delay after the first failed attempt; doubles each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Random extra delay, as a fraction of the computed delay (0.2 = up to +20 %). Jitter only adds. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  maxAgeMs: 24 * 60 * 60 * 1000,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60 * 1000,
  jitter: 0.2,
};

export const RETRIES_EXHAUSTED = 'RETRIES_EXHAUSTED';

/** A failed send as the gateway (or the transport) reported it. */
export interface SendFailure {
  code: string;
  message: string;
  /** The callee's own opinion; used only for codes this policy does not know. */
  retryable: boolean;
  retryAfterMs?: number;
  /** The messenger's own error code (VK 901, Telegram 403…), when the gateway gave one. */
  messengerErrorCode?: string;
}

export type FailureDecision =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'fail'; code: string; reason: string };

/** Codes that end a reply at once: retrying cannot help. */
const PERMANENT = new Set<string>([
  SendErrorCodes.RECIPIENT_BLOCKED,
  SendErrorCodes.MESSAGE_TOO_LONG,
  SendErrorCodes.CHANNEL_DISCONNECTED,
  SendErrorCodes.CHANNEL_AUTH_FAILED,
  SendErrorCodes.MESSENGER_REJECTED,
  SendErrorCodes.REPLY_WINDOW_CLOSED,
  CommonErrorCodes.CONTRACT_VIOLATION,
  CommonErrorCodes.NOT_FOUND,
  CommonErrorCodes.FORBIDDEN,
]);

/**
 * Codes retried with backoff. `INTERNAL` (an unexpected error inside the gateway) is retried too: it is usually a
 * passing fault there (database blip, restart), and the attempt bound still ends it.
 */
const TRANSIENT = new Set<string>([
  SendErrorCodes.RATE_LIMITED,
  SendErrorCodes.MESSENGER_UNAVAILABLE,
  CommonErrorCodes.TIMEOUT,
  CommonErrorCodes.UNAVAILABLE,
  CommonErrorCodes.INTERNAL,
]);

export function isRetryable(failure: SendFailure): boolean {
  if (PERMANENT.has(failure.code)) return false;
  if (TRANSIENT.has(failure.code)) return true;
  return failure.retryable;
}

/** Exponential delay before attempt `attempts + 1`, capped, plus jitter (`random` in [0, 1)). */
export function backoffDelayMs(policy: RetryPolicy, attempts: number, random: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (1 + policy.jitter * random));
}

/**
 * What to do after attempt number `attempts` failed. A messenger's `retryAfterMs` is a floor: the retry is never
 * earlier (jitter only adds, so replicas and conversations throttled together do not come back together).
 */
export function decideAfterFailure(input: {
  policy: RetryPolicy;
  failure: SendFailure;
  attempts: number;
  recordedAt: number;
  now: number;
  random: number;
}): FailureDecision {
  const { policy, failure, attempts } = input;
  if (!isRetryable(failure)) return { kind: 'fail', code: failure.code, reason: failure.message };
  const backoff = backoffDelayMs(policy, attempts, input.random);
  const delayMs =
    failure.retryAfterMs !== undefined && failure.retryAfterMs > 0
      ? Math.max(backoff, Math.round(failure.retryAfterMs * (1 + policy.jitter * input.random)))
      : backoff;
  if (attempts >= policy.maxAttempts) {
    return { kind: 'fail', code: RETRIES_EXHAUSTED, reason: `${attempts} attempts failed; last: ${failure.code}: ${failure.message}` };
  }
  if (input.now + delayMs - input.recordedAt > policy.maxAgeMs) {
    return {
      kind: 'fail',
      code: RETRIES_EXHAUSTED,
      reason: `gave up after ${attempts} attempts (${Math.round(policy.maxAgeMs / 60_000)} min budget); last: ${failure.code}: ${failure.message}`,
    };
  }
  return { kind: 'retry', delayMs };
}
