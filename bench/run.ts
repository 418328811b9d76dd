import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
import { entrySearchKey } from '../src/entries/entry-draft';
import { registrationMail } from '../src/entries/entry-registration';
import { readEntryRows } from '../src/entries/entry-rows';
import { readTable } from '../src/core/spreadsheet';
import { DEMO_CONTEST, DEMO_EDITION, DEMO_PROVINCE, demoWorld } from '../src/seed/demo-world';
import { seedWorld, World } from '../src/seed/world';
import { benchAssignment } from './assignment';
import { copyRows } from './copy';
import { csvOf, entryRows, xlsxOf } from './entries-file';

/** Entries of the Sóc Trăng youth contest, 6th edition (2017): the size the issue asks for. */
const ROWS = 3829;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A PostgreSQL server to create the bench database on: BENCH_DATABASE_URL's, or an embedded one under .data/bench-server. */
async function databaseServer(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { adminUrl: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  const embedded = await startEmbeddedPostgres(join(ROOT, '.data', 'bench-server'));
  return { adminUrl: embedded.superuserUrl, stop: embedded.stop };
}

async function onServer(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Times `work` once after a warm-up, `RUNS` times, each after `reset`. */
async function measure(name: string, reset: () => Promise<void>, work: () => Promise<void>): Promise<Figure> {
  const figure: Figure = { name, runs: [], ms: [] };
  for (let run = 0; run <= RUNS; run += 1) {
    await reset();
    const started = process.hrtime.bigint();
    await work();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run === 0) continue;
    figure.ms.push(Math.round(ms * 10) / 10);
    figure.runs.push(Math.round((ROWS / ms) * 1000));
  }
  process.stdout.write(`  ${name}: median ${median(figure.ms).toFixed(1)} ms\n`);
  return figure;
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
      id, edition.id, school.id, school.path, fields.get(draft.fieldCode)!.id, draft.reference, draft.title, draft.summary,
      draft.contactName, draft.contactEmail, draft.contactPhone, draft.createdYear, entrySearchKey(draft), actor.userId,
    ]),
    authors: entries.flatMap(({ id, row }) => row.draft.authors.map((a, i) => [id, i + 1, a.fullName, a.birthDate, a.classOrJob])),
    // The demo's first stage runs at the school itself.
    stages: entries.map(({ id, school }) => [id, stages[0].id, school.id]),
    audit: entries.map(({ id, row, school }) => [actor.userId, school.path, 'entry.register', 'entry', id, JSON.stringify({ ...row.draft, status: 'registered' })]),
    outbox: entries.map(({ id, row, school }) => {
      const mail = registrationMail({ id, title: row.draft.title, reference: row.draft.reference }, school, edition, contest.name, row.draft.contactEmail);
      return [mail.eventKey, mail.topic, JSON.stringify(mail.payload)];
    }),
  };
}

const ENTRY_COLUMNS = ['id', 'edition_id', 'unit_id', 'unit_path', 'field_id', 'reference', 'title', 'summary', 'contact_name', 'contact_email', 'contact_phone', 'created_year', 'search_key', 'created_by'];

