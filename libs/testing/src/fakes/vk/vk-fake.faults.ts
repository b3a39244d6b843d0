import type { VkRateLimitOptions } from './vk-fake.types';

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
