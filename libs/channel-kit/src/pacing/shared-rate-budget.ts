import type { DataSource } from 'typeorm';
import type { RateBudget } from '../adapter/channel-capabilities';
import { PacerWaitTimeout } from './token-pacer';

export interface SharedRateBudgetOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A rate budget every replica of a gateway shares: `<schema>.take_rate_slot()` keeps the start times of the last
 * window's calls per key under a row lock (one round trip per call). Times are the replicas' clocks (keep them
 * NTP-synchronised); a call counts from its start. A refused call waits until the oldest slot of the window frees.
 */
export class SharedRateBudget {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    options: SharedRateBudgetOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Resolves when a call of `key` may start within `budget`. With `deadline` (ms, on `now`'s clock), rejects with
   * PacerWaitTimeout instead of waiting past it (no slot taken).
   */
  async take(key: string, budget: RateBudget, deadline?: number): Promise<void> {
    const asked = this.now();
    for (;;) {
      const rows = (await this.dataSource.query(`SELECT ${this.schema}.take_rate_slot($1, $2, $3, $4)::text AS wait`, [
        key,
        this.now(),
        budget.calls,
        budget.perMs,
      ])) as Array<{ wait: string }>;
      const wait = Number(rows[0]?.wait ?? 0);
      if (wait <= 0) return;
      if (deadline !== undefined && this.now() + wait > deadline) throw new PacerWaitTimeout(Math.max(0, this.now() - asked));
      await this.sleep(wait);
    }
  }
}
