import { baseRetryDelayMs, retryDelayMs, type BackoffPolicy } from './backoff';

const policy: BackoffPolicy = { initialMs: 1_000, multiplier: 2, maxMs: 10_000, jitter: 0.2 };

describe('backoff', () => {
  it('grows exponentially by delivery count and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => baseRetryDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('treats nonsense delivery counts as the first delivery', () => {
    expect(baseRetryDelayMs(0, policy)).toBe(1_000);
    expect(baseRetryDelayMs(-3, policy)).toBe(1_000);
  });

  it('only ever adds jitter, at most the configured fraction', () => {
    expect(retryDelayMs(2, policy, () => 0)).toBe(2_000);
    expect(retryDelayMs(2, policy, () => 0.999999)).toBe(2_400);
    expect(retryDelayMs(2, { ...policy, jitter: 0 }, () => 0.7)).toBe(2_000);
  });
});
