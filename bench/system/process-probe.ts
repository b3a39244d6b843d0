import { readdir, readFile } from 'node:fs/promises';
import { rssOf } from '../lib/bench-system';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux x86_64). */
const USER_HZ = 100;

export interface RssFigures {
  idleMb: number;
  peakMb: number;
}

/**
 * Samples the resident set size of every Parley service (by pid, so a restarted process is followed through the
 * getter) on an interval: the idle figure is what the first samples saw, the peak the highest since `start()`.
 */
export class RssSampler {
  private readonly idle = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => ReadonlyMap<string, number | undefined>) {}

  /** Records the idle RSS of every service now (average of a few samples). */
  async sampleIdle(samples = 3, everyMs = 300): Promise<void> {
    const sums = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      for (const [name, bytes] of await this.sample()) sums.set(name, (sums.get(name) ?? 0) + bytes);
      if (i < samples - 1) await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    for (const [name, sum] of sums) this.idle.set(name, sum / samples);
  }

  start(everyMs = 250): void {
    this.timer = setInterval(() => void this.sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  figures(): Record<string, RssFigures> {
    const mb = (bytes: number | undefined): number => Math.round(((bytes ?? 0) / 2 ** 20) * 10) / 10;
    const out: Record<string, RssFigures> = {};
    for (const name of new Set([...this.idle.keys(), ...this.peak.keys()])) out[name] = { idleMb: mb(this.idle.get(name)), peakMb: mb(this.peak.get(name)) };
    return out;
  }

  private async sample(): Promise<Map<string, number>> {
    const now = new Map<string, number>();
    for (const [name, pid] of this.pids()) {
      if (pid === undefined) continue;
      const bytes = await rssOf(pid);
      if (bytes === undefined) continue;
      now.set(name, bytes);
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, bytes));
    }
    return now;
  }
}

/** CPU seconds (user + system) consumed so far, per group of processes. */
export type CpuSnapshot = Map<string, number>;

async function cpuSecondsOf(pid: number): Promise<{ seconds: number; comm: string; ppid: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are space separated.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) … utime(11) stime(12)
    return { seconds: (Number(fields[11]) + Number(fields[12])) / USER_HZ, comm, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time of the system's parts: each service by pid, Postgres (the postmaster given and its children, the
 * backends), nats-server by pid, and this benchmark process (load generator, VK fake, live socket).
 */
export async function cpuSnapshot(groups: { services: ReadonlyMap<string, number | undefined>; postmasterPid?: number; natsPid?: number }): Promise<CpuSnapshot> {
  const snapshot: CpuSnapshot = new Map();
  const add = (name: string, seconds: number): void => {
    snapshot.set(name, (snapshot.get(name) ?? 0) + seconds);
  };
  for (const [name, pid] of groups.services) {
    if (pid === undefined) continue;
    const stat = await cpuSecondsOf(pid);
    if (stat) add(name, stat.seconds);
  }
  if (groups.natsPid !== undefined) {
    const stat = await cpuSecondsOf(groups.natsPid);
    if (stat) add('nats-server', stat.seconds);
  }
  const self = await cpuSecondsOf(process.pid);
  if (self) add('bench (load, VK fake)', self.seconds);
  if (groups.postmasterPid !== undefined) {
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const stat = await cpuSecondsOf(pid);
      if (stat && (pid === groups.postmasterPid || stat.ppid === groups.postmasterPid)) add('postgres', stat.seconds);
    }
  }
  return snapshot;
}

/** CPU share per group between two snapshots, as percent of one core. */
export function cpuShare(before: CpuSnapshot, after: CpuSnapshot, wallSeconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, seconds] of after) {
    out[name] = Math.round(((seconds - (before.get(name) ?? 0)) / wallSeconds) * 1000) / 10;
  }
  return out;
}
