import { PacerWaitTimeout, TokenPacer } from './token-pacer';

describe('TokenPacer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('lets at most N calls per key hold a slot, each until a window after its answer, the rest in order', async () => {
    const pacer = new TokenPacer(3, 1000);
    const started: number[] = [];
    const all = Array.from({ length: 7 }, (_, n) =>
      pacer.acquire('a').then((release) => {
        started.push(n);
        setTimeout(release, 100); // the answer comes back 100 ms later
      }),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(1099);
    expect(started).toEqual([0, 1, 2]); // slots free only 1000 ms after the answers (at 1100 ms)
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    await jest.advanceTimersByTimeAsync(1100);
    await Promise.all(all);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('starts a waiting higher-priority call before earlier lower-priority ones', async () => {
    const pacer = new TokenPacer(1, 1000);
    const order: string[] = [];
    const take = (name: string, priority: number) =>
      pacer.acquire('a', priority).then((release) => {
        order.push(name);
        release();
      });
    void take('profile 1', 0);
    void take('profile 2', 0);
    void take('profile 3', 0);
    void take('reply', 1);
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['profile 1']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(order).toEqual(['profile 1', 'reply']);
    await jest.advanceTimersByTimeAsync(2000);
    expect(order).toEqual(['profile 1', 'reply', 'profile 2', 'profile 3']);
  });

  it('keeps keys apart', async () => {
    const pacer = new TokenPacer(1, 1000);
    const order: string[] = [];
    void pacer.acquire('a').then((release) => {
      order.push('a1');
      release();
    });
    void pacer.acquire('a').then(() => order.push('a2'));
    void pacer.acquire('b').then(() => order.push('b1'));
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['a1', 'b1']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(order).toEqual(['a1', 'b1', 'a2']);
  });

  it('with coldStart, a fresh process spends nothing in its first window (its predecessor may have just used the budget)', async () => {
    const pacer = new TokenPacer(2, 1000, { coldStart: true });
    const started: number[] = [];
    for (const n of [0, 1, 2]) void pacer.acquire('a').then(() => started.push(n));
    await jest.advanceTimersByTimeAsync(999);
    expect(started).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 1]);
  });

  it('drops a call that waited longer than its maxWaitMs, and it spends no slot', async () => {
    const pacer = new TokenPacer(1, 1000);
    const order: string[] = [];
    const first = await pacer.acquire('a');
    const abandoned = pacer.acquire('a', 0, 500).then(
      () => order.push('abandoned started'),
      (err: unknown) => order.push(err instanceof PacerWaitTimeout ? 'abandoned dropped' : 'other error'),
    );
    const patient = pacer.acquire('a').then(() => order.push('patient'));
    await jest.advanceTimersByTimeAsync(500);
    await abandoned;
    expect(order).toEqual(['abandoned dropped']);
    first();
    await jest.advanceTimersByTimeAsync(1000);
    await patient;
    expect(order).toEqual(['abandoned dropped', 'patient']);
  });
});
