import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { transformFile, type Options } from '@swc/core';

/*
 * The system test's own build: the same SWC transpile as tools/build.mjs (same options from tools/swc-options.cjs,
 * same layout), but into a private directory under dist/, so it never rewrites dist/apps while another test or a
 * developer's `npm run up` runs from it. The directory sits inside the repository so the built files resolve
 * node_modules as dist/ does.
 */

const requireCjs = createRequire(__filename);
const { swcOptions } = requireCjs('../swc-options.cjs') as { swcOptions(opts: { rewritePaths: boolean }): Options };

const roots = ['apps', 'libs', 'tools'];
const skipDirs = new Set(['node_modules', 'dist', 'console', '__fixtures__', 'e2e']);
const isSource = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name);

async function collect(dir: string, into: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) await collect(full, into);
    } else if (isSource(entry.name)) into.push(full);
  }
}

export interface PrivateBuild {
  distDir: string;
  remove(): Promise<void>;
}

/** Transpiles apps/, libs/ and tools/ of `root` into `<root>/dist/.e2e-<random>/`. */
export async function buildPrivateDist(root: string): Promise<PrivateBuild> {
  const distDir = path.join(root, 'dist', `.e2e-${process.pid}-${randomBytes(3).toString('hex')}`);
  const files: string[] = [];
  for (const dir of roots) await collect(path.join(root, dir), files);
  const options = swcOptions({ rewritePaths: true });
  // A few at a time: the CI machine has 2 cores.
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const target = path.join(distDir, path.relative(root, file).replace(/\.ts$/, '.js'));
      const { code } = await transformFile(file, { ...options, sourceMaps: false, filename: file, sourceFileName: file });
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, code);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { distDir, remove: () => rm(distDir, { recursive: true, force: true }) };
}
