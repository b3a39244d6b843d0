/*
 * Every message of a chaos run carries a unique marker in its text, so that the four records (webhooks, event
 * store, console API, VK's messages.send) can be matched message by message without trusting any id Parley
 * assigns. Inbound: `ci-<run>-<n>` (n = the n-th customer message); outbound: `co-<run>-<n>` (n-th reply).
 */

export class Markers {
  private readonly inboundPattern: RegExp;
  private readonly outboundPattern: RegExp;

  constructor(readonly run: string) {
    if (!/^[a-z0-9]+$/.test(run)) throw new Error(`run tag must be lower-case alphanumeric, got ${run}`);
    this.inboundPattern = new RegExp(`\\bci-${run}-(\\d+)\\b`);
    this.outboundPattern = new RegExp(`\\bco-${run}-(\\d+)\\b`);
  }

  inbound(index: number): string {
    return `ci-${this.run}-${index}`;
  }

  outbound(index: number): string {
    return `co-${this.run}-${index}`;
  }

  /** The inbound marker in a text, or undefined. */
  inboundIn(text: string | undefined): string | undefined {
    const m = text === undefined ? null : this.inboundPattern.exec(text);
    return m ? `ci-${this.run}-${m[1]}` : undefined;
  }

  /** The outbound marker in a text, or undefined. */
  outboundIn(text: string | undefined): string | undefined {
    const m = text === undefined ? null : this.outboundPattern.exec(text);
    return m ? `co-${this.run}-${m[1]}` : undefined;
  }
}

/** Counts occurrences per key. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  keys(): IterableIterator<string> {
    return this.counts.keys();
  }

  get size(): number {
    return this.counts.size;
  }
}
