import { scrubString } from '../logging/redact';

export interface HealthCheck {
  /** Shown in the readiness answer, e.g. `postgres`, `nats`. */
  name: string;
  /** Resolves when the dependency is usable; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  durationMs: number;
  /** Why it failed (the error's message, scrubbed of secrets). */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  failing: string[];
  checks: CheckResult[];
}

export const DEFAULT_CHECK_TIMEOUT_MS = 3_000;

/**
 * The named readiness checks of a service. Modules register theirs at start-up (`onModuleInit`); readiness runs
 * them all in parallel, each bounded by a timeout so a hung dependency answers "not ready" instead of hanging the
 * probe. Once shutdown begins readiness fails (`shutdown`), so the load balancer drains the instance.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private shuttingDown = false;

  constructor(private readonly timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS) {}

  register(check: HealthCheck): void {
    if (this.checks.has(check.name)) throw new Error(`health check "${check.name}" is already registered`);
    this.checks.set(check.name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async readiness(): Promise<Readiness> {
    const checks = await Promise.all([...this.checks.values()].map((check) => this.run(check)));
    if (this.shuttingDown) checks.unshift({ name: 'shutdown', ok: false, durationMs: 0, error: 'shutting down' });
    const failing = checks.filter((c) => !c.ok).map((c) => c.name);
    return { ready: failing.length === 0, failing, checks };
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => check.check()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { name: check.name, ok: true, durationMs: elapsed(started) };
    } catch (err: unknown) {
      return { name: check.name, ok: false, durationMs: elapsed(started), error: scrub(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function scrub(err: unknown): string {
  return scrubString(err instanceof Error ? err.message : String(err));
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
