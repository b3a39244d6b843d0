/**
 * Waits for a condition that the caller's own event handlers make true (a frame arrived, a call was recorded), with
 * a deadline: `until()` resolves at once if it already holds, else when `check()` finds it holding, else at the
 * timeout. Handlers call `check()` after each event; nothing polls.
 */
export class ConditionWaiter {
  private waiting: { holds: () => boolean; resolve: () => void; timer: NodeJS.Timeout } | undefined;

  until(holds: () => boolean, timeoutMs: number): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(), timeoutMs);
      this.waiting = { holds, resolve, timer };
    });
  }

  check(): void {
    if (this.waiting?.holds()) this.settle();
  }

  private settle(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    clearTimeout(waiting.timer);
    waiting.resolve();
  }
}
