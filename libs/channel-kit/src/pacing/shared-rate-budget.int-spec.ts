import type { DataSource } from 'typeorm';
import { createTestDatabase, waitFor, type TestDatabase } from '@parley/testing';
import { openGatewayDatabase } from '../gateway/gateway-database';
import { SharedRateBudget } from './shared-rate-budget';
import { PacerWaitTimeout } from './token-pacer';

describe('SharedRateBudget (real Postgres, two replicas, a controlled clock)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let clock = 1_000_000;
  const sleeps: Array<{ ms: number; wake: () => void }> = [];
  const options = { now: () => clock, sleep: (ms: number) => new Promise<void>((wake) => sleeps.push({ ms, wake })) };

  beforeAll(async () => {
    db = await createTestDatabase('rate_test');
    ds = await openGatewayDatabase({ url: db.url, schema: 'rate_test', serviceName: 'rate-test', poolSize: 4 });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('admits at most `calls` per window across replicas, and a waiting call once the oldest slot frees', async () => {
    const a = new SharedRateBudget(ds, 'rate_test', options);
    const b = new SharedRateBudget(ds, 'rate_test', options);
    const budget = { calls: 3, perMs: 1000 };
    await Promise.all([a.take('bot1', budget), b.take('bot1', budget)]);
    clock += 400;
    await a.take('bot1', budget);

    let admitted = false;
    const fourth = b.take('bot1', budget).then(() => (admitted = true));
    const first = await waitFor(() => sleeps[0], { what: 'the fourth call to wait' });
    expect(first.ms).toBe(600); // the two slots at t0 free at t0 + 1000
    expect(admitted).toBe(false);

    await a.take('bot2', budget); // another key has its own budget
    clock += 600;
    first.wake();
    await fourth;
    expect(admitted).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it('refuses at once, without sleeping or taking a slot, a call that would have to wait past its deadline', async () => {
    const a = new SharedRateBudget(ds, 'rate_test', options);
    const budget = { calls: 1, perMs: 1000 };
    await a.take('bot3', budget);
    const slept = sleeps.length;
    await expect(a.take('bot3', budget, clock + 500)).rejects.toBeInstanceOf(PacerWaitTimeout);
    expect(sleeps).toHaveLength(slept);
    clock += 1000;
    await a.take('bot3', budget, clock); // the window has passed: admitted without a wait
    expect(sleeps).toHaveLength(slept);
  });
});
