import { cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { runMigrations } from '../../src/core/database/migrate';
import { freePort } from '../../src/core/infrastructure/free-port';
import { ENTITIES } from '../../src/entities';
import { seedWorld, World } from '../../src/seed/world';
import { entryRows, FileRow } from '../entries-file';
import { fetchOnce, LoadRequest, LoadResult, runLoad } from '../support/load';
import { benchRedis, memoryOf, ServerProcess, startBenchApi, startServer } from '../support/processes';
import { formatErrors, formatMs, formatTable, ratio } from '../support/stats';
import { SCRATCH_TABLE } from './insert-server';
import { ACCOUNTS, BENCH_PASSWORD, EDITION_KEY, nationalWorld, provinceCodes, registrationBody, schoolsOf, seedEntries } from './world';
import { createBenchDatabase, dropBenchDatabase } from '../support/bench-database';
import { formatCost, RequestCost, RequestCostMeter } from '../support/request-cost';

/** Clients of every figure, as issue 13 measured them. */
const CLIENTS = 50;
/** The mixed run: clients on GET /auth/me, and clients on the province list beside them. */
const MIXED_AUTH_CLIENTS = 30;
const MIXED_LIST_CLIENTS = 20;
/** Distinct pages of the province list read in turn by the uncached figure (as many as a few seconds of requests). */
const PAGES_IN_TURN = 400;
/** A request unanswered after this counts as a time-out (the app's own statement timeout is 15 s). */
const REQUEST_TIMEOUT_MS = 30_000;

export interface HttpBenchOptions {
  root: string;
  adminUrl: string;
  /** Entry counts to measure at, ascending; the last one also gets the mixed run (exports: bench/exports.ts). */
  sizes: number[];
  /** Length of each measured run. */
  seconds: number;
  provinces: number;
}

/** One row of the table: a route at one size, beside the two ceilings of the same size. */
export interface HttpFigure extends LoadResult {
  figure: string;
  size: number;
  ratioToBare: number | null;
  ratioToInsert: number | null;
  /** What a request cost, for the figures measured with it (the insert endpoint, registration and the lists). */
  cost?: RequestCost;
  note?: string;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

export async function benchHttp(options: HttpBenchOptions) {
  const { root, adminUrl, sizes, seconds, provinces } = options;
  const durationMs = seconds * 1000;
  const servers: ServerProcess[] = [];
  let redisStop: (() => Promise<void>) | null = null;
  const { name: database, url: databaseUrl } = await createBenchDatabase(adminUrl, 'bench_http');
  const db = new Client({ connectionString: databaseUrl });
  let meter: RequestCostMeter | null = null;
  try {
    const t0 = performance.now();
    await runMigrations(databaseUrl);
    await db.connect();
    const source = new DataSource(dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS));
    await source.initialize();
    let world: World;
    try {
      world = await source.transaction((manager) => seedWorld(manager, nationalWorld(provinces, CLIENTS)));
    } finally {
      await source.destroy();
    }
    await db.query(
      `CREATE TABLE ${SCRATCH_TABLE} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), title text NOT NULL, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const edition = world.editions.get(EDITION_KEY)!.edition;
    const fieldCodes = [...world.editions.get(EDITION_KEY)!.fields.keys()];

    const redis = await benchRedis(root);
    redisStop = redis.stop;
    const redisUrl = redis.url;
    const script = (name: string) => join(__dirname, name);
    const bare = await startServer({ name: 'bare Fastify', script: script('bare-server.js'), port: await freePort(), env: {}, readyPath: '/ping' });
    servers.push(bare);
    const insert = await startServer({
      name: 'insert endpoint',
      script: script('insert-server.js'),
      port: await freePort(),
      env: { DATABASE_URL: databaseUrl },
      readyPath: '/items',
      readyStatus: 404,
    });
    servers.push(insert);
    // The API alone, as in production (npm run start:api): the workers would otherwise share its CPU.
    const api = await startBenchApi({ root, databaseUrl, database, redisUrl });
    servers.push(api);
    log(`HTTP bench: world of ${provinces} provinces × ${schoolsOf('ST').length} schools seeded, API and ceilings up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const login = async (email: string) => {
      const res = await fetchOnce(api.port, { method: 'POST', path: '/auth/login', body: { email, password: BENCH_PASSWORD } });
      if (res.status !== 200 || !res.body) throw new Error(`Log-in of ${email} answered ${res.status}: ${res.body?.toString()}`);
      return `Bearer ${(JSON.parse(res.body.toString()) as { accessToken: string }).accessToken}`;
    };
    const provinceToken = await login(ACCOUNTS.province);
    const nationalToken = await login(ACCOUNTS.national);
    const schoolTokens: string[] = [];
    for (let n = 0; n < CLIENTS; n += 1) schoolTokens.push(await login(ACCOUNTS.school(n)));

    const get = (path: string, token: string) => (): LoadRequest => ({ method: 'GET', path, headers: { authorization: token } });
    const list = (query: Record<string, string | number>) => `/entries?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
    const provinceList = list({ editionId: edition.id, fieldCode: 'MT', pageSize: 50 });
    // Registration bodies: real-looking forms from the bulk-file generator, each sent under a new reference.
    const templates: FileRow[] = entryRows(['WEB'], fieldCodes, 500, 13);

    const figures: HttpFigure[] = [];
    const mixed: Record<string, unknown> = {};
    let seeded = 0;
    const seedProvinces = provinceCodes(provinces);

    meter = await RequestCostMeter.open(adminUrl, database);
    /** Warm-up (one request per client, not counted), then the measured run, with what a request cost `costOf` when given. */
    const measure = async (figure: string, size: number, load: Omit<Parameters<typeof runLoad>[0], 'durationMs' | 'concurrency'> & { concurrency?: number }, costOf?: ServerProcess) => {
      await runLoad({ ...load, concurrency: load.concurrency ?? CLIENTS, requests: load.concurrency ?? CLIENTS, timeoutMs: REQUEST_TIMEOUT_MS });
      const run = () => runLoad({ ...load, concurrency: load.concurrency ?? CLIENTS, durationMs, timeoutMs: REQUEST_TIMEOUT_MS });
      const [result, cost] = costOf ? await meter!.measure(costOf.pid, run) : [await run(), undefined];
      log(
        `  ${figure} @ ${size.toLocaleString('en')}: ${result.reqPerSec} req/s, p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}, errors ${formatErrors(result.errors)}, load ${result.loadAverage}` +
          (cost ? `; per request: ${formatCost(cost)}` : ''),
      );
      return { ...result, cost };
    };

    for (const [i, size] of sizes.entries()) {
      const last = i === sizes.length - 1;
      const ts = performance.now();
      // The first size lives in Sóc Trăng alone; what a larger size adds goes to the other provinces.
      if (seeded === 0) {
        await seedEntries(db, world, 'ST', size, 2017);
      } else {
        const others = seedProvinces.slice(1);
        const add = size - seeded;
        for (const [p, province] of others.entries()) {
          await seedEntries(db, world, province, Math.floor(add / others.length) + (p < add % others.length ? 1 : 0), 2017 + p + 1);
        }
      }
      seeded = size;
      await db.query('VACUUM ANALYZE entries, entry_authors, entry_stages');
      log(`\n${size.toLocaleString('en')} entries (${size === sizes[0] ? 'Sóc Trăng' : `${seedProvinces.length} provinces`}) seeded in ${((performance.now() - ts) / 1000).toFixed(1)} s`);

      const bareRun = await measure('bare Fastify handler', size, { port: bare.port, next: () => ({ method: 'GET', path: '/ping' }) });
      const insertRun = await measure(
        'insert endpoint',
        size,
        {
          port: insert.port,
          expected: [201],
          next: (n) => ({ method: 'POST', path: '/items', body: { title: templates[n % templates.length].title, name: templates[n % templates.length].contact_name, email: `item${n}@bench.vn` } }),
        },
        insert,
      );
      const add = (figure: string, result: LoadResult & { cost?: RequestCost }, note?: string) =>
        figures.push({
          figure,
          size,
          ...result,
          ratioToBare: ratio(result.reqPerSec, bareRun.reqPerSec),
          ratioToInsert: ratio(result.reqPerSec, insertRun.reqPerSec),
          note: note ?? (result.cost && `per request: ${formatCost(result.cost)}`),
        });
      add('bare Fastify handler (ceiling)', bareRun);
      add('insert endpoint (ceiling)', insertRun);

      add('GET /auth/me', await measure('GET /auth/me', size, { port: api.port, next: get('/auth/me', provinceToken) }));
      let registered = 0;
      add(
        'POST /editions/{id}/entries',
        await measure(
          'POST /editions/{id}/entries',
          size,
          {
            port: api.port,
            expected: [201],
            next: (n, client) => ({
              method: 'POST',
              path: `/editions/${edition.id}/entries`,
              headers: { authorization: schoolTokens[client] },
              body: registrationBody(templates[n % templates.length], `WEB-${size}-${registered++}`),
            }),
          },
          api,
        ),
      );
      add('GET /entries province, one field', await measure('GET /entries province, one field', size, { port: api.port, next: get(provinceList, provinceToken) }, api));
      // The same list read page after page, each client somewhere else in it.
      const provincePages = await pageCursors(api.port, provinceToken, { editionId: edition.id }, PAGES_IN_TURN);
      add(
        `GET /entries province, ${provincePages.length} pages in turn`,
        await measure(
          'GET /entries province, pages in turn',
          size,
          {
            port: api.port,
            next: (n) => get(list({ editionId: edition.id, pageSize: 50, ...(provincePages[n % provincePages.length] ? { cursor: provincePages[n % provincePages.length] } : {}) }), provinceToken)(),
          },
          api,
        ),
      );
      // Nine tenths down the national list, as an organiser paging to its end would: the cursor is found by
      // following nextCursor in the largest pages, then that page is read again and again.
      const deepCursor = await cursorAt(api.port, nationalToken, { editionId: edition.id }, Math.floor(size * 0.9));
      add(
        `GET /entries deep page (entry ${Math.floor(size * 0.9).toLocaleString('en')})`,
        await measure('GET /entries deep page', size, { port: api.port, next: get(list({ editionId: edition.id, pageSize: 50, cursor: deepCursor }), nationalToken) }, api),
      );
      // "may" is in every "Máy …" title: a broad search over the province, as a hurried organiser types it.
      add('GET /entries?q=may (province)', await measure('GET /entries?q=may', size, { port: api.port, next: get(list({ editionId: edition.id, q: 'may', pageSize: 50 }), provinceToken) }, api));
      if (!last) continue;

      // Mixed: /auth/me alone, then the same clients while 20 more read the province list.
      const authAlone = await measure(`GET /auth/me, ${MIXED_AUTH_CLIENTS} clients alone`, size, { port: api.port, concurrency: MIXED_AUTH_CLIENTS, next: get('/auth/me', provinceToken) });
      const [authBeside, listBeside] = await Promise.all([
        runLoad({ port: api.port, concurrency: MIXED_AUTH_CLIENTS, durationMs, timeoutMs: REQUEST_TIMEOUT_MS, next: get('/auth/me', provinceToken) }),
        runLoad({ port: api.port, concurrency: MIXED_LIST_CLIENTS, durationMs, timeoutMs: REQUEST_TIMEOUT_MS, next: get(provinceList, provinceToken) }),
      ]);
      log(`  GET /auth/me beside ${MIXED_LIST_CLIENTS} list clients: ${authBeside.reqPerSec} req/s, p99 ${formatMs(authBeside.p99Ms)}, errors ${formatErrors(authBeside.errors)}`);
      add(`mixed: GET /auth/me, ${MIXED_AUTH_CLIENTS} clients alone`, authAlone);
      add(`mixed: GET /auth/me, ${MIXED_AUTH_CLIENTS} clients + ${MIXED_LIST_CLIENTS} on the list`, authBeside, `p99 ×${ratio(authBeside.p99Ms, authAlone.p99Ms) ?? '–'} of alone`);
      add(`mixed: the list, ${MIXED_LIST_CLIENTS} clients beside /auth/me`, listBeside);
      Object.assign(mixed, { size, authAlone, authBeside, listBeside });
    }
    return { cores: cpus().length, clients: CLIENTS, seconds, provinces, sizes, figures, mixed, apiPeakRssMb: memoryOf(api.pid)?.peakMb ?? null };
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    if (redisStop) await redisStop().catch(() => undefined);
    await meter?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await dropBenchDatabase(adminUrl, database);
  }
}

/** The cursor of the list page that starts after `position` entries, found by following nextCursor. */
async function cursorAt(port: number, token: string, query: Record<string, string>, position: number): Promise<string> {
  const pageSize = 500;
  let cursor = '';
  for (let seen = 0; seen < position; seen += pageSize) {
    const params = new URLSearchParams({ ...query, pageSize: String(Math.min(pageSize, position - seen)), ...(cursor ? { cursor } : {}) });
    const res = await fetchOnce(port, { method: 'GET', path: `/entries?${params}`, headers: { authorization: token } }, REQUEST_TIMEOUT_MS);
    const next = res.status === 200 && res.body ? (JSON.parse(res.body.toString()) as { nextCursor: string | null }).nextCursor : null;
    if (!next) throw new Error(`Paging to entry ${position} stopped at ${seen}: ${res.status} ${res.body?.toString().slice(0, 200)}`);
    cursor = next;
  }
  return cursor;
}

/** The cursors of the list's first `pages` pages of 50 ('' for the first), fewer when the list is shorter. */
async function pageCursors(port: number, token: string, query: Record<string, string>, pages: number): Promise<string[]> {
  const cursors = [''];
  while (cursors.length < pages) {
    const params = new URLSearchParams({ ...query, pageSize: '50', ...(cursors.at(-1) ? { cursor: cursors.at(-1)! } : {}) });
    const res = await fetchOnce(port, { method: 'GET', path: `/entries?${params}`, headers: { authorization: token } }, REQUEST_TIMEOUT_MS);
    const next = res.status === 200 && res.body ? (JSON.parse(res.body.toString()) as { nextCursor: string | null }).nextCursor : null;
    if (!next) break;
    cursors.push(next);
  }
  return cursors;
}

/** The printed table: every figure beside the ceilings of its size. */
export function httpTable(result: Awaited<ReturnType<typeof benchHttp>>): string {
  const rows = [['figure', 'entries', 'clients', 'req/s', 'p50', 'p99', 'errors', '×bare', '×insert', 'load', 'note']];
  for (const f of result.figures) {
    rows.push([
      f.figure,
      f.size.toLocaleString('en'),
      String(f.concurrency),
      f.reqPerSec.toLocaleString('en'),
      formatMs(f.p50Ms),
      formatMs(f.p99Ms),
      formatErrors(f.errors),
      f.ratioToBare?.toFixed(3) ?? '–',
      f.ratioToInsert?.toFixed(3) ?? '–',
      f.loadAverage.toFixed(2),
      f.note ?? '',
    ]);
  }
  return formatTable(rows, [1, 2, 3, 4, 5, 7, 8, 9]);
}
