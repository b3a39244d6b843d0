import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VkFake } from '@parley/testing';
import { ConsoleApiClient, freeSystemPorts, startSystem, type RunningSystem, type SystemProcessName } from '@parley/tools';

/** The repository root, seen from the compiled file (dist/bench/lib/bench-system.js). */
export const repoRoot = path.resolve(__dirname, '../../..');

export const BENCH_GROUP_ID = 230_000_001;
const TOKEN = 'vk1.a.bench-community-token';
const SECRET = 'bench-callback-secret';
const CONFIRMATION = 'bench-confirm';
const ADMIN = { email: 'admin@bench.parley', password: 'bench-admin-password' };
const OPERATOR = { email: 'operator@bench.parley', name: 'Bench Operator', password: 'bench-operator-password' };

export interface BenchSystemOptions {
  /** A name for the temp state dir and the log (`bench`, `chaos`). */
  name: string;
  /** Use this NATS / Postgres instead of the local ones `npm run up` starts (BENCH_NATS_URL / BENCH_DATABASE_URL). */
  natsUrl?: string;
  databaseUrl?: string;
  /** Extra environment per process (e.g. `NODE_OPTIONS=--cpu-prof` for a profiled service). */
  extraEnv?: Partial<Record<SystemProcessName, Record<string, string>>>;
  /** Extra Node flags per process (`--cpu-prof` for a profiled service). */
  nodeArgs?: Partial<Record<SystemProcessName, string[]>>;
  /** VK fake options: the callback retry policy (chaos retries until acknowledged). */
  callbackRetry?: { maxRetries?: number; delayMs?: number; timeoutMs?: number; maxRetryAfterMs?: number };
  /** Called when a process dies that nobody killed on purpose. */
  onProcessExit?(name: string, code: number | null, signal: NodeJS.Signals | null): void;
  /** One line of progress for the console. */
  say(line: string): void;
}

/** The system under test, provisioned: one line, one operator in it, one VK community connected to it. */
export interface BenchSystem {
  system: RunningSystem;
  vk: VkFake;
  admin: ConsoleApiClient;
  operator: ConsoleApiClient;
  operatorId: string;
  lineId: string;
  channelId: string;
  groupId: number;
  token: string;
  webhookUrl: string;
  /** The file every process writes its output to. */
  logFile: string;
  stateDir: string;
  stop(options?: { keepState?: boolean }): Promise<void>;
}

/**
 * Starts Parley the way `npm run up` does (tools/up `startSystem`: a local nats-server and embedded Postgres unless
 * URLs are given, every service as its own process from dist/), with the VK fake of libs/testing standing in for
 * VK in this process, on free ports; then provisions through the console API what a load needs.
 */
export async function startBenchSystem(options: BenchSystemOptions): Promise<BenchSystem> {
  const stateDir = await mkdtemp(path.join(tmpdir(), `parley-${options.name}-`));
  // The embedded Postgres runs as the `postgres` user when we are root: it must be able to reach its data dir.
  await chmod(stateDir, 0o755);
  const logFile = path.join(stateDir, 'system.log');
  const log: WriteStream = createWriteStream(logFile);
  const vk = await VkFake.start({ callbackRetry: { maxRetries: 0, timeoutMs: 30_000, ...options.callbackRetry } });
  const ports = await freeSystemPorts({ infra: true });
  options.say(`starting the system (state and logs in ${stateDir})`);
  let system: RunningSystem;
  try {
    system = await startSystem({
      root: repoRoot,
      stateDir,
      ports,
      vkApiUrl: vk.apiUrl,
      ...(options.natsUrl ? { natsUrl: options.natsUrl } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      // gateway-telegram and gateway-viber run but no bot is connected: unused API bases, so the sandbox is not started either.
      env: { PARLEY_ADMIN_EMAIL: ADMIN.email, PARLEY_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn', TELEGRAM_API_URL: 'http://127.0.0.1:9', VIBER_API_URL: 'http://127.0.0.1:9' },
      ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      readyTimeoutMs: 180_000,
      write: (line) => log.write(`${line}\n`),
      onProcessExit: (name, code, signal) => {
        log.write(`!!! ${name} exited (${signal ?? code})\n`);
        options.onProcessExit?.(name, code, signal);
      },
    });
  } catch (err) {
    await vk.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)} (see ${logFile})`);
  }
  if (system.skipped.length > 0) {
    await system.stop();
    await vk.stop();
    throw new Error(`not built: ${system.skipped.join(', ')} — run the build first (npm run bench builds)`);
  }

  vk.addCommunity({ id: BENCH_GROUP_ID, name: 'Bench shop', token: TOKEN, secret: SECRET, confirmation: CONFIRMATION });
  const admin = await new ConsoleApiClient(system.consoleApiUrl).login(ADMIN.email, ADMIN.password);
  const op = await admin.expect<{ id: string }>(201, 'POST', '/api/operators', { ...OPERATOR, role: 'operator' });
  const operator = await new ConsoleApiClient(system.consoleApiUrl).login(OPERATOR.email, OPERATOR.password);
  const line = await admin.expect<{ id: string }>(201, 'POST', '/api/lines', { name: 'Bench line', sessionRule: { mode: 'reopen' } });
  await admin.expect(200, 'PUT', `/api/lines/${line.id}/members`, { operatorIds: [op.id] });
  const channel = await admin.expect<{ id: string; webhookUrl: string }>(201, 'POST', `/api/lines/${line.id}/channels`, {
    type: 'vk',
    name: 'Bench community',
    settings: { groupId: String(BENCH_GROUP_ID), confirmation: CONFIRMATION, secret: SECRET, token: TOKEN },
  });
  vk.setCallbackUrl(BENCH_GROUP_ID, channel.webhookUrl);
  const confirmed = await vk.confirm(BENCH_GROUP_ID);
  if (!confirmed.ok) throw new Error(`the gateway did not confirm the callback server: ${confirmed.status} ${confirmed.body}`);

  let stopped = false;
  return {
    system,
    vk,
    admin,
    operator,
    operatorId: op.id,
    lineId: line.id,
    channelId: channel.id,
    groupId: BENCH_GROUP_ID,
    token: TOKEN,
    webhookUrl: channel.webhookUrl,
    logFile,
    stateDir,
    async stop(stopOptions = {}) {
      if (stopped) return;
      stopped = true;
      await system.stop();
      await vk.stop();
      await new Promise<void>((resolve) => log.end(() => resolve()));
      if (!stopOptions.keepState) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc), or undefined when it is gone. */
export async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a positive number from the environment, with a default; a bad value stops the run with its name. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** A comma-separated list of positive numbers from the environment. */
export function envNumbers(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers, got "${raw}"`);
  return values;
}
