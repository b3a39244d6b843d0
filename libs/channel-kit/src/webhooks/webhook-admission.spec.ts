import { WebhookAdmission } from './webhook-admission';

/** A piece of work that finishes when the test says so. */
function deferred(): { promise: Promise<string>; finish: (v: string) => void } {
  let finish!: (v: string) => void;
  const promise = new Promise<string>((resolve) => (finish = resolve));
  return { promise, finish };
}

const here = (): boolean => false;

describe('WebhookAdmission', () => {
  it('runs at most maxInFlight at once, starts waiters in order as slots free, refuses beyond the queue', async () => {
    const gate = new WebhookAdmission(2, 1, 60_000);
    const [a, b, c] = [deferred(), deferred(), deferred()];
    const started: string[] = [];
    const run = (name: string, d: { promise: Promise<string> }) =>
      gate.run(() => {
        started.push(name);
        return d.promise;
      }, here);
    const ra = run('a', a);
    const rb = run('b', b);
    const rc = run('c', c);
    await expect(run('d', deferred())).resolves.toEqual({ admitted: false, reason: 'busy' });
    expect(started).toEqual(['a', 'b']);
    expect([gate.inFlight, gate.queued]).toEqual([2, 1]);
    a.finish('A');
    await expect(ra).resolves.toEqual({ admitted: true, value: 'A' });
    await Promise.resolve();
    expect(started).toEqual(['a', 'b', 'c']);
    b.finish('B');
    c.finish('C');
    await expect(Promise.all([rb, rc])).resolves.toEqual([{ admitted: true, value: 'B' }, { admitted: true, value: 'C' }]);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('never starts a waiter whose caller hung up, and gives its slot to the next one', async () => {
    const gate = new WebhookAdmission(1, 10, 60_000);
    const first = deferred();
    const started: string[] = [];
    const r1 = gate.run(() => first.promise, here);
    const gone = gate.run(async () => {
      started.push('gone');
      return 'x';
    }, () => true);
    const next = gate.run(async () => {
      started.push('next');
      return 'N';
    }, here);
    first.finish('1');
    await expect(r1).resolves.toEqual({ admitted: true, value: '1' });
    await expect(gone).resolves.toEqual({ admitted: false, reason: 'gone' });
    await expect(next).resolves.toEqual({ admitted: true, value: 'N' });
    expect(started).toEqual(['next']);
    expect(gate.inFlight).toBe(0);
  });

  it('refuses a waiter after maxWaitMs without taking a slot', async () => {
    jest.useFakeTimers();
    try {
      const gate = new WebhookAdmission(1, 10, 500);
      const first = deferred();
      const r1 = gate.run(() => first.promise, here);
      const waiting = gate.run(async () => 'late', here);
      jest.advanceTimersByTime(500);
      await expect(waiting).resolves.toEqual({ admitted: false, reason: 'busy' });
      expect(gate.queued).toBe(0);
      first.finish('1');
      await r1;
      expect(gate.inFlight).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
