import path from 'node:path';
import { BEGIN_MARKER, END_MARKER } from './architecture-markdown';
import { ARCHITECTURE_PAGE, expectedArchitecturePage } from './generate-architecture';
import { readSourceSet } from './source-set';

const root = path.resolve(__dirname, '../..');
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
});
