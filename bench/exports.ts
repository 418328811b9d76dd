import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { dataSourceOptions } from '../src/core/database/data-source';
import { runMigrations } from '../src/core/database/migrate';
import { ENTITIES } from '../src/entities';
import { seedWorld } from '../src/seed/world';
import { ACCOUNTS, BENCH_PASSWORD, copyEditionExport, EDITION_KEY, nationalWorld, provinceCodes, seedEntries } from './http/world';
import { fetchOnce, LoadResult, runLoad } from './support/load';
import { benchRedis, memoryOf, sampleMemory, ServerProcess, startBenchApi } from './support/processes';
import { formatErrors, formatMs, formatTable, ratio } from './support/stats';
import { createBenchDatabase, dropBenchDatabase } from './support/bench-database';

/** Clients reading GET /auth/me, alone and beside an export. */
const AUTH_CLIENTS = 10;
const PROVINCES = 8;

export interface ExportBenchFigure {
  format: 'csv' | 'xlsx';
  status: number | string;
  ms: number | null;
  bytes: number;
  /** Ceiling: PostgreSQL's own `COPY (the same rows, in order) TO STDOUT`, same run. */
  copyMs: number;
  ratioToCopy: number | null;
  rssBeforeMb: number | null;
  rssPeakMb: number | null;
  rssAfterMb: number | null;
  authMeBeside: LoadResult;
}

export interface ExportBench {
  entries: number;
  copyMs: number;
  copyBytes: number;
  authMeAlone: LoadResult;
  figures: ExportBenchFigure[];
}

const mb = (n: number | null | undefined) => (n == null ? '–' : `${n.toLocaleString('en')} MB`);
const fileSize = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The national export (issue 13): the API alone (npm run start:api) over `entries` entries in 8 provinces, each
 * export timed beside PostgreSQL's COPY of the same rows in the same order, with the API's RSS sampled while it
 * runs and the p99 of GET /auth/me from AUTH_CLIENTS clients beside it next to the same clients without it.
 */
