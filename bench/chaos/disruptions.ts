import type { RunningSystem } from '@parley/tools';
import type { DisruptionTarget } from './chaos-config';

export interface DisruptionRecord {
  target: DisruptionTarget;
  /** What was done: `kill -9 + restart`, `restart`. */
  action: string;
  /** Planned and actual start, ms since the load started. */
  plannedAtMs: number;
  startedAtMs: number;
  /** Until the target was back (service ready again / server started), ms. */
  durationMs?: number;
  error?: string;
}

/**
 * Runs the disruptions one after another, spread evenly over the load (the k-th of n at (k+1)/(n+1) of it). One
 * that is still under way when the next is due delays it: two never overlap.
 */
export async function runDisruptions(
  system: RunningSystem,
  targets: readonly DisruptionTarget[],
  loadDurationMs: number,
  elapsedMs: () => number,
  say: (line: string) => void,
  infraDownMs = 0,
): Promise<DisruptionRecord[]> {
  const records: DisruptionRecord[] = [];
  for (const [k, target] of targets.entries()) {
    const plannedAtMs = Math.round((loadDurationMs * (k + 1)) / (targets.length + 1));
    const wait = plannedAtMs - elapsedMs();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const record: DisruptionRecord = { target, action: actionOf(target, infraDownMs), plannedAtMs, startedAtMs: elapsedMs() };
    records.push(record);
    say(`t=${seconds(record.startedAtMs)} ${target}: ${record.action}`);
    try {
      await disrupt(system, target, infraDownMs);
      record.durationMs = elapsedMs() - record.startedAtMs;
      say(`t=${seconds(elapsedMs())} ${target} is back after ${seconds(record.durationMs)}`);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
      say(`t=${seconds(elapsedMs())} ${target}: FAILED to disrupt/restart: ${record.error}`);
    }
  }
  return records;
}

function actionOf(target: DisruptionTarget, downMs: number): string {
  const down = downMs > 0 ? `, down for ${seconds(downMs)}` : '';
  if (target === 'nats') return `nats-server restart (same port and store${down})`;
  if (target === 'postgres') return `Postgres restart (stop + start, same data dir${down})`;
  return 'kill -9, then start again';
}

async function disrupt(system: RunningSystem, target: DisruptionTarget, downMs: number): Promise<void> {
  if (target === 'nats') {
    if (!system.infra.nats) throw new Error('NATS is not local (BENCH_NATS_URL given): cannot restart it');
    await system.infra.nats.restart({ downMs });
    return;
  }
  if (target === 'postgres') {
    if (!system.infra.postgres) throw new Error('Postgres is not local (BENCH_DATABASE_URL given): cannot restart it');
    await system.infra.postgres.restart({ downMs });
    return;
  }
  await system.restart(target, { signal: 'SIGKILL', readyTimeoutMs: 180_000 });
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
