import { WorkQueue } from './work-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkQueue', () => {
  it('admits at most `limit` tasks; the next submit waits for a free slot', async () => {
    const q = new WorkQueue(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    await q.submit(undefined, async () => { started.push(0); await gates[0]!.promise; });
    await q.submit(undefined, async () => { started.push(1); await gates[1]!.promise; });
    let admitted = false;
    const third = q.submit(undefined, async () => { started.push(2); await gates[2]!.promise; }).then(() => (admitted = true));
    await Promise.resolve();
    expect(admitted).toBe(false);
    expect(q.size).toBe(2);
    gates[0]!.resolve();
    await third;
    expect(admitted).toBe(true);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await expect(q.idle(1_000)).resolves.toBe(true);
    expect(started).toEqual([0, 1, 2]);
  });

  it('runs tasks with one key one at a time in order, other keys alongside', async () => {
    const q = new WorkQueue(10);
    const log: string[] = [];
    const gateA1 = deferred();
    await q.submit('a', async () => { log.push('a1 start'); await gateA1.promise; log.push('a1 end'); });
    await q.submit('a', async () => { log.push('a2'); });
    await q.submit('b', async () => { log.push('b1'); });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a1 start', 'b1']);
    gateA1.resolve();
    await q.idle(1_000);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('reports a failing task and keeps going; idle() is bounded', async () => {
    const errors: unknown[] = [];
    const q = new WorkQueue(1, (e) => errors.push(e));
    await q.submit('k', async () => { throw new Error('boom'); });
    await q.submit('k', async () => undefined);
    await expect(q.idle(1_000)).resolves.toBe(true);
    expect(errors).toHaveLength(1);
    const never = deferred();
    await q.submit(undefined, () => never.promise);
    await expect(q.idle(30)).resolves.toBe(false);
    never.resolve();
  });

  it('rejects a nonsense limit', () => {
    expect(() => new WorkQueue(0)).toThrow(RangeError);
  });
});
