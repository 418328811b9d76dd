import { ActorCache } from '../src/core/auth/actor-cache';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { Actor } from '../src/core/auth/actor';
import { AuditService } from '../src/core/audit/audit.service';
import { OutboxService } from '../src/core/outbox/outbox.service';
import { dataSourceOptions } from '../src/core/database/data-source';
import { runMigrations } from '../src/core/database/migrate';
import { startEmbeddedPostgres } from '../src/core/infrastructure/embedded-postgres';
import { ENTITIES } from '../src/entities';
import { BulkImportService } from '../src/entries/bulk-import.service';
import { EntriesRepository } from '../src/entries/entries.repository';
import { entrySearchKey } from '../src/entries/entry-draft';
import { registrationMail } from '../src/core/outbox/mail-catalogue';
import { readEntryRows } from '../src/entries/entry-rows';
import { readTable } from '../src/core/spreadsheet';
import { DEMO_CONTEST, DEMO_EDITION, DEMO_PROVINCE, demoWorld } from '../src/seed/demo-world';
import { seedWorld, World } from '../src/seed/world';
import { benchAssignment } from './assignment';
import { benchResults } from './results';
import { copyRows, ENTRY_COLUMNS } from './copy';
import { mailModule } from './mail';
import { csvOf, entryRows, xlsxOf } from './entries-file';
import { ContestRepository } from '../src/contests/contest.repository';
import { EditionRepository } from '../src/contests/edition.repository';
import { ContestsService } from '../src/contests/contests.service';
import { UnitsRepository } from '../src/units/units.repository';
import { UnitMoves } from '../src/units/unit-moves';
import { UnitReader } from '../src/units/unit-reader';
import { UnitsService } from '../src/units/units.service';
import { AccessService } from '../src/core/access/access.service';
import { benchHttp, httpTable } from './http/http-bench';
import { benchScoring, scoringText } from './http/scoring-bench';
import { benchExports, exportsTable } from './exports';
import { nationalModule } from './national';
import { BenchModule, BenchRow, ModuleResult, suiteTable, updateBenchmarksMd } from './support/suite';
import { createBenchDatabase, dropBenchDatabase } from './support/bench-database';
import { median } from './support/stats';

/** `--quick` (or BENCH_QUICK=1): fewer runs, shorter load runs, the HTTP figures at 20,000 entries only. */
const QUICK = process.argv.includes('--quick') || ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');
/** `--only=import,national` (or BENCH_ONLY): the named modules of MODULES alone. */
const ONLY = (process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
/** Entries of the national export figures (BENCH_EXPORT_ENTRIES). */
const EXPORT_ENTRIES = Number(process.env.BENCH_EXPORT_ENTRIES ?? (QUICK ? 20_000 : 150_000));
const HTTP_SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '20000' : '20000,150000')).split(',').map(Number);
if (HTTP_SIZES.some((n, i) => !Number.isInteger(n) || n < 1000 || (i > 0 && n <= HTTP_SIZES[i - 1]))) {
  throw new Error(`BENCH_SIZES must be ascending entry counts of 1000 or more; got "${process.env.BENCH_SIZES}"`);
}
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 10));
if (!(HTTP_SECONDS > 0)) throw new Error(`BENCH_SECONDS must be a positive number of seconds; got "${process.env.BENCH_SECONDS}"`);
/** Sóc Trăng alone holds the first size; the larger ones spread over this many provinces. */
const HTTP_PROVINCES = 8;

/** Entries of the Sóc Trăng youth contest, 6th edition (2017): the size the issue asks for. */
const ROWS = 3829;
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 2 : 7));
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a whole number of runs, 1 or more; got "${process.env.BENCH_RUNS}"`);
const ROOT = resolve(__dirname, '..', '..');
const EDITION = `${DEMO_CONTEST}#${DEMO_EDITION}`;

