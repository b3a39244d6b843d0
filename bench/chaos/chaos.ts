// Chaos run (issue 4): customers write to a VK community at a steady rate while an operator bot answers every
// conversation through console-api, and meanwhile every service is killed with SIGKILL in turn (and started again),
// nats-server is restarted once and Postgres once. Then four records are compared message by message: webhooks
// Parley acknowledged, the event store, the conversation logs of console-api, and what VK received. Exit 0 when no
// message was lost or duplicated, 1 when one was, 2 when the harness itself failed. `npm run chaos`; how to read
// the output: bench/README.md. Not a test: it runs the real system from dist/, like `npm run up`.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { repoRoot, startBenchSystem, type BenchSystem } from '../lib/bench-system';
import { chaosConfigFromEnv, type ChaosConfig } from './chaos-config';
import { CustomerLoad } from './customer-load';
import { runDisruptions, seconds, type DisruptionRecord } from './disruptions';
import { Markers } from './markers';
import { OperatorBot } from './operator-bot';
import { replayWebhooks, type ReplayOutcome } from './replay';
import {
  compareRecords,
  readBroker,
  readCheckpoints,
  readConsole,
  readEventStore,
  readVk,
  readWebhooks,
  totals,
  type BrokerState,
  type Comparison,
  type ConsoleRecord,
  type EventStoreRecord,
  type Row,
} from './records';

