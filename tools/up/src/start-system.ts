import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { provisionStreams, MessagingConnection, type MessagingLogger } from '@parley/messaging';
import { freePort } from '@parley/testing';
import { startLocalInfra, type LocalInfra } from './local-infra';
import { loadLocalSecrets, type LocalSecrets } from './local-secrets';
import { chooseMessengerApis, describeMessengerApi, isUnusedSandbox, messengerApiEnv, type MessengerApiChoice } from './messenger-apis';
import { ServiceProcess, type ServiceSpec } from './service-process';

/** The HTTP port of every process of the system (docs/engineering/service-conventions.md). */
export interface SystemPorts {
  consoleApi: number;
  gatewayVk: number;
  gatewayTelegram: number;
  gatewayViber: number;
  conversationService: number;
  contactService: number;
  routingService: number;
  outboundDispatcher: number;
  /** The messenger sandbox (fake VK API, Telegram Bot API and Viber REST Bot API + customer pages). */
  sandbox: number;
  /** Local nats-server (only when no NATS URL is given). */
  nats: number;
  /** Embedded Postgres (only when no database URL is given). */
  postgres: number;
}

export const DEFAULT_PORTS: SystemPorts = {
  consoleApi: 3000,
  gatewayVk: 3101,
  conversationService: 3102,
  contactService: 3103,
  routingService: 3104,
  outboundDispatcher: 3105,
  gatewayTelegram: 3106,
  gatewayViber: 3107,
  sandbox: 3200,
  nats: 14222,
  postgres: 15432,
};

/**
 * Free ports for every service (and, with `infra`, for the local nats-server and Postgres), so that a test or a
 * benchmark can run the system beside `npm run up`.
 */
export async function freeSystemPorts(options: { infra?: boolean } = {}): Promise<Partial<SystemPorts>> {
  const ports: Partial<SystemPorts> = {
    consoleApi: await freePort(),
    gatewayVk: await freePort(),
    gatewayTelegram: await freePort(),
    gatewayViber: await freePort(),
    conversationService: await freePort(),
    contactService: await freePort(),
    routingService: await freePort(),
    outboundDispatcher: await freePort(),
  };
  if (options.infra) {
    ports.nats = await freePort();
    ports.postgres = await freePort();
  }
  return ports;
}

export interface StartSystemOptions {
  /** Repository root (where `node_modules` and the build output live). */
  root: string;
  /** Where local secrets, the local NATS store, the embedded Postgres and the sandbox state live. */
  stateDir: string;
  /** Directory of the compiled apps and tools (default `<root>/dist`). */
  distDir?: string;
  ports?: Partial<SystemPorts>;
  /** Use this NATS instead of starting a local nats-server. */
  natsUrl?: string;
  /** Use this Postgres database instead of starting an embedded one. */
  databaseUrl?: string;
  /** The VK API the gateway calls; wins over `env.VK_API_URL` (a test brings its own VK fake). */
  vkApiUrl?: string;
  /**
   * Variables for the secrets (PARLEY_SECRET_KEY, PARLEY_AUTH_SECRET, PARLEY_ADMIN_EMAIL/PASSWORD), LOG_LEVEL,
   * PUBLIC_WEBHOOK_BASE_URL (default http://localhost:<gateway port>), and the messenger API bases (VK_API_URL, …, see messenger-apis.ts): a base that is set goes to its gateway and that
   * messenger's sandbox is not started; unset, the gateway talks to the sandbox's fake.
   */
  env?: NodeJS.ProcessEnv;
  /** Extra variables per process name (e.g. shorter retry delays in a test). */
  extraEnv?: Partial<Record<SystemProcessName, Record<string, string>>>;
  /** Extra Node flags per process name (e.g. `--cpu-prof` for the benchmark's profile). */
  nodeArgs?: Partial<Record<SystemProcessName, string[]>>;
  /** Wait until every process answers its readiness probe (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** Output of the launcher and of every process (one line each, prefixed with the process name). */
  write(line: string): void;
  /** Called when a process dies on its own (the system is then incomplete). */
  onProcessExit?(name: string, code: number | null, signal: NodeJS.Signals | null): void;
}