async function main(): Promise<void> {
  const server = await databaseServer();
  const database = `bench_${Date.now().toString(36)}`;
  await onServer(server.adminUrl, `CREATE DATABASE "${database}"`);
  const url = new URL(server.adminUrl);
  url.pathname = `/${database}`;
  const source = new DataSource(dataSourceOptions(url.toString(), ENTITIES, MIGRATIONS));
  const client = new Client({ connectionString: url.toString() });
  try {
    await runMigrations(url.toString());
    await source.initialize();
    await client.connect();
    // The demo season's world (Sóc Trăng, its districts and schools), its provincial organiser importing for all of them.
    const spec = demoWorld();
    const world = await source.transaction((manager) => seedWorld(manager, spec));
    const { edition, fields } = world.editions.get(EDITION)!;
    const province = world.units.get(DEMO_PROVINCE)!;
    const organiser = spec.users.find((u) => u.grants.some((g) => g.role === 'organiser' && g.unit === DEMO_PROVINCE))!;
    const actor = new Actor(world.users.get(organiser.email)!.id, organiser.email, [{ role: 'organiser', unitId: province.id, unitPath: province.path }]);
    const service = new BulkImportService(source, new AuditService(source), new OutboxService());
    const schools = spec.units.filter((u) => u.level === 'school').map((u) => u.code);
    const rows = entryRows(schools, [...fields.keys()], ROWS);
    const csv = csvOf(rows);
    const payloads = await copyPayloads(world, actor, csv);
    const reset = () => source.query('TRUNCATE entries, entry_authors, entry_stages, dossier_files, outbox, audit_log').then(() => undefined);
    const importFile = (content: Buffer, filename: string) => async () => {
      const result = await service.import(actor, edition.id, { filename, declaredType: 'application/octet-stream', content, fields: {} });
      if (result.created !== ROWS) throw new Error(`The import created ${result.created} entries, expected ${ROWS}`);
    };
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    await reset();
    await importFile(csv, 'bench.csv')();
    const peakAfterOneImport = process.resourceUsage().maxRSS * 1024;

    process.stdout.write(
      `Bulk registration of ${ROWS} entries (${schools.length} schools, 1-3 authors each), median of ${RUNS} runs after a warm-up.\n` +
        'bulk import = BulkImportService.import (parse + validate + write, no HTTP); raw COPY, all 5 tables = COPY FROM STDIN of the same rows\n' +
        'into entries, entry_authors, entry_stages, audit_log and outbox in one transaction (what the import writes).\n\n',
    );
    const csvImport = await measure('bulk import, CSV', reset, importFile(csv, 'bench.csv'));
    const peakAfterCsv = process.resourceUsage().maxRSS * 1024;
    const copyEntries = await measure('raw COPY into entries', reset, () => copyRows(client, 'entries', ENTRY_COLUMNS, payloads.entries));
    const copyAll = await measure('raw COPY, all 5 tables', reset, async () => {
      await client.query('BEGIN');
      await copyRows(client, 'entries', ENTRY_COLUMNS, payloads.entries);
      await copyRows(client, 'entry_authors', ['entry_id', 'position', 'full_name', 'birth_date', 'class_or_job'], payloads.authors);
      await copyRows(client, 'entry_stages', ['entry_id', 'stage_id', 'unit_id'], payloads.stages);
      await copyRows(client, 'audit_log', ['actor_id', 'unit_path', 'action', 'entity_type', 'entity_id', 'after'], payloads.audit);
      await copyRows(client, 'outbox', ['event_key', 'topic', 'payload'], payloads.outbox);
      await client.query('COMMIT');
    });
    const xlsx = await xlsxOf(rows);
    const xlsxImport = await measure('bulk import, XLSX', reset, importFile(xlsx, 'bench.xlsx'));
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
      memory: { peakRssBeforeImportsMb: mb(rssBefore), peakRssAfterOneCsvImportMb: mb(peakAfterOneImport), peakRssAfterAllCsvImportsMb: mb(peakAfterCsv), peakRssMb: mb(peak) },
      figures: [csvImport, copyEntries, copyAll, xlsxImport],
      assignment,
    };

    const table = [
      ['figure', 'rows/s', 'ceiling (same run)', 'rows/s', 'ratio'],
      ...comparisons.map((c) => [c.figure, c.rowsPerSecond.toLocaleString('en'), c.ceiling, c.ceilingRowsPerSecond.toLocaleString('en'), c.ratio.toFixed(3)]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    process.stdout.write(`\n${table.map((row) => row.map((cell, i) => (i % 2 === 1 || i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')).join('\n')}\n`);
    process.stdout.write(
      `\n${ROWS}-row import wall time (median): CSV ${median(csvImport.ms).toFixed(0)} ms, XLSX ${median(xlsxImport.ms).toFixed(0)} ms` +
        `\nPeak RSS of the bench process: ${mb(rssBefore)} MB with the world seeded and the file built, ${mb(peakAfterOneImport)} MB after one CSV import, ` +
        `${mb(peakAfterCsv)} MB after all CSV runs, ${mb(peak)} MB overall (XLSX included)\n` +
        `Judge assignment (assignJudges, ${assignment.entries} entries × ${assignment.judges} judges, k = ${assignment.k}): median ${assignment.medianMs} ms, loads within ${assignment.spread}\n`,
    );
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`Written to ${join(dir, 'latest.json')}\n`);
  } finally {
    await client.end().catch(() => undefined);
    if (source.isInitialized) await source.destroy();
    await onServer(server.adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await server.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
