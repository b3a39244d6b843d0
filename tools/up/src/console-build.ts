import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

async function newestMtime(target: string): Promise<number> {
  let info;
  try {
    info = await stat(target);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, await newestMtime(path.join(target, entry)));
  }
  return newest;
}

/**
 * Builds the console (apps/console, Vite) into `<distDir>/apps/console` when its sources are newer than the last
 * build. Returns what happened; a missing console app is not an error (console-api then serves only the API).
 */
export async function buildConsoleIfStale(root: string, distDir: string, log: (line: string) => void): Promise<'built' | 'fresh' | 'absent'> {
  const source = path.join(root, 'apps/console');
  if (!existsSync(path.join(source, 'index.html'))) return 'absent';
  const outDir = path.join(distDir, 'apps/console');
  const built = await newestMtime(path.join(outDir, 'index.html'));
  const sources = await newestMtime(source);
  if (built > 0 && built >= sources) return 'fresh';
  log('building the console (vite build apps/console)…');
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', 'apps/console', '--outDir', outDir, '--emptyOutDir'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output}`))));
  });
  return 'built';
}
