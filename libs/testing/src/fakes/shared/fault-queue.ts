import type { IncomingMessage, ServerResponse } from 'node:http';

/** The faults every messenger fake shares: a bare HTTP status, a late answer, a connection cut without an answer. */
export type TransportFault = { kind: 'http'; status: number } | { kind: 'delay'; ms: number } | { kind: 'drop' };

/**
 * Faults a test injects for the next N calls of a key (an API method or path; `*` matches any). First injected,
 * first used. Each fake names its own fault union `F`; this only keeps the queues.
 */
export class FaultQueue<F> {
  private readonly queues = new Map<string, Array<{ fault: F; remaining: number }>>();

  add(key: string, fault: F, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
    const queue = this.queues.get(key) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(key, queue);
  }

  /** Consumes the fault for this call, if any: the key's own queue first, then `*`. */
  take(key: string): F | undefined {
    for (const k of [key, '*']) {
      const queue = this.queues.get(k);
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

  /** How many injected calls of `key` are still to come. */
  pending(key: string): number {
    return (this.queues.get(key) ?? []).reduce((n, q) => n + q.remaining, 0);
  }
}

/**
 * Plays the transport part of a fault on one request: waits out a `delay`, cuts the connection on `drop`, answers a
 * bare HTML page with the status on `http`. Returns how the request ended (`undefined`: it goes on to be answered
 * normally, or with the fake's own API error fault).
 */
export async function playTransportFault(
  fault: { kind: string } | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ dropped: true } | { httpStatus: number } | undefined> {
  if (!isTransportFault(fault)) return undefined;
  if (fault.kind === 'delay') {
    const ms = fault.ms;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return undefined;
  }
  if (fault.kind === 'drop') {
    req.socket.destroy();
    return { dropped: true };
  }
  res.writeHead(fault.status, { 'content-type': 'text/html' }).end(`<html><body>${fault.status}</body></html>`);
  return { httpStatus: fault.status };
}

function isTransportFault(fault: { kind: string } | undefined): fault is TransportFault {
  return fault?.kind === 'http' || fault?.kind === 'delay' || fault?.kind === 'drop';
}