export async function benchExports(options: { root: string; adminUrl: string; entries: number; seconds: number }): Promise<ExportBench> {
  const { root, adminUrl, entries, seconds } = options;
  const { name: database, url: databaseUrl } = await createBenchDatabase(adminUrl, 'bench_exports');
  const db = new Client({ connectionString: databaseUrl });
  let api: ServerProcess | null = null;
  let redisStop: (() => Promise<void>) | null = null;
  try {
    const t0 = performance.now();
    await runMigrations(databaseUrl);
    await db.connect();
    const source = new DataSource(dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS));
    await source.initialize();
    const world = await source.transaction((manager) => seedWorld(manager, nationalWorld(PROVINCES, 1))).finally(() => source.destroy());
    const provinces = provinceCodes(PROVINCES);
    for (const [p, province] of provinces.entries()) {
      await seedEntries(db, world, province, Math.floor(entries / provinces.length) + (p < entries % provinces.length ? 1 : 0), 2017 + p);
    }
    await db.query('VACUUM ANALYZE entries, entry_authors, entry_stages');
    const edition = world.editions.get(EDITION_KEY)!.edition;
    const redis = await benchRedis(root);
    redisStop = redis.stop;
    const redisUrl = redis.url;
    api = await startBenchApi({ root, databaseUrl, database, redisUrl });
    const port = api.port;
    log(`Exports: ${entries.toLocaleString('en')} entries in ${PROVINCES} provinces seeded and the API up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const login = async (email: string) => {
      const res = await fetchOnce(port, { method: 'POST', path: '/auth/login', body: { email, password: BENCH_PASSWORD } });
      if (res.status !== 200 || !res.body) throw new Error(`Log-in of ${email} answered ${res.status}`);
      return `Bearer ${(JSON.parse(res.body.toString()) as { accessToken: string }).accessToken}`;
    };
    const national = await login(ACCOUNTS.national);
    const province = await login(ACCOUNTS.province);
    const authMe = () => ({ method: 'GET' as const, path: '/auth/me', headers: { authorization: province } });

    const tc = performance.now();
    const copyBytes = await copyEditionExport(db, edition.id);
    const copyMs = Math.round(performance.now() - tc);
    log(`  COPY of the export's rows: ${formatMs(copyMs)}, ${fileSize(copyBytes)}`);
    await runLoad({ port, concurrency: AUTH_CLIENTS, requests: AUTH_CLIENTS * 10, next: authMe });
    const authMeAlone = await runLoad({ port, concurrency: AUTH_CLIENTS, durationMs: seconds * 1000, next: authMe });
    log(`  GET /auth/me, ${AUTH_CLIENTS} clients alone: ${authMeAlone.reqPerSec} req/s, p99 ${formatMs(authMeAlone.p99Ms)}`);

    const figures: ExportBenchFigure[] = [];
    for (const format of ['csv', 'xlsx'] as const) {
      const before = memoryOf(api.pid);
      const sampler = sampleMemory(api.pid);
      let done = false;
      const beside = runLoad({ port, concurrency: AUTH_CLIENTS, until: () => done, timeoutMs: 120_000, next: authMe });
      let status: number | string = 0;
      let ms: number | null = null;
      let bytes = 0;
      try {
        const res = await fetchOnce(port, { method: 'GET', path: `/entries/export.${format}?editionId=${edition.id}`, headers: { authorization: national } }, 900_000);
        ({ status, bytes } = res);
        ms = Math.round(res.ms);
      } catch (error) {
        status = error instanceof Error ? error.message : String(error);
      } finally {
        done = true;
      }
      const authMeBeside = await beside;
      const peak = sampler.stop();
      // What the process keeps once the export is over.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const figure: ExportBenchFigure = {
        format,
        status,
        ms,
        bytes,
        copyMs,
        ratioToCopy: status === 200 ? ratio(copyMs, ms) : null,
        rssBeforeMb: before?.rssMb ?? null,
        rssPeakMb: peak,
        rssAfterMb: memoryOf(api.pid)?.rssMb ?? null,
        authMeBeside,
      };
      figures.push(figure);
      log(
        `  export ${format.toUpperCase()}: ${status} in ${formatMs(ms)}, ${fileSize(bytes)}, API RSS ${mb(figure.rssBeforeMb)} → peak ${mb(peak)} → ${mb(figure.rssAfterMb)}; ` +
          `/auth/me beside it p99 ${formatMs(authMeBeside.p99Ms)}`,
      );
    }
    return { entries, copyMs, copyBytes, authMeAlone, figures };
  } finally {
    await api?.stop().catch(() => undefined);
    if (redisStop) await redisStop().catch(() => undefined);
    await db.end().catch(() => undefined);
    await dropBenchDatabase(adminUrl, database);
  }
}

export function exportsTable(bench: ExportBench): string {
  const rows = [['figure', 'entries', 'time', 'COPY (same run)', '×COPY', 'API RSS before → peak → after', `/auth/me p99, ${AUTH_CLIENTS} clients`, 'alone', 'errors', 'load']];
  for (const f of bench.figures) {
    rows.push([
      `export ${f.format.toUpperCase()} (national), ${fileSize(f.bytes)}`,
      bench.entries.toLocaleString('en'),
      f.status === 200 ? formatMs(f.ms) : String(f.status),
      formatMs(f.copyMs),
      f.ratioToCopy?.toFixed(3) ?? '–',
      `${mb(f.rssBeforeMb)} → ${mb(f.rssPeakMb)} → ${mb(f.rssAfterMb)}`,
      formatMs(f.authMeBeside.p99Ms),
      formatMs(bench.authMeAlone.p99Ms),
      formatErrors(f.authMeBeside.errors),
      f.authMeBeside.loadAverage.toFixed(2),
    ]);
  }
  return formatTable(rows, [1, 2, 3, 4, 6, 7, 9]);
}
