import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { runMigrations } from '../../src/core/database/migrate';
import { reachableClusterHome } from '../../src/core/infrastructure/embedded-postgres';

interface Started {
  url: string;
  superuserUrl: string;
  stop(): Promise<void>;
}

/** startEmbeddedPostgres (`current`) or the cluster earlier versions made (`legacy`), run by a child process. */
async function startInChild(mode: 'current' | 'legacy', dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [join(__dirname, '../support/embedded-postgres-process.js'), mode, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    // `exited` never rejects; once the line is read, this late reject is a no-op.
    void exited.then(() => reject(new Error(`The embedded PostgreSQL process failed: ${stderr}`)));
  });
  return {
    ...JSON.parse(line),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

const asRoot = process.getuid?.() === 0;
const modeOf = (path: string) => statSync(path).mode & 0o777;

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function refusedCode(url: string, sql = 'SELECT 1'): Promise<string | undefined> {
  try {
    await withClient(url, (client) => client.query(sql));
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/** The same URL with another password. */
const withPassword = (url: string, password: string) => Object.assign(new URL(url), { password }).toString();

/** What a running app may do as the connection it was given. */
async function expectUnprivilegedOwner(database: Started): Promise<void> {
  const role = await withClient(database.url, async (client) => {
    const { rows } = await client.query(
      `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS programs,
              pg_get_userbyid(d.datdba) = current_user AS owns_database
         FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
    );
    return rows[0];
  });
  expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, programs: false, owns_database: true });
  // What the fixed superuser password let any local user do: run a program as the server's user.
  expect(await refusedCode(database.url, `COPY (SELECT 1) TO PROGRAM 'true'`)).toBe('42501');
  expect(await refusedCode(database.url, `CREATE TEMP TABLE t (x text); COPY t FROM PROGRAM 'id'`)).toBe('42501');
  expect(await refusedCode(database.url, `CREATE ROLE intruder SUPERUSER LOGIN`)).toBe('42501');
}

describe('embedded PostgreSQL', () => {
  let dataDir: string;
  const running: Started[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'embedded-pg-'));
  });
  afterEach(async () => {
    for (const database of running.splice(0)) await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(mode: 'current' | 'legacy' = 'current'): Promise<Started> {
    const database = await startInChild(mode, dataDir);
    running.push(database);
    return database;
  }

  it('generates its passwords into private files, keeps them across restarts, and gives the app a role that is not a superuser', async () => {
    const database = await start();
    expect(modeOf(dataDir)).toBe(asRoot ? 0o711 : 0o700);
    const superuserPassword = readFileSync(join(dataDir, 'postgres-superuser-password'), 'utf8');
    const appPassword = readFileSync(join(dataDir, 'postgres-app-password'), 'utf8');
    expect(superuserPassword.length).toBeGreaterThanOrEqual(48);
    expect(appPassword).not.toBe(superuserPassword);
    expect(modeOf(join(dataDir, 'postgres-superuser-password'))).toBe(0o600);
    expect(modeOf(join(dataDir, 'postgres-app-password'))).toBe(0o600);
    expect(new URL(database.superuserUrl).password).toBe(superuserPassword);
    expect(new URL(database.url)).toMatchObject({ username: 'contest_app', password: appPassword, pathname: '/contest' });

    expect(await refusedCode(withPassword(database.superuserUrl, 'contest'))).toBe('28P01');
    await expectUnprivilegedOwner(database);
    // Migrations run as the owner, pg_trgm included (a trusted extension).
    expect((await runMigrations(database.url)).length).toBeGreaterThan(0);
    expect(await withClient(database.superuserUrl, async (client) => (await client.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).rows[0])).toEqual({
      rolsuper: true,
    });

    await database.stop();
    running.splice(0);
    const restarted = await start();
    expect(new URL(restarted.url).password).toBe(appPassword);
    expect(await runMigrations(restarted.url)).toEqual([]);
  });

  // Only root hands the cluster to another user; any other user owns every folder it can write to.
  (asRoot ? it : it.skip)('starts from a checkout inside a folder the user postgres cannot enter, as a clone under /root is', async () => {
    const closed = dataDir;
    chmodSync(closed, 0o700);
    const nested = join(closed, 'checkout', '.data');
    const clusterHome = reachableClusterHome(nested);
    try {
      const database = await startInChild('current', nested);
      running.push(database);
      expect(await withClient(database.url, async (client) => (await client.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
      expect(clusterHome.startsWith(closed)).toBe(false);
      expect(readFileSync(join(clusterHome, 'postgres', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
      await running.pop()!.stop();
      const again = await startInChild('current', nested);
      running.push(again);
      expect(await refusedCode(again.url)).toBeUndefined();
    } finally {
      for (const database of running.splice(0)) await database.stop();
      rmSync(clusterHome, { recursive: true, force: true });
    }
  });

  it('upgrades a data directory made with the fixed password, where the app connected as the superuser', async () => {
    // What earlier versions left in .data/postgres: superuser `contest`, password `contest`, app database owned by it
    // and migrated as it, with data in it.
    if (asRoot) chmodSync(dataDir, 0o711);
    const old = await start('legacy');
    running.splice(0);
    const oldUrl = old.superuserUrl.replace(/\/postgres$/, '/contest');
    try {
      await withClient(old.superuserUrl, (client) => client.query('CREATE DATABASE contest'));
      await runMigrations(oldUrl);
      await withClient(oldUrl, (client) =>
        client.query(`
          CREATE TYPE mood AS ENUM ('ok');
          CREATE SEQUENCE standalone_seq;
          CREATE SCHEMA extra;
          CREATE TABLE extra.notes (id serial PRIMARY KEY, note text, m mood);
          CREATE VIEW note_view AS SELECT note FROM extra.notes;
          CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT upper(t) $$;
          INSERT INTO extra.notes (note) VALUES ('Kế Sách');
        `),
      );
    } finally {
      await old.stop();
    }

    const database = await start();
    expect(await refusedCode(withPassword(database.superuserUrl, 'contest'))).toBe('28P01');
    await expectUnprivilegedOwner(database);
    const notOwned = await withClient(
      database.superuserUrl.replace(/\/postgres$/, '/contest'),
      async (client) =>
        (
          await client.query(`
          SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('public', 'extra') AND c.relkind IN ('r', 'S', 'v') AND pg_get_userbyid(c.relowner) <> 'contest_app'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
          UNION ALL SELECT nspname FROM pg_namespace WHERE nspname = 'extra' AND pg_get_userbyid(nspowner) <> 'contest_app'
          UNION ALL SELECT typname FROM pg_type WHERE typname = 'mood' AND pg_get_userbyid(typowner) <> 'contest_app'
          UNION ALL SELECT proname FROM pg_proc WHERE proname = 'shout' AND pg_get_userbyid(proowner) <> 'contest_app'`)
        ).rows,
    );
    expect(notOwned).toEqual([]);
    // The owner can use, change and extend what the superuser made, and nothing is left to migrate.
    await withClient(database.url, async (client) => {
      expect((await client.query(`SELECT shout(note) AS loud FROM extra.notes`)).rows).toEqual([{ loud: 'KẾ SÁCH' }]);
      await client.query(`INSERT INTO extra.notes (note) VALUES ('Ngã Năm')`);
      await client.query(`ALTER TABLE units ADD COLUMN added_by_owner text`);
      await client.query(`SELECT nextval('standalone_seq')`);
    });
    expect(await runMigrations(database.url)).toEqual([]);

    // A second start finds nothing to upgrade and the same passwords.
    await database.stop();
    running.splice(0);
    const again = await start();
    expect(new URL(again.url).password).toBe(new URL(database.url).password);
    await expectUnprivilegedOwner(again);
  });
});
