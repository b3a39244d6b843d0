import type { VkFault, VkRateLimitOptions } from './vk-fake.types';

interface QueuedFault {
  fault: VkFault;
  remaining: number;
}

/** Faults a test injects for the next N calls of a method (`*` matches any method). First injected, first used. */
export class VkFaultInjector {
  private readonly queues = new Map<string, QueuedFault[]>();

  add(method: string, fault: VkFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
    const queue = this.queues.get(method) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(method, queue);
  }

  /** Consumes the fault for this call, if any: the method's own queue first, then `*`. */
  take(method: string): VkFault | undefined {
    for (const key of [method, '*']) {
      const queue = this.queues.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining === 0) queue.shift();
      return head.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queues.clear();
  }

  pending(method: string): number {
    return (this.queues.get(method) ?? []).reduce((n, q) => n + q.remaining, 0);
  }
}

/**
 * Sliding 1-second window per token, like VK's "N requests per second" limit. Only admitted requests enter the
 * window (a rejected request does not extend the ban), so a client that keeps under the limit is never refused.
 * Every request over the limit counts as a violation, enforced or not, for benchmarks to report.
 */
export class VkRateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly violationsByToken = new Map<string, number>();
  private options: Required<VkRateLimitOptions> | undefined;

  configure(options: VkRateLimitOptions | undefined): void {
    this.options = options ? { enforce: true, ...options } : undefined;
    this.windows.clear();
  }

  /** Returns true when the request must be answered with error 6. */
  check(token: string, now = Date.now()): boolean {
    if (!this.options) return false;
    const window = (this.windows.get(token) ?? []).filter((t) => now - t < 1000);
    this.windows.set(token, window);
    if (window.length >= this.options.perSecond) {
      this.violationsByToken.set(token, (this.violationsByToken.get(token) ?? 0) + 1);
      if (this.options.enforce) return true;
    }
    window.push(now);
    return false;
  }

  violations(token?: string): number {
    if (token !== undefined) return this.violationsByToken.get(token) ?? 0;
    let total = 0;
    for (const n of this.violationsByToken.values()) total += n;
    return total;
  }

  resetViolations(): void {
    this.violationsByToken.clear();
  }
}
