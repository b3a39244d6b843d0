import type { ViberFault } from './viber-fake.types';
import { FaultQueue } from '../shared/fault-queue';

/** Faults a test injects for the next N calls of a method (`*` matches any). First injected, first used. */
export class ViberFaultInjector extends FaultQueue<ViberFault> {}
