/*
 * `npm run bench`: the whole system under an open-loop load of VK callbacks, measured from the outside (webhook
 * answers, the operator's live socket, the VK fake's messages.send), next to the machine's own limits measured in the
 * same run. How to read the output: bench/README.md.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { LiveSocket, type SystemProcessName } from '@parley/tools';
import { envNumber, envNumbers, repoRoot, startBenchSystem, type BenchSystem } from '../lib/bench-system';
import { machineInfo } from '../lib/machine';
import { jetStreamPublishBaseline, rawInsertBaseline, type BaselineResult } from './baselines';
import { CallbackLoad, type StepOutcome } from './callback-load';
import { OutboundLoad, type ReplyLatencyOutcome, type SaturationOutcome } from './outbound-load';
import { cpuShare, cpuSnapshot, RssSampler, type CpuSnapshot, type RssFigures } from './process-probe';

const config = {
  rates: envNumbers('BENCH_RATES', [250, 500, 750, 1000, 1500, 2000]),
  stepS: envNumber('BENCH_STEP_S', 15),
  messagesPerCustomer: envNumber('BENCH_MESSAGES_PER_CUSTOMER', 3),
  warmupRate: envNumber('BENCH_WARMUP_RATE', 100),
  warmupS: envNumber('BENCH_WARMUP_S', 10),
  drainS: envNumber('BENCH_DRAIN_S', 30),
  p99LimitMs: envNumber('BENCH_P99_LIMIT_MS', 250),
  /** Keep stepping up past a failed step until this rate (the 500 msg/s latency targets need that step). */
  alwaysRunUpTo: envNumber('BENCH_ALWAYS_RUN_UP_TO', 500),
  replyRate: envNumber('BENCH_REPLY_RATE', 10),
  replies: envNumber('BENCH_REPLIES', 100),
  saturationConversations: envNumber('BENCH_SATURATION_CONVERSATIONS', 200),
  saturationRepliesPerConversation: envNumber('BENCH_SATURATION_REPLIES', 2),
  baselineS: envNumber('BENCH_BASELINE_S', 5),
  baselinePublishers: envNumber('BENCH_BASELINE_PUBLISHERS', 64),
  cpuProfile: (process.env['BENCH_CPU_PROFILE'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
  natsUrl: process.env['BENCH_NATS_URL'],
  databaseUrl: process.env['BENCH_DATABASE_URL'],
  keepState: process.env['BENCH_KEEP_STATE'] === '1',
};

const TARGETS = {
  inboundPerS: 2000,
  inboundVsRawInsert: 0.15,
  ackP99Ms: 50,
  visibleP50Ms: 20,
  visibleP99Ms: 100,
  budgetUsed: 0.95,
  rssMb: 150,
};

const SERVICES: SystemProcessName[] = ['gateway-vk', 'conversation-service', 'contact-service', 'routing-service', 'outbound-dispatcher', 'console-api'];

const say = (line: string): void => console.log(line);

interface CountedStep extends StepOutcome {
  passed: boolean;
  why: string[];
  cpuPercentOfOneCore: Record<string, number>;
  postgresConnections: number;
  /** pg_stat_database deltas over the step ÷ acknowledged messages (everything the system did, all services). */
  postgresPerMessage: PostgresCounters;
}

function judge(step: StepOutcome): string[] {
  const why: string[] = [];
  if (step.failed > 0) why.push(`${step.failed} webhooks not acknowledged`);
  if (step.visible < step.acknowledged) why.push(`${step.acknowledged - step.visible} acknowledged messages not visible within ${config.drainS} s`);
  if (step.duplicatesVisible > 0) why.push(`${step.duplicatesVisible} shown twice`);
  if (step.visibleLatency.p99Ms >= config.p99LimitMs) why.push(`p99 webhook→visible ${step.visibleLatency.p99Ms} ms ≥ ${config.p99LimitMs} ms`);
  if (step.achievedRatePerS < step.ratePerS * 0.95) why.push(`the load generator reached only ${step.achievedRatePerS}/s`);
  return why;
}

async function postgresConnections(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

interface PostgresCounters {
  commits: number;
  rowsReturned: number;
  rowsFetched: number;
  rowsInserted: number;
  rowsUpdated: number;
}

/** Database-wide counters (pg_stat_database) of the system's database. */
async function postgresCounters(databaseUrl: string): Promise<PostgresCounters> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<Record<string, string>>(
      `SELECT xact_commit::text AS c, tup_returned::text AS rr, tup_fetched::text AS rf, tup_inserted::text AS ri, tup_updated::text AS ru
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = r.rows[0] ?? {};
    return { commits: Number(row['c']), rowsReturned: Number(row['rr']), rowsFetched: Number(row['rf']), rowsInserted: Number(row['ri']), rowsUpdated: Number(row['ru']) };
  } finally {
    await client.end();
  }
}

/** The tables read most by sequential scans (a missing index shows here first). */
async function seqScanLeaders(databaseUrl: string): Promise<Array<{ table: string; seqScans: number; seqRowsRead: number; indexScans: number }>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ t: string; s: string; r: string; i: string | null }>(
      `SELECT schemaname || '.' || relname AS t, seq_scan::text AS s, seq_tup_read::text AS r, idx_scan::text AS i
         FROM pg_stat_user_tables ORDER BY seq_tup_read DESC LIMIT 8`,
    );
    return r.rows.map((row) => ({ table: row.t, seqScans: Number(row.s), seqRowsRead: Number(row.r), indexScans: Number(row.i ?? 0) }));
  } finally {
    await client.end();
  }
}

async function postmasterPid(bench: BenchSystem): Promise<number | undefined> {
  const dataDir = bench.system.infra.postgres?.dataDir;
  if (!dataDir) return undefined;
  const first = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
  return first ? Number(first) : undefined;
}

function servicePids(bench: BenchSystem): Map<string, number | undefined> {
  return new Map(SERVICES.map((name) => [name, bench.system.processes.get(name)?.pid]));
}

const f1 = (n: number): string => (Math.round(n * 10) / 10).toString();
const pad = (v: string | number, w: number): string => String(v).padStart(w);
const pct = (ratio: number): string => `${Math.round(ratio * 1000) / 10} %`;

function printReport(report: Report): void {
  const lines: string[] = [];
  lines.push('', 'INBOUND — open-loop VK callbacks → webhook ack → event store → operator live push (ms from the scheduled send)');
  lines.push(
    `${'rate/s'.padStart(7)}${pad('achieved', 9)}${pad('sent', 7)}${pad('acked', 7)}${pad('visible', 8)}${pad('dup', 4)}` +
      `${pad('ack p50', 9)}${pad('p99', 8)}${pad('max', 8)}${pad('vis p50', 9)}${pad('p99', 8)}${pad('max', 8)}${pad('drain', 8)}  result`,
  );
  for (const s of report.inbound.steps) {
    lines.push(
      `${pad(s.ratePerS, 7)}${pad(s.achievedRatePerS, 9)}${pad(s.sent, 7)}${pad(s.acknowledged, 7)}${pad(s.visible, 8)}${pad(s.duplicatesVisible, 4)}` +
        `${pad(f1(s.ack.p50Ms), 9)}${pad(f1(s.ack.p99Ms), 8)}${pad(f1(s.ack.maxMs), 8)}${pad(f1(s.visibleLatency.p50Ms), 9)}${pad(f1(s.visibleLatency.p99Ms), 8)}` +
        `${pad(f1(s.visibleLatency.maxMs), 8)}${pad(s.drainMs, 8)}  ${s.passed ? 'ok' : `over: ${s.why.join('; ')}`}`,
    );
  }
  const inb = report.inbound;
  lines.push(
    '',
    `sustained inbound: ${inb.sustainedPerS} msg/s (highest step with p99 webhook→visible < ${config.p99LimitMs} ms, nothing lost) — target ≥ ${TARGETS.inboundPerS}: ${inb.sustainedPerS >= TARGETS.inboundPerS ? 'met' : `missed by ${TARGETS.inboundPerS - inb.sustainedPerS} msg/s (${pct(inb.sustainedPerS / TARGETS.inboundPerS)} of it)`}`,
  );
  if (inb.at500) {
    const a = inb.at500;
    lines.push(
      `at 500 msg/s: ack p99 ${a.ackP99Ms} ms (target < ${TARGETS.ackP99Ms}); visible p50 ${a.visibleP50Ms} ms (target < ${TARGETS.visibleP50Ms}), p99 ${a.visibleP99Ms} ms (target < ${TARGETS.visibleP99Ms})`,
    );
  }
  const top = inb.steps[inb.steps.length - 1];
  if (top) {
    const shares = Object.entries(top.cpuPercentOfOneCore).sort((a, b) => b[1] - a[1]).map(([n, p]) => `${n} ${p}%`);
    lines.push(`CPU at ${top.ratePerS}/s (percent of one core; the machine has ${os.cpus().length}): ${shares.join(', ')}`);
  }

  lines.push('', 'OUTBOUND — operator reply (console API) → VK fake receives messages.send');
  const r = report.outbound.latency;
  lines.push(`latency at ${r.ratePerS}/s: ${r.delivered}/${r.replies} delivered; p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms, max ${r.latency.maxMs} ms (POST answered p99 ${r.apiLatency.p99Ms} ms)`);
  const sat = report.outbound.saturation;
  lines.push(
    `saturation: ${sat.replies} replies to ${sat.conversations} conversations at once → ${sat.delivered} sent in ${sat.seconds} s, ` +
      `${sat.sendRatePerS}/s = ${pct(sat.budgetUsed)} of VK's 20/s budget (target ≥ 95 %); violations ${sat.rateLimitViolations}; ` +
      `out-of-order conversations ${sat.outOfOrderConversations}; duplicates ${sat.duplicates}`,
  );

  lines.push('', 'MEMORY — RSS per service (MB; target < 150 under load)');
  for (const [name, rss] of Object.entries(report.rss)) lines.push(`${name.padEnd(22)} idle ${pad(rss.idleMb, 6)}   peak ${pad(rss.peakMb, 6)}${rss.peakMb >= TARGETS.rssMb ? '   OVER' : ''}`);

  lines.push('', 'BASELINES — the same Postgres and NATS, same run');
  for (const b of report.baselines.results) {
    lines.push(`${b.name.padEnd(36)} ×${pad(b.concurrency, 3)}: ${pad(b.ratePerS, 7)}/s  p50 ${b.latency.p50Ms} ms  p99 ${b.latency.p99Ms} ms`);
  }
  const ratios = report.baselines.ratios;
  lines.push(
    `sustained inbound ÷ raw INSERT: ${pct(ratios.inboundVsRawInsert)} (target ≥ 15 %); ÷ JetStream publish: ${pct(ratios.inboundVsJetStreamPublish)}`,
  );
  console.log(lines.join('\n'));
}

interface Report {
  benchmark: 'system';
  startedAt: string;
  finishedAt: string;
  machine: Record<string, unknown>;
  config: Record<string, unknown>;
  targets: typeof TARGETS;
  inbound: {
    warmup: StepOutcome;
    idleCpuPercentOfOneCore: Record<string, number>;
    steps: CountedStep[];
    sustainedPerS: number;
    at500?: { ackP99Ms: number; visibleP50Ms: number; visibleP99Ms: number; meets: boolean };
  };
  outbound: { latency: ReplyLatencyOutcome; saturation: SaturationOutcome };
  postgresSeqScanLeaders: Array<{ table: string; seqScans: number; seqRowsRead: number; indexScans: number }>;
  rss: Record<string, RssFigures>;
  baselines: { results: BaselineResult[]; ratios: { inboundVsRawInsert: number; inboundVsJetStreamPublish: number } };
  cpuProfiles?: string;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const profileDir = path.join(repoRoot, 'bench/results', `${startedAt.toISOString().replace(/[:.]/g, '-')}-cpuprofiles`);
  const nodeArgs: Partial<Record<SystemProcessName, string[]>> = {};
  for (const name of config.cpuProfile) {
    if (!SERVICES.includes(name as SystemProcessName)) throw new Error(`BENCH_CPU_PROFILE: unknown service ${name} (one of ${SERVICES.join(', ')})`);
    nodeArgs[name as SystemProcessName] = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  }
  const bench = await startBenchSystem({
    name: 'bench',
    ...(config.natsUrl ? { natsUrl: config.natsUrl } : {}),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    nodeArgs,
    say,
    onProcessExit: (name, code, signal) => say(`!!! ${name} exited on its own (${signal ?? code}) — the run is not valid`),
  });
  const onSignal = (): void => void bench.stop({ keepState: true }).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const live = await LiveSocket.open(bench.system.consoleApiUrl, bench.operator.token ?? '', { record: false });
    const conversations: string[] = [];
    live.onFrame((frame) => {
      if (frame.type === 'ConversationOpened' && frame.conversationId) conversations.push(frame.conversationId);
    });
    const load = new CallbackLoad(bench.vk, bench.groupId, bench.webhookUrl, live);
    const rss = new RssSampler(() => servicePids(bench));
    await rss.sampleIdle();
    rss.start();
    const pgPid = await postmasterPid(bench);
    const natsPid = bench.system.infra.nats?.pid;
    const cpu = (): Promise<CpuSnapshot> => cpuSnapshot({ services: servicePids(bench), ...(pgPid ? { postmasterPid: pgPid } : {}), ...(natsPid ? { natsPid } : {}) });

    // What the system burns doing nothing (pollers, heartbeats): the floor under every step's CPU figures.
    const idleBefore = await cpu();
    const idleT0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const idleCpu = cpuShare(idleBefore, await cpu(), (performance.now() - idleT0) / 1000);
    say(`idle CPU (percent of one core): ${Object.entries(idleCpu).map(([n, p]) => `${n} ${p}%`).join(', ')}`);
    say(`warm-up: ${config.warmupRate}/s for ${config.warmupS} s (not counted)`);
    const warmup = await load.run(
      { name: 'warmup', ratePerS: config.warmupRate, durationS: config.warmupS, customers: Math.ceil((config.warmupRate * config.warmupS) / config.messagesPerCustomer), counted: false },
      config.drainS * 1000,
    );
    const steps: CountedStep[] = [];
    for (const rate of config.rates) {
      const before = await cpu();
      const pgBefore = await postgresCounters(bench.system.databaseUrl);
      const t0 = performance.now();
      let peakConnections = 0;
      const connectionProbe = setInterval(() => {
        void postgresConnections(bench.system.databaseUrl).then((n) => (peakConnections = Math.max(peakConnections, n)), () => undefined);
      }, 2000);
      const outcome = await load.run(
        { name: `r${rate}`, ratePerS: rate, durationS: config.stepS, customers: Math.ceil((rate * config.stepS) / config.messagesPerCustomer), counted: true },
        config.drainS * 1000,
      );
      clearInterval(connectionProbe);
      const share = cpuShare(before, await cpu(), (performance.now() - t0) / 1000);
      const pgAfter = await postgresCounters(bench.system.databaseUrl);
      const perMessage = (k: keyof PostgresCounters): number => Math.round(((pgAfter[k] - pgBefore[k]) / Math.max(1, outcome.acknowledged)) * 10) / 10;
      const postgresPerMessage = { commits: perMessage('commits'), rowsReturned: perMessage('rowsReturned'), rowsFetched: perMessage('rowsFetched'), rowsInserted: perMessage('rowsInserted'), rowsUpdated: perMessage('rowsUpdated') };
      const why = judge(outcome);
      const step: CountedStep = { ...outcome, passed: why.length === 0, why, cpuPercentOfOneCore: share, postgresConnections: peakConnections, postgresPerMessage };
      steps.push(step);
      say(`    Postgres per message: ${JSON.stringify(postgresPerMessage)}`);
      say(
        `  ${rate}/s: acked ${step.acknowledged}/${step.sent}, visible ${step.visible}; ack p99 ${step.ack.p99Ms} ms; ` +
          `visible p50 ${step.visibleLatency.p50Ms} ms p99 ${step.visibleLatency.p99Ms} ms — ${step.passed ? 'ok' : why.join('; ')}`,
      );
      if (!step.passed && rate >= config.alwaysRunUpTo) break;
    }
    const seqScans = await seqScanLeaders(bench.system.databaseUrl);
    say(`  most sequentially read tables: ${seqScans.map((t) => `${t.table} ${t.seqScans} scans/${t.seqRowsRead} rows`).join(', ')}`);
    const sustainedPerS = Math.max(0, ...steps.filter((s) => s.passed).map((s) => s.ratePerS));
    const s500 = steps.find((s) => s.ratePerS === 500);

    say(`outbound: accepting ${config.replies + config.saturationConversations} conversations`);
    const outbound = new OutboundLoad(bench.vk, bench.operator);
    const pool = conversations.slice(-(config.replies + config.saturationConversations));
    if (pool.length < config.replies + config.saturationConversations) throw new Error(`only ${pool.length} conversations opened; lower BENCH_REPLIES / BENCH_SATURATION_CONVERSATIONS`);
    await outbound.accept(pool);
    say(`outbound: ${config.replies} replies at ${config.replyRate}/s`);
    const latency = await outbound.replyLatency(pool.slice(0, config.replies), config.replyRate, 60_000);
    say(`outbound: ${config.saturationConversations} × ${config.saturationRepliesPerConversation} replies at once`);
    const saturation = await outbound.saturation(
      pool.slice(config.replies),
      config.saturationRepliesPerConversation,
      ((config.saturationConversations * config.saturationRepliesPerConversation) / 20) * 1000 * 3 + 30_000,
    );
    rss.stop();

    const connections = Math.max(1, ...steps.map((s) => s.postgresConnections));
    say(`baselines: raw INSERT over ${connections} connections, JetStream publish × ${config.baselinePublishers}`);
    const rawInsert = await rawInsertBaseline(bench.system.databaseUrl, connections, 1, config.baselineS);
    const publish = await jetStreamPublishBaseline(bench.system.natsUrl, config.baselinePublishers, 1024, 1, config.baselineS);
    await live.close();
    load.close();

    const report: Report = {
      benchmark: 'system',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        ...machineInfo(),
        localNats: bench.system.infra.nats !== undefined,
        embeddedPostgres: bench.system.infra.postgres !== undefined,
      },
      config: { ...config, natsUrl: config.natsUrl ? '(set)' : undefined, databaseUrl: config.databaseUrl ? '(set)' : undefined },
      targets: TARGETS,
      inbound: {
        warmup,
        idleCpuPercentOfOneCore: idleCpu,
        steps,
        sustainedPerS,
        ...(s500
          ? {
              at500: {
                ackP99Ms: s500.ack.p99Ms,
                visibleP50Ms: s500.visibleLatency.p50Ms,
                visibleP99Ms: s500.visibleLatency.p99Ms,
                meets: s500.ack.p99Ms < TARGETS.ackP99Ms && s500.visibleLatency.p50Ms < TARGETS.visibleP50Ms && s500.visibleLatency.p99Ms < TARGETS.visibleP99Ms,
              },
            }
          : {}),
      },
      outbound: { latency, saturation },
      postgresSeqScanLeaders: seqScans,
      rss: rss.figures(),
      baselines: {
        results: [rawInsert, publish],
        ratios: {
          inboundVsRawInsert: Math.round((sustainedPerS / rawInsert.ratePerS) * 1000) / 1000,
          inboundVsJetStreamPublish: Math.round((sustainedPerS / publish.ratePerS) * 1000) / 1000,
        },
      },
      ...(config.cpuProfile.length > 0 ? { cpuProfiles: path.relative(repoRoot, profileDir) } : {}),
    };
    printReport(report);
    const dir = path.join(repoRoot, 'bench/results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    say(`\nwrote ${path.relative(process.cwd(), file)}`);
  } finally {
    say('stopping the system');
    await bench.stop({ keepState: config.keepState });
    if (config.cpuProfile.length > 0) say(`CPU profiles (written at graceful stop): ${path.relative(process.cwd(), profileDir)} — summarise with npm run bench:profile -- <file>`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