interface Figure {
  name: string;
  /** Rows per second of each measured run. */
  runs: number[];
  /** Wall time of each measured run, ms. */
  ms: number[];
}

interface Comparison {
  figure: string;
  rowsPerSecond: number;
  ceiling: string;
  ceilingRowsPerSecond: number;
  ratio: number;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A PostgreSQL server to create the bench database on: BENCH_DATABASE_URL's, or an embedded one under .data/bench-server. */
async function databaseServer(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { adminUrl: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  const embedded = await startEmbeddedPostgres(join(ROOT, '.data', 'bench-server'));
  return { adminUrl: embedded.superuserUrl, stop: embedded.stop };
}

/**
 * Times each work `RUNS` times, after a warm-up round, each run after `reset`. The works take turns, round after
 * round, so that a figure and its ceiling see the same machine: measured one after the other, whatever slowed the
 * machine (another process, a checkpoint, autovacuum) fell on one of them only.
 */
async function measureInTurn(reset: () => Promise<void>, works: Array<[name: string, work: () => Promise<void>]>): Promise<Figure[]> {
  const figures: Figure[] = works.map(([name]) => ({ name, runs: [], ms: [] }));
  for (let run = 0; run <= RUNS; run += 1) {
    for (const [i, [, work]] of works.entries()) {
      await reset();
      const started = process.hrtime.bigint();
      await work();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (run === 0) continue;
      figures[i].ms.push(Math.round(ms * 10) / 10);
      figures[i].runs.push(Math.round((ROWS / ms) * 1000));
    }
  }
  for (const figure of figures) process.stdout.write(`  ${figure.name}: median ${median(figure.ms).toFixed(1)} ms\n`);
  return figures;
}

/**
 * The rows exactly as the import stores them, one array per table, so the ceiling COPYs the same data
 * into the same tables. Built once, outside the timing.
 */
async function copyPayloads(world: World, actor: Actor, file: Buffer) {
  const { edition, fields, stages } = world.editions.get(EDITION)!;
  const rules = { eligibility: edition.eligibility, maxAuthors: edition.maxAuthors, fieldCodes: new Set(fields.keys()) };
  const { rows } = readEntryRows(await readTable(file), rules, { schoolCodeRequired: true });
  const contest = world.contests.get(DEMO_CONTEST)!;
  const entries = rows.map((row) => ({ id: randomUUID(), row, school: world.units.get(row.schoolCode!)! }));
  return {
    entries: entries.map(({ id, row: { draft }, school }) => [
      id,
      edition.id,
      school.id,
      school.path,
      fields.get(draft.fieldCode)!.id,
      draft.reference,
      draft.title,
      draft.summary,
      draft.contactName,
      draft.contactEmail,
      draft.contactPhone,
      draft.createdYear,
      entrySearchKey(draft),
      actor.userId,
      // The demo's first stage runs at the school itself: it is the entry's current stage.
      stages[0].id,
      school.id,
    ]),
    authors: entries.flatMap(({ id, row }) => row.draft.authors.map((a, i) => [id, i + 1, a.fullName, a.birthDate, a.classOrJob])),
    // The demo's first stage runs at the school itself.
    stages: entries.map(({ id, school }) => [id, stages[0].id, school.id]),
    audit: entries.map(({ id, row, school }) => [actor.userId, school.path, 'entry.register', 'entry', id, JSON.stringify({ ...row.draft, status: 'registered' })]),
    outbox: registrationMail({
      contestName: contest.name,
      edition,
      entries: entries.map(({ id, row, school }) => ({ id, title: row.draft.title, reference: row.draft.reference, school, contactEmail: row.draft.contactEmail })),
    }).map((mail) => [mail.eventKey, mail.topic, JSON.stringify(mail.payload)]),
  };
}

/** Bulk import against raw COPY, and judge assignment, on a database of its own on the server. */
async function benchImport(server: { adminUrl: string }) {
  const { name: database, url } = await createBenchDatabase(server.adminUrl, 'bench');
  const source = new DataSource(dataSourceOptions(url, ENTITIES, MIGRATIONS));
  const client = new Client({ connectionString: url });
  try {
    await runMigrations(url);
    await source.initialize();
    await client.connect();
    // The demo season's world (Sóc Trăng, its districts and schools), its provincial organiser importing for all of them.
    const spec = demoWorld();
    const world = await source.transaction((manager) => seedWorld(manager, spec));
    const { edition, fields } = world.editions.get(EDITION)!;
    const province = world.units.get(DEMO_PROVINCE)!;
    const organiser = spec.users.find((u) => u.grants.some((g) => g.role === 'organiser' && g.unit === DEMO_PROVINCE))!;
    const actor = new Actor(world.users.get(organiser.email)!.id, organiser.email, [{ role: 'organiser', unitId: province.id, unitPath: province.path }]);
    const service = new BulkImportService(
      source,
      new EntriesRepository(),
      new AuditService(source),
      new OutboxService(),
      new UnitsService(source, new UnitsRepository(source), new AuditService(source), new AccessService(source), new UnitMoves(), new ActorCache()),
      new ContestsService(source, new AuditService(source), new EditionRepository(), new AccessService(source), new ContestRepository(), new UnitReader(source)),
    );
    const schools = spec.units.filter((u) => u.level === 'school').map((u) => u.code);
    const rows = entryRows(schools, [...fields.keys()], ROWS);
    const csv = csvOf(rows);
    const payloads = await copyPayloads(world, actor, csv);
    const reset = () => source.query('TRUNCATE entries, entry_authors, entry_stages, dossier_files, outbox, audit_log, advancements, prize_list_items CASCADE').then(() => undefined);
    const importFile = (content: Buffer, filename: string) => async () => {
      const result = await service.import(actor, edition.id, { filename, declaredType: 'application/octet-stream', content, fields: {} });
      if (result.created !== ROWS) throw new Error(`The import created ${result.created} entries, expected ${ROWS}`);
    };
    const xlsx = await xlsxOf(rows);
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    await reset();
    await importFile(csv, 'bench.csv')();
    const peakAfterOneCsv = process.resourceUsage().maxRSS * 1024;
    await reset();
    await importFile(xlsx, 'bench.xlsx')();
    const peakAfterOneXlsx = process.resourceUsage().maxRSS * 1024;

    process.stdout.write(
      `Bulk registration of ${ROWS} entries (${schools.length} schools, 1-3 authors each), median of ${RUNS} runs after a warm-up, the four taking turns.\n` +
        'bulk import = BulkImportService.import (parse + validate + write, no HTTP); raw COPY, all 5 tables = COPY FROM STDIN of the same rows\n' +
        'into entries, entry_authors, entry_stages, audit_log and outbox in one transaction (what the import writes).\n\n',
    );
    const [csvImport, copyEntries, copyAll, xlsxImport] = await measureInTurn(reset, [
      ['bulk import, CSV', importFile(csv, 'bench.csv')],
      ['raw COPY into entries', () => copyRows(client, 'entries', ENTRY_COLUMNS, payloads.entries)],
      [
        'raw COPY, all 5 tables',
        async () => {
          await client.query('BEGIN');
          await copyRows(client, 'entries', ENTRY_COLUMNS, payloads.entries);
          await copyRows(client, 'entry_authors', ['entry_id', 'position', 'full_name', 'birth_date', 'class_or_job'], payloads.authors);
          await copyRows(client, 'entry_stages', ['entry_id', 'stage_id', 'unit_id'], payloads.stages);
          await copyRows(client, 'audit_log', ['actor_id', 'unit_path', 'action', 'entity_type', 'entity_id', 'after'], payloads.audit);
          await copyRows(client, 'outbox', ['event_key', 'topic', 'payload'], payloads.outbox);
          await client.query('COMMIT');
        },
      ],
      ['bulk import, XLSX', importFile(xlsx, 'bench.xlsx')],
    ]);
    const peak = process.resourceUsage().maxRSS * 1024;
    const assignment = benchAssignment(RUNS);

    const rate = (f: Figure) => median(f.runs);
    const compare = (figure: Figure, ceiling: Figure): Comparison => ({
      figure: figure.name,
      rowsPerSecond: rate(figure),
      ceiling: ceiling.name,
      ceilingRowsPerSecond: rate(ceiling),
      ratio: Math.round((rate(figure) / rate(ceiling)) * 1000) / 1000,
    });
    const comparisons = [compare(csvImport, copyEntries), compare(csvImport, copyAll), compare(xlsxImport, copyEntries), compare(xlsxImport, copyAll)];
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMb: mb(totalmem()), node: process.version, platform: process.platform },
      database: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL (.data/bench-server)',
      rows: ROWS,
      schools: schools.length,
      runs: RUNS,
      level: 'service (BulkImportService.import, no HTTP)',
      comparisons,
      import: {
        csvWallMsMedian: median(csvImport.ms),
        xlsxWallMsMedian: median(xlsxImport.ms),
        fileBytes: { csv: csv.length, xlsx: xlsx.length },
      },
      memory: { peakRssBeforeImportsMb: mb(rssBefore), peakRssAfterOneCsvImportMb: mb(peakAfterOneCsv), peakRssAfterOneXlsxImportMb: mb(peakAfterOneXlsx), peakRssMb: mb(peak) },
      figures: [csvImport, copyEntries, copyAll, xlsxImport],
      assignment,
    };

    const table = [
      ['figure', 'rows/s', 'ceiling (same run)', 'rows/s', 'ratio'],
      ...comparisons.map((c) => [c.figure, c.rowsPerSecond.toLocaleString('en'), c.ceiling, c.ceilingRowsPerSecond.toLocaleString('en'), c.ratio.toFixed(3)]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    const text =
      `${table.map((row) => row.map((cell, i) => (i % 2 === 1 || i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')).join('\n')}\n` +
      `\n${ROWS}-row import wall time (median): CSV ${median(csvImport.ms).toFixed(0)} ms, XLSX ${median(xlsxImport.ms).toFixed(0)} ms` +
      `\nPeak RSS of the bench process: ${mb(rssBefore)} MB with the world seeded and the files built, ${mb(peakAfterOneCsv)} MB after one CSV import, ` +
      `${mb(peakAfterOneXlsx)} MB after one XLSX import, ${mb(peak)} MB after all runs\n` +
      `Judge assignment (assignJudges, ${assignment.entries} entries × ${assignment.judges} judges, k = ${assignment.k}): median ${assignment.medianMs} ms, loads within ${assignment.spread}\n`;
    return { results, text };
  } finally {
    await client.end().catch(() => undefined);
    if (source.isInitialized) await source.destroy();
    await dropBenchDatabase(server.adminUrl, database);
  }
}

/** Bulk import against raw COPY, and assignment: their figures as rows of the suite's table. */
const importModule: BenchModule = {
  name: 'import',
  async run({ adminUrl }) {
    const bulk = await benchImport({ adminUrl });
    const { comparisons, assignment } = bulk.results;
    const rows: BenchRow[] = comparisons.map((c) => ({
      figure: c.figure,
      value: c.rowsPerSecond,
      unit: 'rows/s',
      ceiling: c.ceilingRowsPerSecond,
      ceilingFigure: c.ceiling,
      ratio: c.ratio,
      target: c.ceiling.includes('all 5') ? '≥ 0.5' : undefined,
    }));
    rows.push({ figure: `assignment, ${assignment.entries} entries × ${assignment.judges} judges, k = ${assignment.k}`, value: assignment.medianMs, unit: 'ms' });
    return { rows, details: bulk.results, text: bulk.text };
  },
};

/** Prize-list preview and season reports (bench/results.ts), each beside the bare SQL computing the same in the same run. */
const resultsModule: BenchModule = {
  name: 'results',
  async run({ adminUrl }) {
    const { results, text } = await benchResults(adminUrl, RUNS);
    const rows: BenchRow[] = [
      {
        figure: `prize list preview, ${results.entries}-entry stage`,
        value: results.prizeListMedianMs,
        unit: 'ms',
        ceiling: results.bareRankingSqlMedianMs,
        ceilingFigure: 'bare ranking SQL',
        ratio: results.prizeListMedianMs ? Math.round((results.bareRankingSqlMedianMs / results.prizeListMedianMs) * 1000) / 1000 : null,
        target: '≤ 2× (ratio ≥ 0.5)',
      },
      ...results.reports.map((r) => ({
        figure: `season report, ${r.scope}, ${r.entries.toLocaleString('en')} entries`,
        value: r.reportMedianMs,
        unit: 'ms',
        ceiling: r.bareAggregationSqlMedianMs,
        ceilingFigure: 'bare aggregation SQL',
        ratio: r.reportMedianMs ? Math.round((r.bareAggregationSqlMedianMs / r.reportMedianMs) * 1000) / 1000 : null,
        target: r.entries >= 100_000 ? '< 3,000 ms' : '< 1,000 ms',
      })),
    ];
    return { rows, details: results, text };
  },
};

/** Score submission over HTTP (bench/http/scoring-bench.ts) beside GET /auth/me on the same server in the same run. */
const scoringModule: BenchModule = {
  name: 'scoring',
  async run({ root, adminUrl }) {
    const scoring = await benchScoring({ root, adminUrl, seconds: HTTP_SECONDS });
    const rows: BenchRow[] = [
      {
        figure: `score submission, ${scoring.judges} judges (p99 ${Math.round(scoring.saveSheet.p99Ms)} ms, target < 50 ms)`,
        value: scoring.saveSheet.reqPerSec,
        unit: 'req/s',
        ceiling: scoring.authMe.reqPerSec,
        ceilingFigure: 'GET /auth/me',
        ratio: scoring.ratioToAuthMe,
        target: '≥ 0.5',
      },
    ];
    return { rows, details: scoring, text: scoringText(scoring) };
  },
};

/** National exports streamed over HTTP (bench/exports.ts), each beside PostgreSQL's COPY of the same rows, and /auth/me beside them. */
const exportsModule: BenchModule = {
  name: 'exports',
  async run({ root, adminUrl }) {
    const bench = await benchExports({ root, adminUrl, entries: EXPORT_ENTRIES, seconds: HTTP_SECONDS });
    const rows: BenchRow[] = bench.figures.flatMap((f) => [
      {
        figure: `export ${f.format.toUpperCase()}, ${bench.entries.toLocaleString('en')} entries (API RSS peak ${f.rssPeakMb ?? '?'} MB)`,
        value: f.status === 200 ? f.ms : null,
        unit: 'ms',
        ceiling: f.copyMs,
        ceilingFigure: 'COPY TO STDOUT',
        ratio: f.ratioToCopy,
      },
      {
        figure: `GET /auth/me p99 beside the ${f.format.toUpperCase()} export`,
        value: f.authMeBeside.p99Ms,
        unit: 'ms',
        ceiling: bench.authMeAlone.p99Ms,
        ceilingFigure: 'the same, no export running',
        ratio: f.authMeBeside.p99Ms ? Math.round((bench.authMeAlone.p99Ms / f.authMeBeside.p99Ms) * 1000) / 1000 : null,
      },
    ]);
    return { rows, details: bench, text: `Exports streamed beside PostgreSQL's COPY of the same rows, and GET /auth/me beside them:\n${exportsTable(bench)}` };
  },
};

/** The HTTP figures (bench/http): each route's req/s beside the bare Fastify handler of the same size and run. */
const httpModule: BenchModule = {
  name: 'http',
  async run({ root, adminUrl }) {
    process.stdout.write(
      `\nHTTP: ${HTTP_SIZES.map((n) => n.toLocaleString('en')).join(' and ')} entries, 50 concurrent clients, ${HTTP_SECONDS} s per figure after a warm-up; ` +
        `${cpus().length} cores, load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}\n`,
    );
    const t0 = performance.now();
    const result = await benchHttp({ root, adminUrl, sizes: HTTP_SIZES, seconds: HTTP_SECONDS, provinces: HTTP_PROVINCES });
    const http = { ...result, wallSeconds: Math.round((performance.now() - t0) / 1000) };
    const rows: BenchRow[] = http.figures.map((f) => ({
      figure: `${f.figure} (${f.size.toLocaleString('en')} entries, p99 ${Math.round(f.p99Ms)} ms)`,
      value: f.reqPerSec,
      unit: 'req/s',
      ceiling: f.ratioToBare ? Math.round(f.reqPerSec / f.ratioToBare) : null,
      ceilingFigure: 'bare Fastify handler',
      ratio: f.ratioToBare,
      load: f.loadAverage,
    }));
    const text = `HTTP figures (${http.cores} cores; each route beside the bare Fastify handler and the insert endpoint measured at the same size in the same run; load = 1-minute load average when the figure ended):\n${httpTable(http)}\n`;
    return { rows, details: http, text };
  },
};

/** The suite, in order. A module adds itself here; `--only=` names modules. */
const MODULES: BenchModule[] = [importModule, mailModule, resultsModule, scoringModule, exportsModule, httpModule, nationalModule];

async function main(): Promise<void> {
  const unknown = ONLY.filter((name) => !MODULES.some((m) => m.name === name));
  if (unknown.length) throw new Error(`--only names unknown modules (${unknown.join(', ')}); there are ${MODULES.map((m) => m.name).join(', ')}`);
  const started = performance.now();
  const server = await databaseServer();
  try {
    const results: ModuleResult[] = [];
    const details: Record<string, unknown> = {};
    for (const module of MODULES.filter((m) => !ONLY.length || ONLY.includes(m.name))) {
      const t0 = performance.now();
      const out = await module.run({ root: ROOT, adminUrl: server.adminUrl, quick: QUICK });
      results.push({ module: module.name, seconds: Math.round((performance.now() - t0) / 1000), load: loadavg()[0], rows: out.rows });
      details[module.name] = out.details;
      if (out.text) process.stdout.write(`\n${out.text}\n`);
    }
    const wallSeconds = Math.round((performance.now() - started) / 1000);
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMb: mb(totalmem()), node: process.version, platform: process.platform, loadAverageAtEnd: loadavg() };
    const table = suiteTable(results);
    const header =
      `${new Date().toISOString()}${QUICK ? ' (--quick)' : ''}; ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryMb} MB, Node ${machine.node}. ` +
      'ratio = figure / ceiling (for times, ceiling / figure); load = 1-minute load average when the figure was measured';
    process.stdout.write(`\nThe suite (${header}; ${results.map((r) => `${r.module} ${r.seconds} s`).join(', ')}):\n${table}\n\nBench wall time: ${wallSeconds} s${QUICK ? ' (--quick)' : ''}\n`);
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const latest = {
      ...((details.import as object | undefined) ?? {}),
      date: new Date().toISOString(),
      quick: QUICK,
      wallSeconds,
      machine,
      database: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL (.data/bench-server)',
      http: details.http ?? null,
      suite: results,
      // The other modules' details (import's are spread above, http's under `http`).
      modules: Object.fromEntries(Object.entries(details).filter(([name]) => name !== 'import' && name !== 'http')),
    };
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
    updateBenchmarksMd(join(ROOT, 'BENCHMARKS.md'), results, header);
    process.stdout.write(`Written to ${join(dir, 'latest.json')} and BENCHMARKS.md\n`);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
