import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { ConnectionPacer } from './connection-pacer';

describe('ConnectionPacer (in process)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const budgets = { perConnection: { calls: 1, perMs: 1000 }, perChat: { calls: 1, perMs: 1000 } };

  it('refuses a call that gets no slot within maxWaitMs (retryable RATE_LIMITED), and the chat slot it held is free again', async () => {
    const pacer = new ConnectionPacer(budgets, undefined, { maxWaitMs: 600 });
    (await pacer.acquire('c1', { chat: 'u1' }))(); // answered at once: the connection's slot frees 1000 ms later
    const refused = pacer.acquire('c1', { chat: 'u2' }).then(
      () => 'started',
      (err: unknown) => err,
    );
    await jest.advanceTimersByTimeAsync(600);
    const err = await refused;
    expect(err).toBeInstanceOf(ParleyError);
    const refusal = err as ParleyError;
    expect([refusal.code, refusal.retryable, refusal.options.retryAfterMs]).toEqual([SendErrorCodes.RATE_LIMITED, true, 1000]);

    // Had the refused call spent u2's slot, the next call to u2 would wait until 1600 ms, past its own deadline.
    let started = false;
    const next = pacer.acquire('c1', { chat: 'u2' }).then((release) => {
      started = true;
      release();
    });
    await jest.advanceTimersByTimeAsync(400);
    expect(started).toBe(true);
    await next;
  });

  it('with coldStart, a fresh process starts nothing during its first window', async () => {
    const pacer = new ConnectionPacer({ perConnection: { calls: 2, perMs: 1000 } }, undefined, { coldStart: true });
    let started = 0;
    for (let n = 0; n < 3; n++) void pacer.acquire('c1').then(() => started++);
    await jest.advanceTimersByTimeAsync(999);
    expect(started).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toBe(2);
  });
});
