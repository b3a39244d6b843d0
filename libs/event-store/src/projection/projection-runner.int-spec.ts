import type { EntityManager } from 'typeorm';
import { waitFor } from '@parley/testing';
import { ConcurrencyConflictError, ProjectionRunner, type Projection, type StoredEvent } from '../index';
import { createEventStoreFixture, type EventStoreFixture } from '../../test/event-store-fixture';

/** Records every event it is given, in the order given; the primary key makes a double apply fail the batch. */
const logProjection: Projection = {
  name: 'event-log',
  async handle(events: readonly StoredEvent[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO projected_log (event_id, stream_id, stream_position)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])`,
      [events.map((e) => e.eventId), events.map((e) => e.streamId), events.map((e) => e.streamPosition)],
    );
  },
  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE projected_log RESTART IDENTITY');
  },
};

describe('ProjectionRunner under slow and failing writers', () => {
  let f: EventStoreFixture;
  const runners: ProjectionRunner[] = [];

  beforeAll(async () => {
    f = await createEventStoreFixture('es_projection', 'conversation', 60);
    await f.dataSource.query(
      `CREATE TABLE projected_log (applied bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, stream_position bigint NOT NULL)`,
    );
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await f?.close();
  });

  const projected = async (): Promise<Array<{ event_id: string; stream_id: string; stream_position: string }>> =>
    (await f.dataSource.query('SELECT event_id, stream_id, stream_position FROM projected_log ORDER BY applied')) as Array<{
      event_id: string;
      stream_id: string;
      stream_position: string;
    }>;

  it('projects every committed event exactly once, in stream order, with 32 writers sleeping up to 5 s and 10% rollbacks', async () => {
    const options = { batchSize: 50, pollIntervalMs: 2_000, lockRetryMs: 100 };
    const first = new ProjectionRunner(f.store, logProjection, options);
    const second = new ProjectionRunner(f.store, logProjection, options);
    runners.push(first, second);
    first.start();
    second.start();
    const active = await waitFor(() => (first.isActive ? first : second.isActive ? second : undefined), { what: 'an active instance' });
    const standby = active === first ? second : first;
    expect(standby.isActive).toBe(false);

    const committed = new Set<string>();
    let rolledBack = 0;
    let conflicts = 0;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 6; i++) {
        for (;;) {
          const runner = f.dataSource.createQueryRunner();
          await runner.connect();
          try {
            await runner.startTransaction();
            const sleep = Math.random() ** 3 * 5;
            const before = Math.random() * sleep;
            // The writer takes its xid (and sequence numbers) early, then stays in flight while others commit.
            await runner.query('SELECT pg_current_xact_id()');
            await runner.query('SELECT pg_sleep($1)', [before]);
            const stream = `conversation-${Math.floor(Math.random() * 12)}`;
            const count = 1 + Math.floor(Math.random() * 3);
            const result = await f.store.appendToStream(
              stream,
              Array.from({ length: count }, (_, k) => ({ type: 'Written', data: { w, i, k } })),
              { expectedVersion: 'any', manager: runner.manager },
            );
            await runner.query('SELECT pg_sleep($1)', [sleep - before]);
            if (Math.random() < 0.1) {
              await runner.rollbackTransaction();
              rolledBack++;
            } else {
              await runner.commitTransaction();
              for (const id of result.eventIds) committed.add(id);
            }
            break;
          } catch (err) {
            if (runner.isTransactionActive) await runner.rollbackTransaction();
            if (!(err instanceof ConcurrencyConflictError)) throw err;
            conflicts++;
          } finally {
            await runner.release();
          }
        }
      }
    };
    const writing = Promise.all(Array.from({ length: 32 }, (_, w) => writer(w)));

    // Half-way through, the active instance stops; the standby takes over from the checkpoint.
    await waitFor(async () => (await projected()).length >= 100, { what: '100 projected events', timeoutMs: 60_000 });
    await active.stop();
    await waitFor(() => standby.isActive, { what: 'the standby to take over', timeoutMs: 10_000 });
    await writing;

    const rows = await waitFor(
      async () => {
        const r = await projected();
        return r.length >= committed.size ? r : undefined;
      },
      { what: `all ${committed.size} committed events projected`, timeoutMs: 30_000 },
    );
    expect(rolledBack).toBeGreaterThan(0);
    expect(rows).toHaveLength(committed.size);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(committed);
    const lastPosition = new Map<string, number>();
    for (const row of rows) {
      const position = Number(row.stream_position);
      expect(position).toBe((lastPosition.get(row.stream_id) ?? 0) + 1);
      lastPosition.set(row.stream_id, position);
    }
    // And the log has nothing more: rolled-back appends left no events behind.
    const stored = (await f.dataSource.query('SELECT count(*)::int AS n FROM conversation.events')) as Array<{ n: number }>;
    expect(stored[0]?.n).toBe(committed.size);
    console.info(`projection test: ${committed.size} committed, ${rolledBack} rolled back, ${conflicts} order conflicts retried`);
  });

  it('a dropped read model rebuilt from the log equals the one built live, in the same order', async () => {
    const live = await projected();
    const runner = runners.find((r) => r.isActive);
    if (!runner) throw new Error('no active runner');
    await runner.rebuild();
    const rebuilt = await waitFor(
      async () => {
        const r = await projected();
        return r.length === live.length ? r : undefined;
      },
      { what: 'the rebuild to catch up', timeoutMs: 30_000 },
    );
    expect(rebuilt).toEqual(live);
  });
});
