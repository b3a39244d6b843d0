import { FaultQueue, type TransportFault } from './fault-queue';

/**
 * The fault-injection API the messenger fakes share, over their own fault union `F` (the messenger's API errors):
 * what a test scripts for the next calls of an API method (`*` = any). Each fake adds its own `failNext` for its
 * error shape, and plays the transport faults with `playTransportFault`.
 */
export abstract class FaultScriptedFake<F extends { kind: string }> {
  protected readonly faults = new FaultQueue<F | TransportFault>();

  /** The next `times` calls of `method` answer a bare HTTP status with an HTML body (e.g. 502: a proxy in the way). */
  failNextHttp(method: string, status: number, times = 1): void {
    this.faults.add(method, { kind: 'http', status }, times);
  }

  /** The next `times` calls of `method` are answered after `ms` (then normally). */
  delayNext(method: string, ms: number, times = 1): void {
    this.faults.add(method, { kind: 'delay', ms }, times);
  }

  /** The next `times` calls of `method` have their connection destroyed without an answer. */
  dropNext(method: string, times = 1): void {
    this.faults.add(method, { kind: 'drop' }, times);
  }

  inject(method: string, fault: F | TransportFault, times = 1): void {
    this.faults.add(method, fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }
}
