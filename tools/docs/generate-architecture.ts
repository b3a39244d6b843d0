import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderWiring, spliceWiring } from './architecture-markdown';
import { contractCatalogue } from './contract-catalogue';
import { declaredWiring } from './declared-wiring';
import { readSourceSet, workspaceRoot } from './source-set';
import { buildWiringModel } from './wiring-model';

export const ARCHITECTURE_PAGE = 'docs/architecture.md';

/** docs/architecture.md as the code says it should be now (the hand-written parts kept as they are). */
export function expectedArchitecturePage(root: string): { current: string; expected: string } {
  const current = readFileSync(path.join(root, ARCHITECTURE_PAGE), 'utf8');
  const model = buildWiringModel(readSourceSet(root), contractCatalogue(), declaredWiring);
  return { current, expected: spliceWiring(current, renderWiring(model)) };
}

/**
 * `npm run docs:architecture` rewrites the generated part of docs/architecture.md;
 * `npm run docs:architecture -- --check` only reports whether it is up to date (exit 1 when not).
 */
function main(): void {
  const root = workspaceRoot(__dirname);
  const { current, expected } = expectedArchitecturePage(root);
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      process.stderr.write(`${ARCHITECTURE_PAGE} is out of date with the code: run npm run docs:architecture\n`);
      process.exitCode = 1;
    }
    return;
  }
  if (current === expected) {
    process.stdout.write(`${ARCHITECTURE_PAGE} is up to date\n`);
    return;
  }
  writeFileSync(path.join(root, ARCHITECTURE_PAGE), expected);
  process.stdout.write(`${ARCHITECTURE_PAGE}: wiring section regenerated\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (err: unknown) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
