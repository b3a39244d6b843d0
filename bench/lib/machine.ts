import os from 'node:os';

/** What a result file says about the machine it was measured on. */
export function machineInfo(): { cpus: number; cpuModel: string; totalMemMb: number; loadAverageAtEnd: number[]; node: string } {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    loadAverageAtEnd: os.loadavg(),
    node: process.version,
  };
}
