import type { ViberFault } from './viber-fake.types';

interface QueuedFault {
  fault: ViberFault;
  remaining: number;
}

/** Faults a test injects for the next N calls of a method (`*` matches any). First injected, first used. */
export class ViberFaultInjector {
  private readonly queues = new Map<string, QueuedFault[]>();

  add(method: string, fault: ViberFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
    const queue = this.queues.get(method) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(method, queue);
  }

  /** Consumes the fault for this call, if any: the method's own queue first, then `*`. */
  take(method: string): ViberFault | undefined {
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
}
