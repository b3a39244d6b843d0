/**
 * Remembers the last `seq` the console applied, so a reconnect can ask for `since=<seq>` and a frame replayed
 * twice (the server replays everything after `since`, and a socket may deliver a frame the console already saw)
 * is dropped. A jump forward is reported as `gap` for callers that care; with console-api it is normal (the seq is
 * the global feed position and frames of lines the operator is not in are skipped).
 */
export type SeqVerdict = 'apply' | 'duplicate' | 'gap';

export interface SeqTracker {
  readonly last: number | undefined;
  accept(seq: number): SeqVerdict;
  reset(): void;
}

export function createSeqTracker(initial?: number): SeqTracker {
  let last = initial;
  return {
    get last() {
      return last;
    },
    accept(seq: number): SeqVerdict {
      if (last !== undefined && seq <= last) return 'duplicate';
      const verdict: SeqVerdict = last !== undefined && seq > last + 1 ? 'gap' : 'apply';
      last = seq;
      return verdict;
    },
    reset() {
      last = undefined;
    },
  };
}