export type SystemProcessName =
  | 'sandbox'
  | 'routing-service'
  | 'contact-service'
  | 'conversation-service'
  | 'gateway-vk'
  | 'gateway-telegram'
  | 'gateway-viber'
  | 'outbound-dispatcher'
  | 'console-api';

export interface RunningSystem {
  natsUrl: string;
  databaseUrl: string;
  consoleApiUrl: string;
  /** Base of the webhook URLs the gateway shows (`<base>/webhooks/vk/<channelId>`). */
  webhookBaseUrl: string;
  vkApiUrl: string;
  /** The API base each messenger's gateway was given, and whether it is its sandbox. */
  messengerApis: MessengerApiChoice[];
  /** The sandbox page, when the sandbox runs. */
  sandboxUrl?: string;
  secrets: LocalSecrets;
  ports: SystemPorts;
  /** Names of the apps that were started (an app not built yet is skipped and reported). */
  started: SystemProcessName[];
  skipped: SystemProcessName[];
  /** The running processes by name (pid for RSS sampling; kill/start for the chaos run). */
  processes: ReadonlyMap<SystemProcessName, ServiceProcess>;
  /** The local NATS and Postgres, when this function started them (restartable for the chaos run). */
  infra: LocalInfra;
  /**
   * Kills one process with `signal` (default SIGKILL: a crash, no graceful shutdown), starts it again with the same
   * environment and waits until it answers its readiness probe.
   */
  restart(name: SystemProcessName, options?: { signal?: NodeJS.Signals; readyTimeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

interface ProcessEntry {
  name: SystemProcessName;
  /** Compiled entry point relative to the dist directory. */
  entry: string;
  port: (p: SystemPorts) => number;
  /** The path answering 200 when the process is ready. */
  readyPath: string;
  env: (ctx: EnvContext) => Record<string, string>;
}

interface EnvContext {
  secrets: LocalSecrets;
  ports: SystemPorts;
  webhookBaseUrl: string;
  /** gateway-telegram registers `<base>/webhooks/telegram/<id>` with setWebhook itself. */
  telegramWebhookBaseUrl: string;
  /** gateway-viber registers `<base>/webhooks/viber/<id>` with set_webhook and serves signed media links under it. */
  viberWebhookBaseUrl: string;
  stateDir: string;
  distDir: string;
}

/**
 * Every process of the system, in start order: the sandbox first (the gateway checks tokens against its VK API),
 * then the services, console-api last.
 */
const processes: ProcessEntry[] = [
  {
    name: 'sandbox',
    entry: 'tools/sandbox/src/main.js',
    port: (p) => p.sandbox,
    readyPath: '/sandbox/api/state',
    env: ({ ports, stateDir }) => ({
      SANDBOX_STATE_FILE: path.join(stateDir, 'sandbox.json'),
      SANDBOX_DEFAULT_WEBHOOK_BASE_URL: `http://localhost:${ports.gatewayVk}`,
    }),
  },
  { name: 'routing-service', entry: 'apps/routing-service/src/main.js', port: (p) => p.routingService, readyPath: '/health/ready', env: () => ({}) },
  { name: 'contact-service', entry: 'apps/contact-service/src/main.js', port: (p) => p.contactService, readyPath: '/health/ready', env: () => ({}) },
  {
    name: 'conversation-service',
    entry: 'apps/conversation-service/src/main.js',
    port: (p) => p.conversationService,
    readyPath: '/health/ready',
    env: () => ({}),
  },
  {
    name: 'gateway-vk',
    entry: 'apps/gateway-vk/src/main.js',
    port: (p) => p.gatewayVk,
    readyPath: '/health/ready',
    env: ({ secrets, webhookBaseUrl }) => ({ PARLEY_SECRET_KEY: secrets.secretKey, PUBLIC_WEBHOOK_BASE_URL: webhookBaseUrl }),
  },
  {
    name: 'gateway-telegram',
    entry: 'apps/gateway-telegram/src/main.js',
    port: (p) => p.gatewayTelegram,
    readyPath: '/health/ready',
    env: ({ secrets, telegramWebhookBaseUrl }) => ({ PARLEY_SECRET_KEY: secrets.secretKey, PUBLIC_WEBHOOK_BASE_URL: telegramWebhookBaseUrl }),
  },
  {
    name: 'gateway-viber',
    entry: 'apps/gateway-viber/src/main.js',
    port: (p) => p.gatewayViber,
    readyPath: '/health/ready',
    env: ({ secrets, viberWebhookBaseUrl }) => ({ PARLEY_SECRET_KEY: secrets.secretKey, PUBLIC_WEBHOOK_BASE_URL: viberWebhookBaseUrl }),
  },
  {
    name: 'outbound-dispatcher',
    entry: 'apps/outbound-dispatcher/src/main.js',
    port: (p) => p.outboundDispatcher,
    readyPath: '/health/ready',
    env: () => ({}),
  },
  {
    name: 'console-api',
    entry: 'apps/console-api/src/main.js',
    port: (p) => p.consoleApi,
    readyPath: '/health/ready',
    env: ({ secrets, distDir }) => ({
      PARLEY_AUTH_SECRET: secrets.authSecret,
      PARLEY_ADMIN_EMAIL: secrets.adminEmail,
      PARLEY_ADMIN_PASSWORD: secrets.adminPassword,
      CONSOLE_STATIC_DIR: path.join(distDir, 'apps/console'),
    }),
  },
];

const silentLogger: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function provision(natsUrl: string, log: (line: string) => void): Promise<void> {
  const logger: MessagingLogger = { ...silentLogger, warn: (msg) => log(`warning: ${msg}`), error: (msg) => log(`error: ${msg}`) };
  const connection = await MessagingConnection.connect({ serviceName: 'parley-up', servers: natsUrl, logger });
  try {
    await provisionStreams(await jetstreamManager(connection.nc), logger);
  } finally {
    await connection.drain();
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts the whole system: NATS and Postgres (given or local), the JetStream streams, then the sandbox and every
 * built service as its own process from the dist directory, and (by default) waits until each one is ready.
 * `npm run up` and the system test both start Parley through this function.
 */
export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  const ports: SystemPorts = { ...DEFAULT_PORTS, ...options.ports };
  const distDir = options.distDir ?? path.join(options.root, 'dist');
  const env = options.env ?? {};
  const say = (line: string): void => options.write(`${'up'.padEnd(21)}| ${line}`);
  const apis = chooseMessengerApis({ ...env, ...(options.vkApiUrl === undefined ? {} : { VK_API_URL: options.vkApiUrl }) }, ports);
  for (const api of apis) say(describeMessengerApi(api));
  await mkdir(options.stateDir, { recursive: true });

  const infra: LocalInfra = await startLocalInfra({
    stateDir: options.stateDir,
    ...(options.natsUrl === undefined ? {} : { natsUrl: options.natsUrl }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    natsPort: ports.nats,
    postgresPort: ports.postgres,
    log: say,
  });
  const services: ServiceProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const service of [...services].reverse()) await service.stop();
    await infra.stop();
  };

  try {
    await provision(infra.natsUrl, say);
    say('JetStream streams provisioned');
    const secrets = await loadLocalSecrets(options.stateDir, env);
    const withSandbox = !isUnusedSandbox(apis, 'sandbox');
    const vkApiUrl = messengerApiEnv(apis, 'gateway-vk')['VK_API_URL'] ?? '';
    // A real messenger must reach the webhooks: PUBLIC_WEBHOOK_BASE_URL (e.g. a tunnel) is passed on when set.
    const webhookBaseUrl = env['PUBLIC_WEBHOOK_BASE_URL'] || `http://localhost:${ports.gatewayVk}`;
    // Behind one public base (an ingress or a tunnel routing /webhooks/<type>/ by path) the gateways share it.
    const telegramWebhookBaseUrl = env['PUBLIC_WEBHOOK_BASE_URL'] || `http://localhost:${ports.gatewayTelegram}`;
    const viberWebhookBaseUrl = env['PUBLIC_WEBHOOK_BASE_URL'] || `http://localhost:${ports.gatewayViber}`;
    const ctx: EnvContext = { secrets, ports, webhookBaseUrl, telegramWebhookBaseUrl, viberWebhookBaseUrl, stateDir: options.stateDir, distDir };
    const common: Record<string, string> = {
      NATS_URL: infra.natsUrl,
      DATABASE_URL: infra.databaseUrl,
      LOG_LEVEL: env['LOG_LEVEL'] ?? 'info',
    };
    const started: SystemProcessName[] = [];
    const skipped: SystemProcessName[] = [];
    const readyChecks: Array<{ name: string; url: string; service: ServiceProcess }> = [];
    const byName = new Map<SystemProcessName, ServiceProcess>();
    for (const entry of processes) {
      if (isUnusedSandbox(apis, entry.name)) continue;
      const file = path.join(distDir, entry.entry);
      if (!existsSync(file)) {
        say(`${entry.name} is not built (no ${path.relative(options.root, file)}); skipping it`);
        skipped.push(entry.name);
        continue;
      }
      const port = entry.port(ports);
      const spec: ServiceSpec = {
        name: entry.name,
        entry: file,
        env: { ...common, PORT: String(port), ...entry.env(ctx), ...messengerApiEnv(apis, entry.name), ...(options.extraEnv?.[entry.name] ?? {}) },
        ...(options.nodeArgs?.[entry.name] ? { nodeArgs: options.nodeArgs[entry.name] } : {}),
      };
      const service = new ServiceProcess(spec, options.root, options.write, (name, code, signal) => {
        if (!stopped) options.onProcessExit?.(name, code, signal);
      });
      service.start();
      services.push(service);
      byName.set(entry.name, service);
      started.push(entry.name);
      readyChecks.push({ name: entry.name, url: `http://127.0.0.1:${port}${entry.readyPath}`, service });
      // The gateway checks tokens against the sandbox's VK API: start the services once the sandbox answers.
      if (entry.name === 'sandbox') await waitReady([readyChecks[readyChecks.length - 1]!], options.readyTimeoutMs ?? 60_000);
    }
    if (options.waitReady !== false) await waitReady(readyChecks, options.readyTimeoutMs ?? 120_000);

    return {
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      consoleApiUrl: `http://localhost:${ports.consoleApi}`,
      webhookBaseUrl,
      vkApiUrl,
      messengerApis: apis,
      ...(withSandbox ? { sandboxUrl: `http://localhost:${ports.sandbox}/` } : {}),
      secrets,
      ports,
      started,
      skipped,
      processes: byName,
      infra,
      async restart(name, restartOptions = {}) {
        const check = readyChecks.find((c) => c.name === name);
        if (!check) throw new Error(`${name} is not running in this system`);
        await check.service.kill(restartOptions.signal ?? 'SIGKILL');
        check.service.start();
        await waitReady([check], restartOptions.readyTimeoutMs ?? 120_000);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitReady(checks: Array<{ name: string; url: string; service: ServiceProcess }>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(checks);
  while (pending.size > 0) {
    for (const check of [...pending]) {
      if (check.service.exited) throw new Error(`${check.name} exited while starting (see its output above)`);
      if (await isReady(check.url)) pending.delete(check);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${timeoutMs} ms: ${[...pending].map((c) => `${c.name} (${c.url})`).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
