import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layering rules must bite: lint probe sources as if they were files inside real projects (ESLint reads them
 * from stdin, nothing is written) and check that forbidden imports are reported and allowed ones are not.
 */
describe('module boundaries', () => {
  const root = path.resolve(__dirname, '../..');
  const env = { ...process.env, NX_DAEMON: 'false' };

  beforeAll(() => {
    // The Nx rule reads the project graph; it is skipped when none has been computed.
    spawnSync(path.join(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, env, stdio: 'ignore' });
  });

  function boundaryErrors(file: string, code: string): string[] {
    const run = spawnSync(
      path.join(root, 'node_modules/.bin/eslint'),
      ['--format', 'json', '--stdin', '--stdin-filename', path.join(root, file)],
      { cwd: root, env, input: code, encoding: 'utf8' },
    );
    const results = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    return results.flatMap((r) => r.messages).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  }

  const importTesting = "import { waitFor } from '@parley/testing';\nexport const w = waitFor;\n";
  const importContracts = "import { Streams } from '@parley/contracts';\nexport const s = Streams;\n";

  it('keeps contracts free of every other library', () => {
    expect(boundaryErrors('libs/contracts/src/probe.ts', importTesting).join('\n')).toMatch(/type:contracts/);
  });

  it('lets infrastructure depend on contracts, and on the test harness only in tests', () => {
    expect(boundaryErrors('libs/messaging/src/probe.ts', importContracts)).toEqual([]);
    expect(boundaryErrors('libs/messaging/src/probe.ts', importTesting)).not.toEqual([]);
    expect(boundaryErrors('libs/messaging/src/probe.int-spec.ts', importTesting)).toEqual([]);
  });

  it('never lets an app import another app', () => {
    const importApp = "import { AppModule } from '../../contact-service/src/app.module';\nexport const m = AppModule;\n";
    expect(boundaryErrors('apps/conversation-service/src/probe.ts', importApp)).not.toEqual([]);
  });
});
