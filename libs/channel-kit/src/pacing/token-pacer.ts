/**
 * Keeps the calls made with one token under VK's "N requests per second" limit, whatever method they are
 * (messages.send, users.get, uploads…). VK counts a call when it arrives, which is somewhere between the moment
 * we start it and the moment its answer is back; so a call holds its slot from its start until `windowMs` after its
 * answer. At most `perWindow` calls of a key hold a slot at once; the others wait. Waiting calls start by priority
 * (a reply to a customer before a profile look-up), then in the order they asked.
 */
export class TokenPacer {
  private readonly slots = new Map<string, Array<{ freeAt: number }>>();
  private readonly waiting = new Map<string, Array<{ priority: number; seq: number; start: (release: () => void) => void }>>();
  private readonly wakeups = new Map<string, NodeJS.Timeout>();
  private seq = 0;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when a call with `key` may start; call the returned function when its answer is back. */
  acquire(key: string, priority = 0): Promise<() => void> {
    return new Promise((start) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push({ priority, seq: this.seq++, start });
      queue.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      this.waiting.set(key, queue);
      this.pump(key);
    });
  }

  private pump(key: string): void {
    const queue = this.waiting.get(key);
    if (!queue || queue.length === 0 || this.wakeups.has(key)) return;
    const now = this.now();
    const held = (this.slots.get(key) ?? []).filter((s) => s.freeAt > now);
    this.slots.set(key, held);
    while (held.length < this.perWindow && queue.length > 0) {
      const next = queue.shift() as { start: (release: () => void) => void };
      const slot = { freeAt: Number.POSITIVE_INFINITY }; // held until released, then for one more window
      held.push(slot);
      next.start(() => {
        slot.freeAt = this.now() + this.windowMs;
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
