import path from 'node:path';
import { BEGIN_MARKER, END_MARKER } from './architecture-markdown';
import { ARCHITECTURE_PAGE, expectedArchitecturePage } from './generate-architecture';

const generatedPart = (page: string): string => page.slice(page.indexOf(BEGIN_MARKER), page.indexOf(END_MARKER) + END_MARKER.length);

/**
 * The page's wiring section is what the code says now: a handler, publish or request added, moved or removed
 * without `npm run docs:architecture` fails here (and so in CI), with the difference shown.
 */
describe(ARCHITECTURE_PAGE, () => {
  it('shows who publishes, consumes, answers and requests each subject as the code does now (else: npm run docs:architecture)', () => {
    const { current, expected } = expectedArchitecturePage(path.resolve(__dirname, '../..'));
    expect(current).toContain(BEGIN_MARKER);
    expect(generatedPart(current)).toEqual(generatedPart(expected));
  });
});
