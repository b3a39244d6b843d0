import type { MetaFault } from './meta-fake.types';
import { FaultQueue } from '../shared/fault-queue';

/** Faults for the next N calls matching a path (`/me/messages`, `*` = any). First injected, first used. */
export class MetaFaultInjector extends FaultQueue<MetaFault> {}

/** Calls per token within a window; over it, Graph answers 613. Off unless configured. */
export class MetaRateLimiter {
  private readonly windows = new Map<string, number[]>();
  private options: { calls: number; perMs: number } | undefined;

  configure(options: { calls: number; perMs: number } | undefined): void {
    this.options = options;
    this.windows.clear();
  }

  /** True when the call must be refused with 613. */
  check(token: string, now: number): boolean {
    if (!this.options) return false;
    const { calls, perMs } = this.options;
    const window = (this.windows.get(token) ?? []).filter((t) => now - t < perMs);
    this.windows.set(token, window);
    if (window.length >= calls) return true;
    window.push(now);
    return false;
  }
}
