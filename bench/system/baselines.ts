import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Pool } from 'pg';
import { createDatabase, dropDatabase } from '@parley/testing';
import { RAW_INSERT_SQL, RAW_TABLE_SQL, rawInsertParams } from '../lib/raw-insert';
import { newHistogram, summarize, type LatencySummary } from '../lib/histogram';

export interface BaselineResult {
  name: string;
  /** Concurrent workers (Postgres connections / publishers), each running operations back to back. */
  concurrency: number;
  operations: number;
  ratePerS: number;
  latency: LatencySummary;
}

/**
 * Closed loop: `concurrency` workers run `op` back to back for warm-up + duration; only operations completing in
 * the measurement window count.
 */
async function closedLoop(name: string, concurrency: number, warmupS: number, durationS: number, op: (worker: number) => Promise<void>): Promise<BaselineResult> {
  const histogram = newHistogram();
  const windowStart = performance.now() + warmupS * 1000;
  const windowEnd = windowStart + durationS * 1000;
  let operations = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < windowEnd) {
        const t0 = performance.now();
        await op(worker);
        const t1 = performance.now();
        if (t0 >= windowStart && t1 <= windowEnd) {
          operations++;
          histogram.recordValue(Math.max(1, Math.round((t1 - t0) * 1000)));
        }
      }
    }),
  );
  return { name, concurrency, operations, ratePerS: Math.round(operations / durationS), latency: summarize(histogram) };
}

/**
 * The machine's single-row INSERT rate: autocommit INSERTs of one event-sized row into a table shaped like the event
 * store's, on a scratch database of the same Postgres server, over `connections` connections.
 */
export async function rawInsertBaseline(adminUrl: string, connections: number, warmupS: number, durationS: number): Promise<BaselineResult> {
  const url = await createDatabase(adminUrl, 'parley_bench_baseline');
  const pool = new Pool({ connectionString: url, max: connections });
  try {
    for (const sql of RAW_TABLE_SQL) await pool.query(sql);
    const runId = randomBytes(4).toString('hex');
    let seq = 0;
    return await closedLoop('raw single-row INSERT', connections, warmupS, durationS, async () => {
      const n = ++seq;
      await pool.query(RAW_INSERT_SQL, rawInsertParams(n, n % 10_000, runId));
    });
  } finally {
    await pool.end();
    await dropDatabase(adminUrl, url);
  }
}

/**
 * The server's JetStream publish rate: `publishers` concurrent publishers, each awaiting its PubAck with a
 * `Nats-Msg-Id` (as the gateway publishes), of `payloadBytes`-sized messages into a file-stored stream of its own.
 */
export async function jetStreamPublishBaseline(natsUrl: string, publishers: number, payloadBytes: number, warmupS: number, durationS: number): Promise<BaselineResult> {
  const nc = await connect({ servers: natsUrl, name: 'parley-bench-baseline' });
  const jsm = await jetstreamManager(nc);
  const stream = `BENCH_BASELINE_${randomBytes(3).toString('hex').toUpperCase()}`;
  const subject = `bench.baseline.${stream.toLowerCase()}`;
  await jsm.streams.add({ name: stream, subjects: [subject], storage: 'file', duplicate_window: 120_000_000_000 });
  try {
    const js = jetstream(nc);
    const payload = randomBytes(Math.ceil(payloadBytes / 2)).toString('hex').slice(0, payloadBytes);
    let seq = 0;
    return await closedLoop('JetStream publish (PubAck awaited)', publishers, warmupS, durationS, async () => {
      const n = ++seq;
      await js.publish(subject, payload, { msgID: `${stream}-${n}` });
    });
  } finally {
    await jsm.streams.delete(stream);
    await nc.drain();
  }
}
