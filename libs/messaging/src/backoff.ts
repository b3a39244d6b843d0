/** Redelivery delays for transient failures: exponential by delivery count, capped, with additive jitter. */
export interface BackoffPolicy {
  /** Delay after the first failed delivery (ms). */
  initialMs: number;
  /** Growth factor per further delivery. */
  multiplier: number;
  /** Upper bound (ms) before jitter. */
  maxMs: number;
  /**
   * Fraction of the delay added at random (0..1), so replicas that failed together do not retry together.
   * Jitter only ever lengthens a delay: a redelivery never comes back before the computed base.
   */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1_000, multiplier: 2, maxMs: 60_000, jitter: 0.2 };

/** The base (jitter-free) delay after the `deliveryCount`-th delivery failed (deliveryCount starts at 1). */
export function baseRetryDelayMs(deliveryCount: number, policy: BackoffPolicy = defaultBackoff): number {
  const attempt = Math.max(1, Math.floor(deliveryCount));
  const raw = policy.initialMs * Math.pow(policy.multiplier, attempt - 1);
  return Math.min(policy.maxMs, Math.round(raw));
}

/** The delay to nak with: the base delay plus up to `jitter` of it; `random` is injectable for tests. */
export function retryDelayMs(
  deliveryCount: number,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
): number {
  const base = baseRetryDelayMs(deliveryCount, policy);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(base + base * jitter * random());
}
