/**
 * Keeps the calls made with one key (a token, a chat) under a messenger's "N requests per window" limit, whatever
 * method they are (VK's messages.send, users.get, uploads…). A messenger counts a call when it arrives, which is
 * somewhere between the moment we start it and the moment its answer is back; so a call holds its slot from its
 * start until `windowMs` after its answer. At most `perWindow` calls of a key hold a slot at once; the others wait.
 * Waiting calls start by priority (a reply to a customer before a profile look-up), then in the order they asked.
 *
 * Two bounds keep it honest under overload and restarts:
 * - A process that just started does not know what the one before it (killed a moment ago) sent with the key:
 *   during its first window every slot counts as taken, instead of starting with the whole budget free.
 * - A call that waits longer than `maxWaitMs` is dropped from the queue (rejected): its caller has given up by
 *   then and retries, and a queue of abandoned look-ups would spend the budget on answers nobody reads.
 */
export class TokenPacer {
  private readonly slots = new Map<string, Array<{ freeAt: number }>>();
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly wakeups = new Map<string, NodeJS.Timeout>();
  private readonly startedAt: number;
  private seq = 0;

  private readonly now: () => number;
  private readonly coldStart: boolean;

  /** `coldStart` (the client's setting): every slot counts as taken during the first window. */
  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    options: { coldStart?: boolean; now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.coldStart = options.coldStart ?? false;
    this.startedAt = this.now();
  }

  /**
   * Resolves when a call with `key` may start; call the returned function when its answer is back (with `false`
   * when the call was not made after all). With `maxWaitMs`, rejects with PacerWaitTimeout when no slot was free
   * in time (the call was never started).
   */
  acquire(key: string, priority = 0, maxWaitMs?: number): Promise<(used?: boolean) => void> {
    return new Promise((start, reject) => {
      const queue = this.waiting.get(key) ?? [];
      const entry: Waiting = { priority, seq: this.seq++, start };
      if (maxWaitMs !== undefined) {
        entry.timer = setTimeout(() => {
          const current = this.waiting.get(key);
          const i = current?.indexOf(entry) ?? -1;
          if (current && i >= 0) current.splice(i, 1);
          reject(new PacerWaitTimeout(maxWaitMs));
        }, maxWaitMs);
      }
      queue.push(entry);
      queue.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      this.waiting.set(key, queue);
      this.pump(key);
    });
  }

  private pump(key: string): void {
    const queue = this.waiting.get(key);
    if (!queue || queue.length === 0 || this.wakeups.has(key)) return;
    const now = this.now();
    const coldUntil = this.startedAt + this.windowMs;
    const initial = this.coldStart && now < coldUntil ? Array.from({ length: this.perWindow }, () => ({ freeAt: coldUntil })) : [];
    const held = (this.slots.get(key) ?? initial).filter((s) => s.freeAt > now);
    this.slots.set(key, held);
    while (held.length < this.perWindow && queue.length > 0) {
      const next = queue.shift() as Waiting;
      clearTimeout(next.timer);
      const slot = { freeAt: Number.POSITIVE_INFINITY }; // held until released, then for one more window
      held.push(slot);
      next.start((used = true) => {
        // A call that was never made (`used` false: a later step of its pacing gave up) frees its slot at once.
        slot.freeAt = used ? this.now() + this.windowMs : 0;
        this.pump(key);
      });
    }
    if (queue.length === 0) {
      this.waiting.delete(key);
      return;
    }
    // Wake when the first released slot frees; slots of calls still under way are woken by their release.
    const soonest = Math.min(...held.map((s) => s.freeAt));
    if (Number.isFinite(soonest)) {
      this.wakeups.set(
        key,
        setTimeout(() => {
          this.wakeups.delete(key);
          this.pump(key);
        }, Math.max(1, soonest - now)),
      );
    }
  }
}

interface Waiting {
  priority: number;
  seq: number;
  start: (release: (used?: boolean) => void) => void;
  timer?: NodeJS.Timeout;
}

/** No slot of the budget was free within the caller's wait; the call was not made. */
export class PacerWaitTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`no request slot free within ${waitedMs} ms`);
    this.name = 'PacerWaitTimeout';
  }
}
