export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay added at random (0..1), so many consoles do not reconnect in lock step. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 15_000, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (0 for the first retry): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(base + base * options.jitter * random());
}