const processStart = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[chaos ${seconds(Date.now() - processStart).padStart(7)}] ${line}\n`);
};

interface UnexpectedExit {
  name: string;
  code: number | null;
  signal: string | null;
  atMs: number;
  restarted: boolean;
  error?: string;
}

interface SettleOutcome {
  settled: boolean;
  durationMs: number;
  /** What was still outstanding when the deadline passed (empty when settled). */
  outstanding: string[];
  eventStore: EventStoreRecord;
  broker?: BrokerState;
}

async function main(): Promise<number> {
  const config = chaosConfigFromEnv();
  const markers = new Markers(randomBytes(4).toString('hex'));
  const loadDurationMs = (config.messages / config.rate) * 1000;
  say(
    `${config.messages} messages from ${config.customers} customers at ${config.rate}/s (~${seconds(loadDurationMs)}), ` +
      `disruptions: ${config.disruptions.length > 0 ? config.disruptions.join(', ') : 'none'}; run tag ${markers.run}`,
  );

  const unexpectedExits: UnexpectedExit[] = [];
  let bench: BenchSystem | undefined;
  let load: CustomerLoad | undefined;
  const onProcessExit = (name: string, code: number | null, signal: NodeJS.Signals | null): void => {
    // A service that dies on its own is a finding; like an orchestrator would, start it again.
    const exit: UnexpectedExit = { name, code, signal, atMs: load?.elapsedMs() ?? 0, restarted: false };
    unexpectedExits.push(exit);
    say(`!!! ${name} died on its own (${signal ?? `exit ${code}`}); starting it again`);
    const system = bench?.system;
    const service = system ? [...system.processes.keys()].find((n) => n === name) : undefined;
    if (!system || !service) return;
    system.restart(service).then(
      () => {
        exit.restarted = true;
      },
      (err: unknown) => {
        exit.error = err instanceof Error ? err.message : String(err);
      },
    );
  };

  try {
    bench = await startBenchSystem({
      name: 'chaos',
      // VK keeps retrying an unacknowledged webhook; here until the run ends (the harness decides when to stop).
      callbackRetry: { maxRetries: 1_000_000, delayMs: config.callbackRetryMs, timeoutMs: 10_000, maxRetryAfterMs: 5_000 },
      onProcessExit,
      say,
    });
  } catch (err) {
    say(`harness failure: the system did not start: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const b = bench;
  b.vk.setRateLimit({ perSecond: 20, enforce: config.enforceRateLimit });
  say(`system up (log: ${b.logFile}); line ${b.lineId}, channel ${b.channelId}`);

  const token = b.operator.token;
  if (!token) throw new Error('the operator client has no token');
  const bot = new OperatorBot(b.operator, token, b.lineId, markers, config.botConcurrency, say);
  let exitCode = 2;
  try {
    await bot.start();
    load = new CustomerLoad(b.vk, b.groupId, markers, config);
    const l = load;
    // The VK fake, the load and the bot share this process: a starved event loop delays when the fake sees calls.
    const harnessLag = monitorEventLoopDelay({ resolution: 20 });
    harnessLag.enable();
    const stalls: string[] = [];
    let tick = Date.now();
    const stallWatch = setInterval(() => {
      const late = Date.now() - tick - 500;
      tick = Date.now();
      if (late > 2_000) stalls.push(`t=${seconds(l.elapsedMs() - late)} ${seconds(late)}`);
    }, 500);
    const progress = setInterval(() => {
      const vk = readVk(b.vk, b.groupId, b.token, markers);
      const replies = [...bot.replies.values()];
      say(
        `t=${seconds(l.elapsedMs())} written ${l.sent.length}, acknowledged ${l.acknowledged}, webhooks pending ${l.unacknowledged}; ` +
          `bot: ${bot.conversationIds.length} conversations, ${replies.filter((r) => r.accepted).length} replies accepted; VK stored ${vk.stored.size} replies`,
      );
    }, 10_000);
    let loadEndedMs = 0;
    const loadDone = l.start().then(() => {
      loadEndedMs = l.elapsedMs();
      say(`t=${seconds(loadEndedMs)} all ${config.messages} messages written`);
    });
    const disruptions = await runDisruptions(b.system, config.disruptions, loadDurationMs, () => l.elapsedMs(), say, config.infraDownS * 1000);
    await loadDone;
    const disruptionsEndedMs = l.elapsedMs();

    say(`waiting for the system to settle (deadline ${config.settleTimeoutS}s)`);
    let settle = await waitForSettled(b, l, bot, markers, config);
    say(settle.settled ? `settled after ${seconds(settle.durationMs)}` : `NOT settled after ${seconds(settle.durationMs)}: ${settle.outstanding.join('; ')}`);
    const customerDeliveries = b.vk.callbacks('message_new').length;
    let replay: ReplayOutcome | undefined;
    if (config.replay > 0 && settle.settled) {
      replay = await replayWebhooks(b.vk, b.groupId, markers, config.replay);
      say(
        `replayed ${replay.replayed} acknowledged webhooks (same event_id, ${replay.ageMinutes.min.toFixed(1)}–${replay.ageMinutes.max.toFixed(1)} min ` +
          `after their first delivery): ${replay.acknowledged} answered ok`,
      );
      const again = await waitForSettled(b, l, bot, markers, config);
      settle = { ...again, durationMs: settle.durationMs + again.durationMs };
      say(again.settled ? 'settled again after the replays' : `NOT settled after the replays: ${again.outstanding.join('; ')}`);
    }
    const consoleRecord = await readConsoleUntilComplete(b, l, bot, markers, settle.eventStore, config, settle.settled);
    clearInterval(progress);

    const webhooks = readWebhooks(b.vk, markers, customerDeliveries);
    const vk = readVk(b.vk, b.groupId, b.token, markers);
    const comparison = compareRecords({
      load: l,
      replies: bot.replies,
      live: { inbound: bot.liveInbound, outbound: bot.liveOutbound },
      webhooks,
      eventStore: settle.eventStore,
      console: consoleRecord,
      vk,
    });
    const botStats = bot.snapshot();
    await bot.stop();
    harnessLag.disable();
    clearInterval(stallWatch);
    const loadStartedAt = Date.now() - l.elapsedMs();
    const violationsAtS = summariseSeconds(vk.violationTimes.map((at) => (at - loadStartedAt) / 1000));
    const harness = {
      eventLoopDelayMaxMs: Math.round(harnessLag.max / 1e6),
      eventLoopDelayP99Ms: Math.round(harnessLag.percentile(99) / 1e6),
      stallsOver2s: stalls,
    };

    printReport(config, comparison, disruptions, unexpectedExits, settle, consoleRecord, replay, {
      loadMs: loadEndedMs,
      disruptionsEndedMs,
      totalMs: Date.now() - processStart,
      webhookAttempts: webhooks.attempts,
      failedWebhookAttempts: webhooks.failedAttempts,
      failedWebhooksByCause: webhooks.failedByCause,
      vkCalls: vk.totalCalls,
      vkCallsByMethod: vk.callsByMethod,
      rateLimitViolations: vk.rateLimitViolations,
      violationsAtS,
      harness,
      botStats,
    });

    const file = await writeResults({
      config,
      run: markers.run,
      machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
      durations: { loadMs: loadEndedMs, loadAndDisruptionsMs: disruptionsEndedMs, settleMs: settle.durationMs, totalMs: Date.now() - processStart },
      settled: settle.settled,
      outstanding: settle.outstanding,
      messages: {
        written: l.sent.length,
        acknowledged: l.acknowledged,
        webhookAttempts: webhooks.attempts,
        failedWebhookAttempts: webhooks.failedAttempts,
        failedWebhooksByCause: webhooks.failedByCause,
      },
      replies: { created: bot.replies.size, accepted: [...bot.replies.values()].filter((r) => r.accepted).length },
      inbound: comparison.inbound,
      outbound: comparison.outbound,
      verdict: { inbound: totals(comparison.inbound), outbound: totals(comparison.outbound), failed: comparison.failed },
      examples: comparison.examples,
      disruptions,
      unexpectedExits,
      replay,
      bot: botStats,
      vk: { messagesSendCalls: vk.totalCalls, rateLimitViolations: vk.rateLimitViolations, callsByMethod: vk.callsByMethod, violationsAtS },
      harness,
      broker: settle.broker,
      consoleUnreadable: consoleRecord.unreadable,
    });
    say(`results: ${path.relative(process.cwd(), file)}`);
    const replayRefused = replay ? replay.replayed - replay.acknowledged : 0;
    exitCode = comparison.failed || !settle.settled || replayRefused > 0 ? 1 : 0;
    return exitCode;
  } finally {
    await bot.stop().catch(() => undefined);
    const keep = config.keepState || exitCode !== 0;
    if (keep) say(`state and system log kept in ${b.stateDir}`);
    if (load && load.unacknowledged > 0) {
      // The fake would wait for deliveries that retry forever: stop the system only; the process exit ends the rest.
      await b.system.stop();
    } else {
      await b.stop({ keepState: keep });
    }
  }
}

