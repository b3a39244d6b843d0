/**
 * Keeps the calls made with one token under VK's "N requests per second" limit, whatever method they are
 * (messages.send, users.get, uploads…). VK counts a call when it arrives, which is somewhere between the moment
 * we start it and the moment its answer is back; so a call holds its slot from its start until `windowMs` after its
 * answer. At most `perWindow` calls of a key hold a slot at once; the others wait, in the order they asked.
 */
export class TokenPacer {
  private readonly slots = new Map<string, Array<{ freeAt: number }>>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when a call with `key` may start; call the returned function when its answer is back. */
  acquire(key: string): Promise<() => void> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const turn = previous.then(() => this.admit(key));
    this.queues.set(key, turn);
    void turn.finally(() => {
      if (this.queues.get(key) === turn) this.queues.delete(key);
    });
    return turn;
  }

  private async admit(key: string): Promise<() => void> {
    for (;;) {
      const now = this.now();
      const held = (this.slots.get(key) ?? []).filter((s) => s.freeAt > now);
      this.slots.set(key, held);
      if (held.length < this.perWindow) {
        // Until it is released, a slot is held indefinitely.
        const slot = { freeAt: Number.POSITIVE_INFINITY };
        held.push(slot);
        return () => {
          slot.freeAt = this.now() + this.windowMs;
        };
      }
      const next = Math.min(...held.map((s) => s.freeAt));
      // All slots held by calls still under way: wait a little and look again.
      const wait = Number.isFinite(next) ? next - now : 10;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }
}
