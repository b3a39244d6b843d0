// One Jest configuration for the whole workspace. Tiers by suffix (see docs/adr/0001-workspace.md):
//   *.spec.ts      unit tests, no I/O
//   *.int-spec.ts  integration tests on real Postgres and NATS from libs/testing
//   *.e2e-spec.ts  the running system (npm run test:e2e; also part of npm test, see README)
// `npx jest libs/event-store` runs one project's tests (that is what each project's Nx `test` target does).
'use strict';
const { swcOptions } = require('./tools/swc-options.cjs');

const tier = process.env.PARLEY_TEST_TIER; // unit | int | e2e | undefined (= all)
const patterns = {
  unit: ['**/*.spec.ts'],
  int: ['**/*.int-spec.ts'],
  e2e: ['**/*.e2e-spec.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: tier ? patterns[tier] : [...patterns.unit, ...patterns.int, ...patterns.e2e],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions({ rewritePaths: false }), swcrc: false }] },
  moduleNameMapper: {
    '^@parley/channel-kit/testbed$': '<rootDir>/libs/channel-kit/test/gateway-testbed.ts',
    '^@parley/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  testTimeout: 120_000,
  maxWorkers: 2,
  // A test that leaves a connection open is a bug; report it instead of hanging CI.
  forceExit: false,
  detectOpenHandles: false,
};
