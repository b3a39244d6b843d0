/** What became of a request offered to the admission gate. */
export type Admission<T> = { admitted: true; value: T } | { admitted: false; reason: 'busy' | 'gone' };

interface Waiter {
  start: () => void;
  refuse: (reason: 'busy' | 'gone') => void;
  isGone: () => boolean;
  timer: NodeJS.Timeout;
}

/**
 * Bounds the webhooks a gateway handles at once (`WEBHOOK_MAX_IN_FLIGHT`). Without it every delivery is started at
 * once: after an outage the messenger's retries arrive together, thousands queue on the database pool, each waits
 * longer than the messenger's own timeout, the messenger gives up on all of them and sends them again — the
 * gateway then works only for callers that have left and answers nothing in time (the chaos run on gateway-vk:
 * 35,287 of 45,287 deliveries not `ok`, the health check unanswered for minutes). With the gate at most
 * `maxInFlight` run, at most `maxQueued` wait (each at most `maxWaitMs`), a delivery whose caller hung up while
 * waiting is never started, and the rest are refused at once with a cheap 503 (no database touched) that the
 * messenger retries later: the gateway keeps answering at its capacity instead of collapsing.
 */
export class WebhookAdmission {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly maxInFlight: number,
    private readonly maxQueued: number,
    private readonly maxWaitMs: number,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Runs `work` when a slot is free; refuses when the queue is full, the wait too long or the caller gone. */
  async run<T>(work: () => Promise<T>, isGone: () => boolean): Promise<Admission<T>> {
    if (this.running >= this.maxInFlight) {
      if (this.queue.length >= this.maxQueued) return { admitted: false, reason: 'busy' };
      const admitted = await new Promise<'busy' | 'gone' | undefined>((resolve) => {
        const waiter: Waiter = {
          start: () => resolve(undefined),
          refuse: (reason) => resolve(reason),
          isGone,
          timer: setTimeout(() => {
            const i = this.queue.indexOf(waiter);
            if (i >= 0) this.queue.splice(i, 1);
            resolve('busy');
          }, this.maxWaitMs),
        };
        this.queue.push(waiter);
      });
      if (admitted !== undefined) return { admitted: false, reason: admitted };
    } else {
      this.running++;
    }
    try {
      return { admitted: true, value: await work() };
    } finally {
      this.release();
    }
  }

  /** Hands the slot to the next waiter whose caller is still there (the slot count stays the same), or frees it. */
  private release(): void {
    for (;;) {
      const next = this.queue.shift();
      if (!next) {
        this.running--;
        return;
      }
      clearTimeout(next.timer);
      if (next.isGone()) {
        next.refuse('gone');
        continue;
      }
      next.start();
      return;
    }
  }
}
