import { ParleyError } from '@parley/contracts';
import { waitFor } from '@parley/testing';
import {
  ConcurrencyConflictError,
  IdempotencyConflictError,
  handleWithRetry,
  runEventStoreMigrations,
  type StoredEvent,
} from '../index';
import { createEventStoreFixture, type EventStoreFixture } from '../../test/event-store-fixture';

describe('appendToStream on Postgres', () => {
  let f: EventStoreFixture;

  beforeAll(async () => {
    f = await createEventStoreFixture('es_append', 'conversation', 40);
  });
  afterAll(async () => {
    await f?.close();
  });

  const positions = async (streamId: string): Promise<number[]> =>
    (await f.store.readStream(streamId)).map((e) => e.streamPosition);

  it('migrations are idempotent and create the schema', async () => {
    await expect(runEventStoreMigrations(f.dataSource, 'conversation')).resolves.toEqual([]);
    const rows = (await f.dataSource.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'conversation' ORDER BY indexname`,
    )) as Array<{ indexname: string }>;
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['events_idempotency_key_idx', 'events_transaction_order_idx', 'events_stream_position_key']),
    );
  });

  it('appends, enforces every expected-version mode and reads the stream back', async () => {
    const s = 'conversation-modes';
    await expect(f.store.appendToStream(s, [{ type: 'A', data: {} }], { expectedVersion: 'stream_exists' })).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
    await expect(f.store.appendToStream(s, [{ type: 'A', data: {} }], { expectedVersion: 3 })).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
    const first = await f.store.appendToStream(
      s,
      [
        { type: 'A', data: { n: 1 }, metadata: { correlationId: 'c-1' } },
        { type: 'B', data: { n: 2 }, schemaVersion: 2 },
      ],
      { expectedVersion: 'no_stream' },
    );
    expect(first.nextExpectedVersion).toBe(2);
    expect(first.duplicate).toBe(false);
    expect(first.eventIds).toHaveLength(2);
    expect(first.globalPositions[1]).toBeGreaterThan(first.globalPositions[0] ?? Infinity);
    await expect(f.store.appendToStream(s, [{ type: 'C', data: {} }], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
    const conflict = await f.store.appendToStream(s, [{ type: 'C', data: {} }], { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ParleyError);
    expect(conflict).toMatchObject({ code: 'CONCURRENCY_CONFLICT', retryable: true, actualVersion: 2 });
    await f.store.appendToStream(s, [{ type: 'C', data: {} }], { expectedVersion: 2 });
    await f.store.appendToStream(s, [{ type: 'D', data: {} }], { expectedVersion: 'stream_exists' });
    const any = await f.store.appendToStream(s, [{ type: 'E', data: {} }], { expectedVersion: 'any' });
    expect(any.nextExpectedVersion).toBe(5);

    const events = await f.store.readStream(s);
    expect(events.map((e) => [e.streamPosition, e.type])).toEqual([
      [1, 'A'], [2, 'B'], [3, 'C'], [4, 'D'], [5, 'E'],
    ]);
    expect(events[0]).toMatchObject({ eventId: first.eventIds[0], data: { n: 1 }, metadata: { correlationId: 'c-1' } });
    expect(events[1]?.schemaVersion).toBe(2);
    expect(await f.store.streamVersion(s)).toBe(5);
    expect(await f.store.readStream(s, { fromPosition: 4 })).toHaveLength(2);
  });

  it('32 concurrent writers at the same expected version: one wins, 31 get the typed conflict; retries land all, no gaps', async () => {
    const s = 'conversation-race';
    await f.store.appendToStream(s, [{ type: 'Opened', data: {} }], { expectedVersion: 'no_stream' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 32 }, (_, i) => f.store.appendToStream(s, [{ type: 'Written', data: { i } }], { expectedVersion: 1 })),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(31);
    for (const o of lost) expect(o.reason).toBeInstanceOf(ConcurrencyConflictError);

    // Every round: 32 writers race for each next position with retry; all land, exactly once.
    const fold = { initialState: () => 0, evolve: (n: number) => n + 1 };
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        handleWithRetry(f.store, s, () => [{ type: 'Retried', data: { i } }], { ...fold, maxAttempts: 200, backoffMs: 2 }),
      ),
    );
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    const stream = await f.store.readStream(s);
    expect(stream).toHaveLength(2 + 32);
    expect(stream.map((e) => e.streamPosition)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    expect(new Set(stream.filter((e) => e.type === 'Retried').map((e) => (e.data as { i: number }).i)).size).toBe(32);
    expect(await f.store.streamVersion(s)).toBe(34);
  });

  it('32 concurrent writers creating the same stream with no_stream: exactly one creates it', async () => {
    const s = 'conversation-create-race';
    const outcomes = await Promise.allSettled(
      Array.from({ length: 32 }, (_, i) => f.store.appendToStream(s, [{ type: 'Opened', data: { i } }], { expectedVersion: 'no_stream' })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrencyConflictError);
    expect(await positions(s)).toEqual([1]);
  });

  it('the same source message appended twice stores one event and returns the first result, even at a stale version', async () => {
    const s = 'conversation-idem';
    const message = { type: 'MessageReceived', data: { text: 'hi' }, idempotencyKey: 'vk:42:1001' };
    const first = await f.store.appendToStream(s, [message], { expectedVersion: 'no_stream' });
    await f.store.appendToStream(s, [{ type: 'Other', data: {} }], { expectedVersion: 1 });
    const again = await f.store.appendToStream(s, [message], { expectedVersion: 'no_stream' });
    expect(again).toEqual({ ...first, duplicate: true });
    const againAny = await f.store.appendToStream(s, [message], { expectedVersion: 'any' });
    expect(againAny.eventIds).toEqual(first.eventIds);
    expect(await positions(s)).toEqual([1, 2]);
  });

  it('concurrent appends of one source message (same stream or not, any version mode) store it once', async () => {
    for (const [round, mode] of (['any', 'no_stream', 'stream_exists'] as const).entries()) {
      const key = `vk:7:race-${round}`;
      const s = `conversation-idem-race-${round}`;
      if (mode === 'stream_exists') await f.store.appendToStream(s, [{ type: 'Opened', data: {} }], { expectedVersion: 'no_stream' });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 32 }, (_, i) =>
          // a quarter of the racers target another stream with the same key
          f.store.appendToStream(i % 4 === 0 ? `${s}-other` : s, [{ type: 'MessageReceived', data: { i }, idempotencyKey: key }], {
            expectedVersion: i % 4 === 0 ? 'any' : mode,
          }),
        ),
      );
      const ok = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
      // The idempotency check wins over the version check: no racer sees a conflict.
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      const stored = (await f.dataSource.query(
        `SELECT event_id FROM conversation.events WHERE idempotency_key = $1`,
        [key],
      )) as Array<{ event_id: string }>;
      expect(stored).toHaveLength(1);
      expect(ok.filter((r) => !r.duplicate)).toHaveLength(1);
      for (const r of ok) expect(r.eventIds).toEqual([stored[0]?.event_id]);
    }
  });

  it('a batch whose keys are partly stored appends nothing and throws IdempotencyConflictError', async () => {
    const s = 'conversation-partial';
    await f.store.appendToStream(s, [{ type: 'A', data: {}, idempotencyKey: 'k-a' }], { expectedVersion: 'no_stream' });
    const err = await f.store
      .appendToStream(s, [{ type: 'A', data: {}, idempotencyKey: 'k-a' }, { type: 'B', data: {}, idempotencyKey: 'k-b' }], {
        expectedVersion: 1,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdempotencyConflictError);
    expect(await positions(s)).toEqual([1]);
  });

  it('appends inside the caller transaction: invisible until commit, gone on rollback', async () => {
    const s = 'conversation-tx';
    const runner = f.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await f.store.appendToStream(s, [{ type: 'A', data: {} }], { expectedVersion: 'no_stream', manager: runner.manager });
    expect(await positions(s)).toEqual([]);
    await runner.rollbackTransaction();
    await runner.release();
    expect(await f.store.streamVersion(s)).toBeNull();
    await f.dataSource.transaction((tx) => f.store.appendToStream(s, [{ type: 'A', data: {} }], { expectedVersion: 'no_stream', manager: tx }));
    expect(await positions(s)).toEqual([1]);
  });

  it('readAll returns committed events in (transaction_id, global_position) order and waits behind an open transaction', async () => {
    const slow = f.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    // The slow transaction takes its xid (and a global position) first, then a fast one commits after it.
    await f.store.appendToStream('conversation-slow', [{ type: 'Slow', data: {} }], { expectedVersion: 'any', manager: slow.manager });
    await f.store.appendToStream('conversation-fast', [{ type: 'Fast', data: {} }], { expectedVersion: 'any' });
    const all = async (): Promise<StoredEvent[]> => (await f.store.readAll({ limit: 100_000 })).events;
    const before = await f.store.readAll({ limit: 100_000 });
    expect(before.events.map((e) => e.type)).not.toContain('Fast');
    expect(before.behindHorizon).toBe(true);
    await slow.commitTransaction();
    await slow.release();
    // The horizon is cluster-wide: other databases' open transactions (other test files) can delay visibility.
    const after = await waitFor(
      async () => {
        const events = await all();
        return events.some((e) => e.type === 'Fast') ? events : undefined;
      },
      { what: 'both events behind the horizon', timeoutMs: 30_000 },
    );
    const types = after.map((e) => e.type);
    expect(types.indexOf('Slow')).toBeLessThan(types.indexOf('Fast'));
    // Positions in the commit-safe order are strictly increasing as (transaction_id, global_position).
    for (let i = 1; i < after.length; i++) {
      const [a, b] = [after[i - 1] as StoredEvent, after[i] as StoredEvent];
      const cmp = BigInt(a.transactionId) === BigInt(b.transactionId) ? a.globalPosition < b.globalPosition : BigInt(a.transactionId) < BigInt(b.transactionId);
      expect(cmp).toBe(true);
    }
  });
});
