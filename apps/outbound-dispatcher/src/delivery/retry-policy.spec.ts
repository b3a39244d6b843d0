import { backoffDelayMs, decideAfterFailure, DEFAULT_RETRY_POLICY, isRetryable, RETRIES_EXHAUSTED, type SendFailure } from './retry-policy';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0.2, maxAttempts: 8 };
const failure = (code: string, extra: Partial<SendFailure> = {}): SendFailure => ({ code, message: code.toLowerCase(), retryable: false, ...extra });
const decide = (f: SendFailure, attempts = 1, now = 0, random = 0) =>
  decideAfterFailure({ policy, failure: f, attempts, recordedAt: 0, now, random });

describe('retry policy', () => {
  it.each(['RECIPIENT_BLOCKED', 'MESSAGE_TOO_LONG', 'CHANNEL_DISCONNECTED', 'CHANNEL_AUTH_FAILED', 'MESSENGER_REJECTED', 'REPLY_WINDOW_CLOSED', 'CONTRACT_VIOLATION'])(
    'ends %s at once, whatever the callee says',
    (code) => {
      expect(decide(failure(code, { retryable: true }))).toEqual({ kind: 'fail', code, reason: code.toLowerCase() });
    },
  );

  it.each(['RATE_LIMITED', 'MESSENGER_UNAVAILABLE', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'])('retries %s', (code) => {
    expect(decide(failure(code)).kind).toBe('retry');
  });

  it('follows the callee for unknown codes', () => {
    expect(isRetryable(failure('SOMETHING_NEW', { retryable: true }))).toBe(true);
    expect(isRetryable(failure('SOMETHING_NEW', { retryable: false }))).toBe(false);
  });

  it('backs off exponentially up to the cap; jitter only adds', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(policy, a, 0))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffDelayMs(policy, 30, 0)).toBe(60_000);
    expect(backoffDelayMs(policy, 1, 0.999)).toBeGreaterThan(1_000);
    expect(backoffDelayMs(policy, 1, 0.999)).toBeLessThanOrEqual(1_200);
  });

  it('never retries before the messenger’s retry-after', () => {
    for (const random of [0, 0.5, 0.999]) {
      const decision = decide(failure('RATE_LIMITED', { retryAfterMs: 7_000 }), 1, 0, random);
      expect(decision.kind).toBe('retry');
      if (decision.kind === 'retry') expect(decision.delayMs).toBeGreaterThanOrEqual(7_000);
    }
    // a short retry-after does not undercut the backoff
    const short = decide(failure('RATE_LIMITED', { retryAfterMs: 10 }), 3);
    expect(short).toEqual({ kind: 'retry', delayMs: 4_000 });
  });

  it('gives up after the last attempt with RETRIES_EXHAUSTED and the last error', () => {
    const decision = decide(failure('MESSENGER_UNAVAILABLE'), 8);
    expect(decision.kind).toBe('fail');
    if (decision.kind === 'fail') {
      expect(decision.code).toBe(RETRIES_EXHAUSTED);
      expect(decision.reason).toContain('MESSENGER_UNAVAILABLE');
    }
    expect(decide(failure('MESSENGER_UNAVAILABLE'), 7).kind).toBe('retry');
  });

  it('gives up when the next retry would fall outside the age budget', () => {
    const day = 24 * 60 * 60 * 1000;
    expect(decide(failure('TIMEOUT'), 2, day - 500).kind).toBe('fail');
    expect(decide(failure('TIMEOUT'), 2, day - 10_000).kind).toBe('retry');
  });
});