/**
 * Polls every record until nothing is under way any more: every webhook acknowledged, every conversation answered,
 * every acknowledged message and every accepted reply in the event store with its outcome, every reply at VK,
 * JetStream consumers drained and the relay/projection checkpoints at the last event. No fixed sleeps: the state
 * is read again every second until it holds or the deadline passes.
 */
async function waitForSettled(b: BenchSystem, load: CustomerLoad, bot: OperatorBot, markers: Markers, config: ChaosConfig): Promise<SettleOutcome> {
  const started = Date.now();
  const deadline = started + config.settleTimeoutS * 1000;
  let lastReport = 0;
  let eventStore: EventStoreRecord | undefined;
  let broker: BrokerState | undefined;
  let outstanding: string[] = ['nothing read yet'];
  while (Date.now() < deadline) {
    outstanding = [];
    if (load.unacknowledged > 0) outstanding.push(`${load.unacknowledged} webhooks not acknowledged`);
    try {
      eventStore = await readEventStore(b.system.databaseUrl, markers);
      for (const id of eventStore.conversationIds) bot.discover(id);
      if (!bot.idle) outstanding.push('the operator bot is still answering');
      const acked = load.sent.filter((m) => m.acknowledgedAtMs !== undefined);
      const missingIn = acked.filter((m) => eventStore?.inbound.get(m.marker) === 0).length;
      if (missingIn > 0) outstanding.push(`${missingIn} acknowledged messages not in the event store`);
      const accepted = [...bot.replies.values()].filter((r) => r.accepted);
      const missingReq = accepted.filter((r) => eventStore?.replyRequested.get(r.marker) === 0).length;
      if (missingReq > 0) outstanding.push(`${missingReq} accepted replies without ReplyRequested`);
      const noOutcome = accepted.filter((r) => eventStore?.delivered.get(r.replyId) === 0 && eventStore.failed.get(r.replyId) === 0).length;
      if (noOutcome > 0) outstanding.push(`${noOutcome} replies without an outcome`);
      const vk = readVk(b.vk, b.groupId, b.token, markers);
      const notAtVk = accepted.filter((r) => vk.stored.get(r.marker) === 0).length;
      if (notAtVk > 0) outstanding.push(`${notAtVk} accepted replies not at VK`);
      const notLive = acked.filter((m) => bot.liveInbound.get(m.marker) === 0).length + accepted.filter((r) => bot.liveOutbound.get(r.marker) === 0).length;
      if (notLive > 0) outstanding.push(`${notLive} messages/replies not (yet) on the live socket`);
      if (outstanding.length === 0) {
        broker = await readBroker(b.system.natsUrl);
        if (broker.pending + broker.ackPending > 0) outstanding.push(`JetStream: ${broker.pending} pending, ${broker.ackPending} unacknowledged`);
        const { lastPosition, checkpoints } = await readCheckpoints(b.system.databaseUrl);
        const behind = Object.entries(checkpoints).filter(([, p]) => p < lastPosition);
        if (behind.length > 0) outstanding.push(`checkpoints behind ${lastPosition}: ${behind.map(([n, p]) => `${n}@${p}`).join(', ')}`);
      }
    } catch (err) {
      outstanding.push(`reading the records failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (outstanding.length === 0 && eventStore) return { settled: true, durationMs: Date.now() - started, outstanding, eventStore, ...(broker ? { broker } : {}) };
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      say(`settling: ${outstanding.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  eventStore ??= await readEventStore(b.system.databaseUrl, markers);
  // Not settled: still show what JetStream holds and what was dead-lettered (the usual reason for a loss).
  broker = await readBroker(b.system.natsUrl).catch(() => broker);
  return { settled: false, durationMs: Date.now() - started, outstanding, eventStore, ...(broker ? { broker } : {}) };
}

/**
 * Reads every conversation's messages through console-api. The read model may trail the event store by a moment,
 * so a read that misses messages is repeated (until the settle deadline) before it counts.
 */
async function readConsoleUntilComplete(
  b: BenchSystem,
  load: CustomerLoad,
  bot: OperatorBot,
  markers: Markers,
  eventStore: EventStoreRecord,
  config: ChaosConfig,
  settled: boolean,
): Promise<ConsoleRecord> {
  const ids = new Set([...eventStore.conversationIds, ...bot.conversationIds]);
  const deadline = Date.now() + (settled ? 60_000 : 0);
  for (;;) {
    const record = await readConsole(b.admin, ids, markers);
    const missingIn = load.sent.filter((m) => m.acknowledgedAtMs !== undefined && record.inbound.get(m.marker) === 0).length;
    const missingOut = [...bot.replies.values()].filter((r) => r.accepted && record.outbound.get(r.marker) === 0).length;
    const unread = record.unreadable.length;
    if ((missingIn === 0 && missingOut === 0 && unread === 0) || Date.now() >= deadline) {
      say(`console API: ${record.conversations} conversations read${unread > 0 ? `, ${unread} unreadable` : ''}`);
      return record;
    }
    say(`console API: ${missingIn} inbound and ${missingOut} replies not (yet) in the logs; reading again (config deadline ${config.settleTimeoutS}s)`);
  }
}

interface ReportExtras {
  loadMs: number;
  disruptionsEndedMs: number;
  totalMs: number;
  webhookAttempts: number;
  failedWebhookAttempts: number;
  failedWebhooksByCause: Record<string, number>;
  vkCalls: number;
  vkCallsByMethod: Record<string, number>;
  rateLimitViolations: number;
  /** Calls over 20/s per whole second of the load (`t=<s>: n`). */
  violationsAtS: Record<string, number>;
  harness: { eventLoopDelayMaxMs: number; eventLoopDelayP99Ms: number; stallsOver2s: string[] };
  botStats: ReturnType<OperatorBot['snapshot']>;
}

function printReport(
  config: ChaosConfig,
  comparison: Comparison,
  disruptions: DisruptionRecord[],
  exits: UnexpectedExit[],
  settle: SettleOutcome,
  consoleRecord: ConsoleRecord,
  replay: ReplayOutcome | undefined,
  extras: ReportExtras,
): void {
  const out: string[] = [''];
  out.push('disruptions (t = since the load started):');
  for (const d of disruptions) {
    out.push(`  t=${seconds(d.startedAtMs).padStart(7)}  ${d.target.padEnd(21)} ${d.action}${d.error ? `  FAILED: ${d.error}` : `, back after ${seconds(d.durationMs ?? 0)}`}`);
  }
  if (exits.length > 0) {
    out.push('services that died on their own (restarted by the harness):');
    for (const e of exits) out.push(`  t=${seconds(e.atMs).padStart(7)}  ${e.name} (${e.signal ?? `exit ${e.code}`})${e.error ? ` restart failed: ${e.error}` : ''}`);
  }
  const table = (title: string, rows: Row[]): void => {
    out.push('', title);
    out.push(`  ${'record'.padEnd(40)} ${'expected'.padStart(8)} ${'found'.padStart(8)} ${'lost'.padStart(6)} ${'dup'.padStart(6)}`);
    for (const r of rows) {
      const mark = r.counts && (r.lost > 0 || r.duplicated > 0) ? '  <-- ' : r.counts ? '' : '  (info)';
      out.push(`  ${r.record.padEnd(40)} ${String(r.expected).padStart(8)} ${String(r.found).padStart(8)} ${String(r.lost).padStart(6)} ${String(r.duplicated).padStart(6)}${mark}`);
    }
  };
  const replayed = replay
    ? `; then ${replay.replayed} acknowledged webhooks replayed ${replay.ageMinutes.min.toFixed(1)}–${replay.ageMinutes.max.toFixed(1)} min later, ${replay.acknowledged} answered ok`
    : '';
  table(`inbound (customer messages; written ${config.messages}${replayed})`, comparison.inbound);
  table('outbound (operator replies accepted by console-api)', comparison.outbound);
  for (const [what, list] of Object.entries(comparison.examples)) out.push(`  e.g. ${what}: ${list.slice(0, 8).join(', ')}`);
  const inT = totals(comparison.inbound);
  const outT = totals(comparison.outbound);
  const bot = extras.botStats;
  out.push('');
  const causes = Object.entries(extras.failedWebhooksByCause).map(([k, v]) => `${k}×${v}`).join(', ');
  out.push(`webhook deliveries ${extras.webhookAttempts} (${extras.failedWebhookAttempts} not ok, retried${causes ? `: ${causes}` : ''})`);
  const methods = Object.entries(extras.vkCallsByMethod).map(([k, v]) => `${k}×${v}`).join(', ');
  out.push(`VK API calls with the community token: ${methods}; over 20 req/s: ${extras.rateLimitViolations}`);
  const at = Object.entries(extras.violationsAtS).map(([t, n]) => `${t}×${n}`).join(', ');
  if (at) out.push(`  over 20 req/s at (as the fake saw them): ${at}`);
  out.push(`harness event loop (VK fake, load, bot): delay p99 ${extras.harness.eventLoopDelayP99Ms} ms, max ${extras.harness.eventLoopDelayMaxMs} ms`);
  if (extras.harness.stallsOver2s.length > 0) out.push(`  harness stalled (start, length): ${extras.harness.stallsOver2s.join(', ')}`);
  out.push(
    `operator bot: ${bot.conversations} conversations (${bot.neverSeenLive} never shown by the live socket), live reconnects ${bot.liveReconnects}, ` +
      `accept requests ${bot.acceptAttempts}, reply requests ${bot.replyAttempts}, gave up ${bot.givenUp.length}`,
  );
  const retried = Object.entries(bot.retriedErrors).map(([k, v]) => `${k}×${v}`).join(', ');
  if (retried) out.push(`  retried after: ${retried}`);
  if (settle.broker && settle.broker.deadLetters > 0) {
    const bySubject = Object.entries(settle.broker.deadLettersBySubject).map(([k, v]) => `${k.replace(/^parley\.dlq\./, '')}×${v}`).join(', ');
    out.push(`DEAD LETTERS in PARLEY_DLQ: ${settle.broker.deadLetters} (${bySubject}) — messages a consumer gave up on`);
  }
  if (consoleRecord.unreadable.length > 0) out.push(`conversations console-api could not show: ${consoleRecord.unreadable.length}`);
  out.push(`load ${seconds(extras.loadMs)}, last disruption over at ${seconds(extras.disruptionsEndedMs)}, settle ${seconds(settle.durationMs)}${settle.settled ? '' : ' (NOT settled)'}, total ${seconds(extras.totalMs)}`);
  out.push('');
  out.push(`INBOUND  lost ${inT.lost}  duplicated ${inT.duplicated}`);
  out.push(`OUTBOUND lost ${outT.lost}  duplicated ${outT.duplicated}`);
  out.push(`disruptions ${disruptions.length} (${disruptions.filter((d) => d.error).length} failed), services died on their own ${exits.length}`);
  const replayRefused = replay ? replay.replayed - replay.acknowledged : 0;
  if (replayRefused > 0) out.push(`REPLAYS NOT ACKNOWLEDGED: ${replayRefused} (VK would keep sending them)`);
  out.push(comparison.failed || !settle.settled || replayRefused > 0 ? 'RESULT: FAIL' : 'RESULT: PASS');
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Counts per whole second: `{ "t=12s": 3 }`. */
function summariseSeconds(times: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of times) {
    const key = `t=${Math.floor(t)}s`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

async function writeResults(result: Record<string, unknown>): Promise<string> {
  const dir = path.join(repoRoot, 'bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date(processStart).toISOString().replace(/[:.]/g, '-')}-chaos.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`harness failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
