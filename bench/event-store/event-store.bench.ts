// Event-store micro-benchmark (issue 4): append rate versus raw single-row INSERT at 1, 8 and 32 writers, and
// projection rebuild rate. Run with `npm run bench:event-store`; how to read the output: bench/README.md.
// Not a test: it asserts nothing, it measures and reports against the targets in docs/architecture.md ("Targets").
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ConcurrencyConflictError,
  PostgresEventStore,
  ProjectionRunner,
  runEventStoreMigrations,
  type Projection,
  type StoredEvent,
} from '@parley/event-store';
import { EmbeddedPostgres, createDatabase, dropDatabase } from '@parley/testing';
import { machineInfo } from '../lib/machine';
import { newHistogram, summarize as latency, type LatencySummary } from '../lib/histogram';
import { eventPayload as payload, RAW_INSERT_SQL, RAW_TABLE_SQL, rawInsertParams } from '../lib/raw-insert';

// ---------------------------------------------------------------------------------------------- configuration

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
}

const config = {
  durationS: envNumber('BENCH_DURATION_S', 5),
  warmupS: envNumber('BENCH_WARMUP_S', 1),
  writers: (process.env['BENCH_WRITERS'] ?? '1,8,32').split(',').map((w) => {
    const n = Number(w.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_WRITERS: bad writer count ${w}`);
    return n;
  }),
  /** Conversations the appends are spread over (one stream each, picked at random per append). */
  streams: envNumber('BENCH_STREAMS', 10_000),
  rebuildEvents: envNumber('BENCH_REBUILD_EVENTS', 200_000),
  /** Events per conversation in the rebuild log (appended as one batch per conversation). */
  rebuildEventsPerStream: envNumber('BENCH_REBUILD_EVENTS_PER_STREAM', 20),
  rebuildBatch: envNumber('BENCH_REBUILD_BATCH', 1000),
  rebuildRuns: envNumber('BENCH_REBUILD_RUNS', 2),
  /** fsync/synchronous_commit off on the embedded cluster (the test harness's setting); default: durable, as `npm run up`. */
  pgFast: process.env['BENCH_PG_FAST'] === '1',
  databaseUrl: process.env['DATABASE_URL'],
};

const TARGET_APPEND_RATIO = 0.7;
const TARGET_REBUILD_RATE = 50_000;
const SCHEMA = 'conversation';

// ---------------------------------------------------------------------------------------------- helpers

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function dataSourceFor(url: string, poolSize: number): DataSource {
  return new DataSource({ type: 'postgres', url, synchronize: false, entities: [], poolSize, logging: false });
}

interface StepResult {
  kind: 'raw-insert' | 'append' | 'append-idempotent';
  writers: number;
  operations: number;
  errors: number;
  ratePerS: number;
  latency: LatencySummary;
}

/**
 * Closed loop: `writers` workers each run `op` back to back for warm-up + duration. Only operations that complete
 * inside the measurement window count, and only their latencies are recorded.
 */
async function measure(kind: StepResult['kind'], writers: number, op: (writer: number) => Promise<void>): Promise<StepResult> {
  const histogram = newHistogram();
  const start = performance.now();
  const windowStart = start + config.warmupS * 1000;
  const windowEnd = windowStart + config.durationS * 1000;
  let operations = 0;
  let errors = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      while (performance.now() < windowEnd) {
        const t0 = performance.now();
        try {
          await op(writer);
        } catch (err) {
          // A retryable conflict (the xid-order check of ADR 0003 decision 3) is counted, not fatal.
          errors++;
          if (!(err instanceof ConcurrencyConflictError)) firstError ??= err;
          continue;
        }
        const t1 = performance.now();
        if (t1 >= windowStart && t1 <= windowEnd) {
          operations++;
          histogram.recordValue(Math.max(1, Math.round((t1 - t0) * 1000)));
        }
      }
    }),
  );
  if (firstError !== undefined) throw firstError;
  const result: StepResult = {
    kind,
    writers,
    operations,
    errors,
    ratePerS: Math.round(operations / config.durationS),
    latency: latency(histogram),
  };
  histogram.destroy();
  return result;
}

// ---------------------------------------------------------------------------------------------- steps

/** The events table of the event store without the stream table, the function, the lock or the NOTIFY. */
/** A fresh database per step, so every step starts from the same (empty) table size. */
async function withDatabase<T>(adminUrl: string, poolSize: number, run: (ds: DataSource) => Promise<T>): Promise<T> {
  const url = await createDatabase(adminUrl, 'parley_bench');
  const ds = dataSourceFor(url, poolSize);
  await ds.initialize();
  try {
    return await run(ds);
  } finally {
    await ds.destroy();
    await dropDatabase(adminUrl, url);
  }
}

const randomStream = (): number => Math.floor(Math.random() * config.streams);

async function rawInsertStep(adminUrl: string, writers: number, runId: string): Promise<StepResult> {
  return withDatabase(adminUrl, writers, async (ds) => {
    for (const sql of RAW_TABLE_SQL) await ds.query(sql);
    let seq = 0;
    return measure('raw-insert', writers, async () => {
      const n = ++seq;
      await ds.query(RAW_INSERT_SQL, rawInsertParams(n, randomStream(), runId));
    });
  });
}

async function appendStep(adminUrl: string, writers: number, idempotent: boolean, runId: string): Promise<StepResult> {
  return withDatabase(adminUrl, writers, async (ds) => {
    await runEventStoreMigrations(ds, SCHEMA);
    const store = new PostgresEventStore(ds, SCHEMA);
    let seq = 0;
    return measure(idempotent ? 'append-idempotent' : 'append', writers, async () => {
      const n = ++seq;
      const customer = randomStream();
      const { data, metadata } = payload(n, customer);
      await store.appendToStream(
        `conversation-${customer}`,
        [{ type: 'MessageReceived', data, metadata, ...(idempotent ? { idempotencyKey: `vk:bench:${runId}:${n}` } : {}) }],
        { expectedVersion: 'any' },
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------- rebuild

interface RebuildResult {
  events: number;
  streams: number;
  batchSize: number;
  fillS: number;
  liveCatchUpS: number;
  runs: Array<{ seconds: number; eventsPerS: number }>;
  medianEventsPerS: number;
  batchLatency: LatencySummary;
}

/** The trivial read model: events and last position per conversation, one bulk upsert per batch. */
function countingProjection(onBatch: (events: number, micros: number) => void): Projection {
  return {
    name: 'bench-conversation-count',
    async handle(events: readonly StoredEvent[], tx: EntityManager): Promise<void> {
      const t0 = performance.now();
      await tx.query(
        `INSERT INTO bench_conversation_count AS c (stream_id, events, last_position)
         SELECT stream_id, count(*), max(position) FROM unnest($1::text[], $2::bigint[]) AS e(stream_id, position)
         GROUP BY stream_id
         ON CONFLICT (stream_id) DO UPDATE SET events = c.events + excluded.events, last_position = excluded.last_position`,
        [events.map((e) => e.streamId), events.map((e) => e.streamPosition)],
      );
      onBatch(events.length, (performance.now() - t0) * 1000);
    },
    async reset(tx: EntityManager): Promise<void> {
      await tx.query('TRUNCATE bench_conversation_count');
    },
  };
}

async function rebuildStep(adminUrl: string): Promise<RebuildResult> {
  return withDatabase(adminUrl, 10, async (ds) => {
    await runEventStoreMigrations(ds, SCHEMA);
    await ds.query(
      'CREATE TABLE bench_conversation_count (stream_id text PRIMARY KEY, events bigint NOT NULL, last_position bigint NOT NULL)',
    );
    const store = new PostgresEventStore(ds, SCHEMA);
    const perStream = Math.max(1, Math.floor(config.rebuildEventsPerStream));
    const streams = Math.ceil(config.rebuildEvents / perStream);
    const total = streams * perStream;

    const fillStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let s = next++; s < streams; s = next++) {
          await store.appendToStream(
            `conversation-${s}`,
            Array.from({ length: perStream }, (_, k) => ({ type: k % 2 ? 'MessageSent' : 'MessageReceived', ...payload(s * perStream + k, s) })),
            { expectedVersion: 'no_stream' },
          );
        }
      }),
    );
    const fillS = (performance.now() - fillStart) / 1000;
    await ds.query(`VACUUM ANALYZE ${store.tables.events}`);
    const last = ((await ds.query(
      `SELECT transaction_id::text AS tx, global_position::text AS gp FROM ${store.tables.events}
       ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    )) as Array<{ tx: string; gp: string }>)[0];
    if (!last) throw new Error('rebuild fill appended nothing');

    let recording = false;
    const batches = newHistogram();
    const runner = new ProjectionRunner(
      store,
      countingProjection((_events, micros) => {
        if (recording) batches.recordValue(Math.max(1, Math.round(micros)));
      }),
      { batchSize: config.rebuildBatch, pollIntervalMs: 1000 },
    );
    const caughtUp = async (): Promise<void> => {
      for (;;) {
        const p = await runner.position();
        if (p && p.transactionId === last.tx && p.globalPosition === Number(last.gp)) return;
        await sleep(2);
      }
    };
    try {
      const liveStart = performance.now();
      runner.start();
      await caughtUp();
      const liveCatchUpS = (performance.now() - liveStart) / 1000;

      const runs: RebuildResult['runs'] = [];
      recording = true;
      for (let i = 0; i < Math.max(1, config.rebuildRuns); i++) {
        const t0 = performance.now();
        await runner.rebuild();
        await caughtUp();
        const seconds = (performance.now() - t0) / 1000;
        runs.push({ seconds: Math.round(seconds * 1000) / 1000, eventsPerS: Math.round(total / seconds) });
      }
      recording = false;
      const counted = ((await ds.query('SELECT coalesce(sum(events), 0)::bigint::text AS n FROM bench_conversation_count')) as Array<{
        n: string;
      }>)[0];
      if (Number(counted?.n) !== total) throw new Error(`read model counts ${counted?.n} events, the log holds ${total}`);
      const rates = runs.map((r) => r.eventsPerS).sort((a, b) => a - b);
      const result: RebuildResult = {
        events: total,
        streams,
        batchSize: config.rebuildBatch,
        fillS: Math.round(fillS * 100) / 100,
        liveCatchUpS: Math.round(liveCatchUpS * 1000) / 1000,
        runs,
        medianEventsPerS: rates[Math.floor((rates.length - 1) / 2)] ?? 0,
        batchLatency: latency(batches),
      };
      return result;
    } finally {
      batches.destroy();
      await runner.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------- report

function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}

function printTable(steps: StepResult[], rebuild: RebuildResult): void {
  const rawRate = (writers: number): number | undefined => steps.find((s) => s.kind === 'raw-insert' && s.writers === writers)?.ratePerS;
  const lines = [
    `${'step'.padEnd(18)}${pad('writers', 8)}${pad('ops/s', 10)}${pad('vs raw', 9)}${pad('target', 8)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}${pad('errors', 8)}`,
  ];
  for (const s of steps) {
    const raw = rawRate(s.writers);
    const ratio = s.kind === 'raw-insert' || !raw ? '' : `${Math.round((s.ratePerS / raw) * 100)} %`;
    const target = s.kind === 'raw-insert' ? '' : '≥70 %';
    lines.push(
      `${s.kind.padEnd(18)}${pad(s.writers, 8)}${pad(s.ratePerS, 10)}${pad(ratio, 9)}${pad(target, 8)}${pad(s.latency.p50Ms.toFixed(2), 9)}${pad(s.latency.p99Ms.toFixed(2), 9)}${pad(s.latency.maxMs.toFixed(1), 9)}${pad(s.errors, 8)}`,
    );
  }
  lines.push('');
  lines.push(
    `projection rebuild: ${rebuild.events} events in ${rebuild.streams} conversations, batch ${rebuild.batchSize}: ` +
      `${rebuild.runs.map((r) => `${r.eventsPerS} ev/s (${r.seconds} s)`).join(', ')}; median ${rebuild.medianEventsPerS} ev/s ` +
      `(target ≥ ${TARGET_REBUILD_RATE}); handle() per batch p50 ${rebuild.batchLatency.p50Ms} ms, p99 ${rebuild.batchLatency.p99Ms} ms`,
  );
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const runId = startedAt.getTime().toString(36);
  let pg: EmbeddedPostgres | undefined;
  let adminUrl = config.databaseUrl;
  if (!adminUrl) {
    console.log(`starting embedded Postgres (${config.pgFast ? 'fsync off' : 'durable: fsync on, synchronous_commit on'}) ...`);
    pg = await EmbeddedPostgres.start({ fast: config.pgFast });
    adminUrl = pg.url;
  }
  const stopPg = async (): Promise<void> => {
    const running = pg;
    pg = undefined;
    if (running) await running.stop();
  };
  process.once('SIGINT', () => {
    void stopPg().finally(() => process.exit(130));
  });
  try {
    const probe = dataSourceFor(adminUrl, 1);
    await probe.initialize();
    const settings = (await probe.query(
      `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
              current_setting('synchronous_commit') AS synchronous_commit, current_setting('shared_buffers') AS shared_buffers`,
    )) as Array<Record<string, string>>;
    await probe.destroy();
    const postgres = settings[0] ?? {};
    console.log(
      `Postgres ${postgres['version']} (fsync ${postgres['fsync']}, synchronous_commit ${postgres['synchronous_commit']}); ` +
        `${os.cpus().length} CPUs; ${config.warmupS} s warm-up + ${config.durationS} s per step; ${config.streams} conversations`,
    );

    const steps: StepResult[] = [];
    for (const writers of config.writers) {
      for (const run of [
        () => rawInsertStep(adminUrl, writers, runId),
        () => appendStep(adminUrl, writers, false, runId),
        () => appendStep(adminUrl, writers, true, runId),
      ]) {
        const step = await run();
        steps.push(step);
        console.log(`  ${step.kind} × ${writers}: ${step.ratePerS} ops/s, p50 ${step.latency.p50Ms} ms, p99 ${step.latency.p99Ms} ms`);
      }
    }
    console.log(`  projection rebuild: filling ${config.rebuildEvents} events ...`);
    const rebuild = await rebuildStep(adminUrl);
    console.log('');
    printTable(steps, rebuild);

    const ratios = steps
      .filter((s) => s.kind !== 'raw-insert')
      .map((s) => {
        const raw = steps.find((r) => r.kind === 'raw-insert' && r.writers === s.writers)?.ratePerS ?? 0;
        const ratio = raw > 0 ? s.ratePerS / raw : 0;
        return { kind: s.kind, writers: s.writers, ratio: Math.round(ratio * 1000) / 1000, meetsTarget: ratio >= TARGET_APPEND_RATIO };
      });
    const report = {
      benchmark: 'event-store',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        ...machineInfo(),
        postgres,
        embeddedPostgres: pg !== undefined,
      },
      config: { ...config, databaseUrl: config.databaseUrl ? '(set)' : undefined },
      targets: { appendVsRawInsert: TARGET_APPEND_RATIO, rebuildEventsPerS: TARGET_REBUILD_RATE },
      steps,
      ratios,
      rebuild: { ...rebuild, meetsTarget: rebuild.medianEventsPerS >= TARGET_REBUILD_RATE },
    };
    const dir = path.resolve(__dirname, '../../../bench/results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}-event-store.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await stopPg();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
