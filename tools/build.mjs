// Builds TypeScript sources into dist/ with SWC (same layout as the sources, `@parley/*` imports rewritten to
// relative paths). With no argument it builds apps/, libs/, tools/ and bench/; with project folders as arguments
// (`node tools/build.mjs libs/contracts`, what each Nx `build` target runs) only those. Type checking is
// `npm run typecheck`; this step only transpiles, so it is fast enough to run before every `npm run up`.
import { transformFile } from '@swc/core';
import { createRequire } from 'node:module';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { swcOptions, root } = require('./swc-options.cjs');
const outDir = path.join(root, 'dist');
const sourceRoots = ['apps', 'libs', 'tools', 'bench'];
const skipDirs = new Set(['node_modules', 'dist', 'console', '__fixtures__']);
const isTest = (file) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(file);

async function* sources(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) yield* sources(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTest(entry.name)) {
      yield full;
    }
  }
}

/** Empties a dist folder, except what another build owns (dist/apps/console is Vite's). */
async function clean(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    if (!skipDirs.has(entry.name)) await rm(path.join(dir, entry.name), { recursive: true, force: true });
  }
}

async function main() {
  const requested = process.argv.slice(2).map((dir) => path.relative(root, path.resolve(root, dir)));
  const roots = requested.length > 0 ? requested : sourceRoots;
  for (const dir of roots) await clean(path.join(outDir, dir));
  const options = swcOptions({ rewritePaths: true });
  const jobs = [];
  for (const rootDir of roots) {
    for await (const file of sources(path.join(root, rootDir))) {
      jobs.push(
        (async () => {
          const rel = path.relative(root, file);
          const target = path.join(outDir, rel.replace(/\.ts$/, '.js'));
          const { code, map } = await transformFile(file, { ...options, filename: file, sourceFileName: file });
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
          if (map) await writeFile(`${target}.map`, map);
        })(),
      );
    }
  }
  await Promise.all(jobs);
  process.stdout.write(`built ${jobs.length} files of ${roots.join(', ')} into dist/\n`);
}

main().catch((err) => {
  process.stderr.write(`build failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
