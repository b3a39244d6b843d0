// Module boundaries (docs/adr/0001-workspace.md): every project carries a `type:` tag and a `scope:` tag.
//   type:contracts -> nothing            (the wire: integrators depend on it, it depends on no one)
//   type:domain    -> contracts, domain  (pure logic)
//   type:infra     -> contracts, infra   (event store, messaging, observability, channel-kit)
//   type:testing   -> contracts, infra, testing
//   type:app       -> contracts, domain, infra (never another app; the test harness only from test files)
//   type:tool      -> contracts, domain, infra, testing, tool (launcher, sandbox, bench; never an app's code)
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const productionConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:testing'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', 'type:testing', 'type:tool'] },
];
const testConstraints = productionConstraints.map((c) =>
  c.sourceTag === 'type:app' || c.sourceTag === 'type:infra'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);
const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'];
const boundaries = (depConstraints) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    { enforceBuildableLibDependency: false, allow: [], depConstraints, banTransitiveDependencies: false },
  ],
});

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'apps/console/**', '**/*.js', '**/*.cjs', '**/*.mjs', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      ...boundaries(productionConstraints),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: testFiles, rules: { ...boundaries(testConstraints), 'no-console': 'off' } },
  { files: ['tools/**/*.ts', 'bench/**/*.ts'], rules: { 'no-console': 'off' } },
];
