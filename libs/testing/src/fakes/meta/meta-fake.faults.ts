import type { MetaFault } from './meta-fake.types';

/** Faults for the next N calls matching a path (`/me/messages`, `*` = any). First injected, first used. */
export class MetaFaultInjector {
  private readonly queues = new Map<string, Array<{ fault: MetaFault; remaining: number }>>();

  add(path: string, fault: MetaFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
    const queue = this.queues.get(path) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(path, queue);
  }

  take(path: string): MetaFault | undefined {
    for (const key of [path, '*']) {
      const head = this.queues.get(key)?.[0];
      if (!head) continue;
      head.remaining -= 1;
      if (head.remaining === 0) this.queues.get(key)?.shift();
      return head.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queues.clear();
  }
}

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
