import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

const queues = new Map<string, Promise<void>>();

/**
 * Writes a file atomically (temp file + rename, so a crash never leaves half a file), one write per file at a time
 * in call order: two saves that overlap (a delivery finishing while the page blocks a customer) used to share the
 * temp file, and the second rename failed with ENOENT.
 */
export function writeFileAtomic(file: string, data: string): Promise<void> {
  const write = async (): Promise<void> => {
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, file);
  };
  const next = (queues.get(file) ?? Promise.resolve()).then(write);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}
