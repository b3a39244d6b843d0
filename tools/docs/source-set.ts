import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** One TypeScript source file, by its path relative to the workspace root (forward slashes). */
export interface SourceFile {
  path: string;
  text: string;
}

/** A project whose sources the wiring scan reads: an app (`apps/<name>`) or a library (`libs/<name>`). */
export interface SourceProject {
  name: string;
  files: SourceFile[];
}

export interface SourceSet {
  /** Apps that run as a service (they have `src/main.ts`), with their production sources. */
  services: SourceProject[];
  /** Libraries with their production sources. */
  libraries: SourceProject[];
}

const isTest = (file: string): boolean => /\.(spec|int-spec|e2e-spec)\.ts$/.test(file);

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__fixtures__') yield* tsFiles(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTest(entry.name)) {
      yield full;
    }
  }
}

function readProject(root: string, dir: string): SourceProject {
  const src = path.join(root, dir, 'src');
  const files = [...tsFiles(src)]
    .map((file) => ({ path: path.relative(root, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { name: path.basename(dir), files };
}

function projectDirs(root: string, parent: string): string[] {
  const dir = path.join(root, parent);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory() && existsSync(path.join(dir, name, 'src')))
    .sort()
    .map((name) => `${parent}/${name}`);
}

/** The production sources of every service under `apps/` and every library under `libs/` (tests excluded). */
export function readSourceSet(root: string): SourceSet {
  return {
    services: projectDirs(root, 'apps')
      .filter((dir) => existsSync(path.join(root, dir, 'src', 'main.ts')))
      .map((dir) => readProject(root, dir)),
    libraries: projectDirs(root, 'libs').map((dir) => readProject(root, dir)),
  };
}

/** The workspace root: the nearest folder above `from` that holds nx.json (works from tools/ and from dist/tools/). */
export function workspaceRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}
