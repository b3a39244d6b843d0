import type { EntityManager } from 'typeorm';
import { waitFor } from '@parley/testing';
import { ProjectionRunner, type Projection, type StoredEvent } from '../index';
import { createEventStoreFixture, type EventStoreFixture } from '../../test/event-store-fixture';

const createReadModel = `CREATE TABLE IF NOT EXISTS conversation_summary (
  stream_id text PRIMARY KEY, events int NOT NULL, last_position bigint NOT NULL, last_type text NOT NULL, total bigint NOT NULL)`;

/** A per-conversation summary, written in bulk: one upsert per batch. */
const summaryProjection: Projection = {
  name: 'conversation-summary',
  async handle(events: readonly StoredEvent[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO conversation_summary AS s (stream_id, events, last_position, last_type, total)
       SELECT stream_id, count(*), max(position), (array_agg(type ORDER BY position DESC))[1], sum(amount)
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[]) AS e(stream_id, position, type, amount)
       GROUP BY stream_id
       ON CONFLICT (stream_id) DO UPDATE SET events = s.events + excluded.events, last_position = excluded.last_position,
         last_type = excluded.last_type, total = s.total + excluded.total`,
      [
        events.map((e) => e.streamId),
        events.map((e) => e.streamPosition),
        events.map((e) => e.type),
        events.map((e) => (e.data as { amount: number }).amount),
      ],
    );
  },
  // Rebuild drops the read model and creates it again.
  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DROP TABLE IF EXISTS conversation_summary');
    await tx.query(createReadModel);
  },
};

describe('projection rebuild', () => {
  let f: EventStoreFixture;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    f = await createEventStoreFixture('es_rebuild');
    await f.dataSource.query(createReadModel);
  });
  afterAll(async () => {
    await runner?.stop();
    await f?.close();
  });

  const summary = async (): Promise<unknown[]> =>
    (await f.dataSource.query('SELECT * FROM conversation_summary ORDER BY stream_id')) as unknown[];

  it('a read model dropped and rebuilt from the log equals the one built live', async () => {
    runner = new ProjectionRunner(f.store, summaryProjection, {
      batchSize: 1000,
      pollIntervalMs: 500,
      logger: { info: () => undefined, warn: console.warn, error: (m, c) => console.error(m, c) },
    });
    runner.start();
    // Built live: 60,000 events appended by 8 writers while the projection runs.
    const total = 60_000;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < total / 8 / 250; i++) {
          await f.store.appendToStream(
            `conversation-${w}-${i}`,
            Array.from({ length: 250 }, (_, k) => ({ type: k % 2 ? 'MessageReceived' : 'MessageSent', data: { amount: k } })),
            { expectedVersion: 'any' },
          );
        }
      }),
    );
    const projectedCount = async (): Promise<number> =>
      Number(((await f.dataSource.query('SELECT sum(events)::int AS n FROM conversation_summary')) as Array<{ n: number }>)[0]?.n);
    await waitFor(async () => (await projectedCount()) === total, {
      what: 'the live projection to catch up',
      timeoutMs: 60_000,
    });
    const live = await summary();
    expect(live).toHaveLength(8 * 30);

    await runner.rebuild();
    await waitFor(async () => (await projectedCount()) === total, {
      what: 'the rebuild to replay the log',
      timeoutMs: 60_000,
      intervalMs: 5,
    });
    // The rebuild rate is a benchmark figure (npm run bench), not something a test on a shared machine asserts.
    expect(await summary()).toEqual(live);
  });
});
