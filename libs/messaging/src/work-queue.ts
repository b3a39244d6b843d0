/**
 * Bounded concurrency with optional per-key ordering. `submit` resolves once the task is admitted (a slot is
 * free), so a consume loop that awaits it never holds more than `limit` messages in flight; tasks with the same key
 * run one at a time in submission order, tasks with different keys (or no key) run concurrently.
 */
export class WorkQueue {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    readonly limit: number,
    private readonly onTaskError: (err: unknown) => void = () => undefined,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Tasks admitted and not yet finished (running or waiting behind their key). */
  get size(): number {
    return this.active;
  }

  async submit(key: string | undefined, task: () => Promise<void>): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.active++;
    const previous = key === undefined ? undefined : this.tails.get(key);
    const run: Promise<void> = (previous ?? Promise.resolve())
      .then(task)
      .catch((err: unknown) => this.onTaskError(err))
      .finally(() => {
        this.active--;
        this.inflight.delete(run);
        if (key !== undefined && this.tails.get(key) === run) this.tails.delete(key);
        this.waiters.shift()?.();
      });
    if (key !== undefined) this.tails.set(key, run);
    this.inflight.add(run);
  }

  /** Resolves `true` when every admitted task has finished, `false` if `timeoutMs` passed first. */
  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = (async (): Promise<true> => {
      while (this.inflight.size > 0) await Promise.all([...this.inflight]);
      return true;
    })();
    try {
      return await Promise.race([drained, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
