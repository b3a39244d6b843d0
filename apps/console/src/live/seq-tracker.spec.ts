import { backoffDelay } from './backoff';
import { createSeqTracker } from './seq-tracker';

describe('seq tracker', () => {
  it('applies frames in order, drops replays, reports gaps', () => {
    const seq = createSeqTracker();
    expect(seq.last).toBeUndefined();
    expect(seq.accept(5)).toBe('apply');
    expect(seq.accept(6)).toBe('apply');
    expect(seq.accept(6)).toBe('duplicate');
    expect(seq.accept(3)).toBe('duplicate');
    expect(seq.accept(9)).toBe('gap');
    expect(seq.last).toBe(9);
    seq.reset();
    expect(seq.accept(1)).toBe('apply');
  });
});

describe('backoff', () => {
  const options = { initialMs: 500, maxMs: 15_000, jitter: 0.2 };
  it('doubles up to the cap', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, options, none))).toEqual([500, 1000, 2000, 4000, 15_000]);
  });
  it('adds at most the jitter fraction', () => {
    expect(backoffDelay(0, options, () => 1)).toBe(600);
  });
});
