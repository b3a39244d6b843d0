// Lets a plain `node -r ./swc-register.cjs script.ts` child process run the TypeScript sources the way Jest does:
// .ts files are compiled with @swc/core using the workspace SWC options, `@parley/<lib>` resolves to libs/<lib>/src.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');
const { swcOptions, root } = require('../../../tools/swc-options.cjs');

const options = { ...swcOptions({ rewritePaths: false }), swcrc: false };
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveParley(request, ...rest) {
  const match = /^@parley\/([a-z-]+)$/.exec(request);
  return resolve.call(this, match ? path.join(root, 'libs', match[1], 'src', 'index.ts') : request, ...rest);
};
require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
require('reflect-metadata');
