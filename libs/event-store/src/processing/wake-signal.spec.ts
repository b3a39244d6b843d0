import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('ends a sleep early on wake, and keeps a wake that arrives while nobody sleeps', async () => {
    const signal = new WakeSignal();
    const started = Date.now();
    const sleeping = signal.sleep(60_000);
    signal.wake();
    await sleeping;
    signal.wake();
    await signal.sleep(60_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
