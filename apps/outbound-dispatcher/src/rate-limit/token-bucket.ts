/**
 * A token bucket that books ahead: `reserve(cost)` always succeeds and returns how long the caller must wait
 * before spending the tokens, so concurrent senders on one bucket queue up in reservation order. The balance may
 * go negative (tokens owed by reservations that are still waiting). Pure: the clock is passed in (milliseconds).
 *
 * Bound: a send may start only once the balance covers `min(cost, capacity)`, so over any interval of length W
 * at most `capacity + ratePerSec * W / 1000` tokens are spent. With `capacity = 1` the sends are evenly spaced,
 * which is what a messenger's "N per second" (measured over any second) asks for.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly ratePerSec: number,
    readonly capacity: number,
    now: number,
  ) {
    if (!(ratePerSec > 0)) throw new Error(`ratePerSec must be > 0, got ${ratePerSec}`);
    if (!(capacity >= 1)) throw new Error(`capacity must be >= 1, got ${capacity}`);
    this.perMs = ratePerSec / 1000;
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Tokens spendable now (negative while reservations are waiting). */
  available(now: number): number {
    this.refill(now);
    return this.updatedAt > now ? Math.min(this.tokens, 0) : this.tokens;
  }

  /** True when the bucket is full again (it carries no state worth keeping). */
  isIdle(now: number): boolean {
    return this.available(now) >= this.capacity;
  }

  /** Books `cost` tokens and returns the wait in ms before they may be spent (0 = now). */
  reserve(cost: number, now: number): number {
    if (!(cost > 0)) throw new Error(`cost must be > 0, got ${cost}`);
    this.refill(now);
    const need = Math.min(cost, this.capacity);
    const waitMs = this.pausedFor(now) + (this.tokens >= need ? 0 : (need - this.tokens) / this.perMs);
    this.tokens -= cost;
    return waitMs;
  }

  /** Ms until at least one token is spendable (0 when one is). */
  msUntilAvailable(now: number): number {
    this.refill(now);
    return this.pausedFor(now) + (this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs);
  }

  /**
   * The messenger throttled us: spend nothing until `until` (e.g. now + its retry_after), then refill from empty.
   * Reservations already booked keep their order after the pause.
   */
  pauseUntil(until: number, now: number): void {
    this.refill(now);
    if (until <= now) return;
    this.tokens = Math.min(this.tokens, 0);
    this.updatedAt = Math.max(this.updatedAt, until);
  }

  private pausedFor(now: number): number {
    return this.updatedAt > now ? this.updatedAt - now : 0;
  }

  private refill(now: number): void {
    if (now <= this.updatedAt) return;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
  }
}
