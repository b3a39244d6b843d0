import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * V8 flags of every service process: a 4 MB young-generation semi-space (V8's default grows to 16 MB) keeps the
 * resident size of a busy service down at the cost of more, shorter scavenges.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4'];

export interface ServiceSpec {
  name: string;
  /** Compiled entry point, relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  /** Extra Node flags before the entry point (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
}

/**
 * One service as its own Node process, its output prefixed with its name. `stop()` sends SIGTERM and waits (the
 * services shut down gracefully); after `graceMs` it kills.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(
    readonly spec: ServiceSpec,
    private readonly root: string,
    private readonly write: (line: string) => void,
    private readonly onUnexpectedExit: (name: string, code: number | null, signal: NodeJS.Signals | null) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True once the started process has exited (for whatever reason). */
  get exited(): boolean {
    const child = this.child;
    return child !== undefined && (child.exitCode !== null || child.signalCode !== null);
  }

  start(): void {
    this.stopping = false;
    // No --enable-source-maps: it keeps every loaded module's map in memory (about 20 MB per service, against the
    // 150 MB RSS target); SWC keeps names, so stacks stay readable. NODE_OPTIONS=--enable-source-maps turns it on.
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...(this.spec.nodeArgs ?? []), this.spec.entry], {
      cwd: this.root,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const pad = this.spec.name.padEnd(21);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.write(`${pad}| ${line}`));
    }
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.onUnexpectedExit(this.spec.name, code, signal);
    });
  }

  /**
   * Kills the process with a signal (default SIGKILL, an unclean crash) and waits until it has exited. The exit is
   * expected: it is not reported as unexpected. `start()` brings the service back.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
