import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BEGIN_MARKER, END_MARKER } from './architecture-markdown';
import { ARCHITECTURE_PAGE, expectedArchitecturePage } from './generate-architecture';
import { readSourceSet } from './source-set';

const root = path.resolve(__dirname, '../..');
/** Every file under the source roots, relative to the workspace root. */
function workspaceFiles(dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !['node_modules', 'dist', '.git', '.nx'].includes(entry.name)) workspaceFiles(full, out);
    else if (entry.isFile()) out.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return out;
}

const generatedPart = (page: string): string => page.slice(page.indexOf(BEGIN_MARKER), page.indexOf(END_MARKER) + END_MARKER.length);

/**
 * The page is what the code says now: a handler, publish or request added, moved or removed without
 * `npm run docs:architecture` fails here (and so in CI), with the difference shown; so does a new service that
 * the hand-written "Services" table does not describe.
 */
describe(ARCHITECTURE_PAGE, () => {
  const { current, expected } = expectedArchitecturePage(root);

  it('shows who publishes, consumes, answers and requests each subject as the code does now (else: npm run docs:architecture)', () => {
    expect(current).toContain(BEGIN_MARKER);
    expect(generatedPart(current)).toEqual(generatedPart(expected));
  });

  it('describes every service under apps/ in its "Services" table', () => {
    const services = current.slice(current.indexOf('## Services'), current.indexOf(BEGIN_MARKER));
    const missing = readSourceSet(root).services.map((s) => s.name).filter((name) => !services.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });

  it('names only source files that exist (a file moved or renamed must be followed by the hand-written text)', () => {
    const files = workspaceFiles().filter((f) => /^(apps|libs|tools|bench)\//.test(f));
    const named = [...new Set([...current.matchAll(/`([\w./-]+\.ts)`/g)].map((m) => m[1] as string))];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((ref) => !files.some((f) => f === ref || f.endsWith(`/${ref}`)))).toEqual([]);
  });
});
