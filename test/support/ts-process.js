/**
 * Runs a TypeScript entry point (e.g. src/worker.ts) in a real child process, compiling .ts files with swc as jest
 * does; ESM-only packages load through Node's own require(esm). Usage: node test/support/ts-process.js src/worker.ts
 */
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const options = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
require.extensions['.ts'] = (module, filename) => {
  module._compile(transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
};
require(resolve(process.argv[2]));
