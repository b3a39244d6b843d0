import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface NatsServerOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** JetStream store directory; a new temp dir when omitted (removed by `stop`). */
  storeDir?: string;
  /** Extra command-line arguments. */
  args?: string[];
}

const candidates = [process.env['NATS_SERVER_BIN'], '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** Finds the nats-server binary: `NATS_SERVER_BIN`, the Debian paths, then `PATH`. */
export function natsServerBinary(): string {
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const full = path.join(dir, 'nats-server');
    if (dir && existsSync(full)) return full;
  }
  throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
}

/**
 * A throwaway `nats-server -js` on 127.0.0.1 with its own store directory. `restart()` keeps the port and the
 * store, as a real server restart does; `kill()` is an unclean stop (SIGKILL).
 */
export class NatsServer {
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly ownsStoreDir: boolean,
    private readonly extraArgs: string[],
  ) {}

  /** The pid of the running server process (undefined before start or after it exited). */
  get pid(): number | undefined {
    const child = this.process;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const storeDir = options.storeDir ?? (await mkdtemp(path.join(tmpdir(), 'parley-nats-')));
    for (let attempt = 0; ; attempt++) {
      const server = new NatsServer(options.port ?? (await freePort()), storeDir, !options.storeDir, options.args ?? []);
      try {
        await server.launch();
        return server;
      } catch (err) {
        if (options.port !== undefined || attempt >= 4) throw err;
      }
    }
  }

  private launch(): Promise<void> {
    this.output = '';
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir, ...this.extraArgs];
    const child = spawn(natsServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString('utf8');
        if (this.output.includes('Server is ready')) {
          child.stderr?.off('data', onData);
          child.stdout?.off('data', onData);
          // Keep draining so a chatty server never blocks on a full pipe.
          child.stderr?.resume();
          child.stdout?.resume();
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null): void => {
        reject(new Error(`nats-server exited with ${code} before it was ready:\n${this.output.slice(-2000)}`));
      };
      child.stderr?.on('data', onData);
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', reject);
    });
  }

  /** Stops the server cleanly (SIGTERM) and waits for it to exit. */
  async shutdown(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Kills the server without letting it flush (SIGKILL). */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Starts the server again on the same port with the same store; `downMs` keeps it stopped that long first. */
  async restart(options: { downMs?: number } = {}): Promise<void> {
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) await this.shutdown();
    if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
    await this.launch();
  }

  /** Stops the server and removes the store directory it created. */
  async stop(): Promise<void> {
    await this.shutdown();
    if (this.ownsStoreDir) await rm(this.storeDir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
