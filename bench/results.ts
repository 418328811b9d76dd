import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { Actor } from '../src/core/auth/actor';
import { AuditService } from '../src/core/audit/audit.service';
import { dataSourceOptions } from '../src/core/database/data-source';
import { runMigrations } from '../src/core/database/migrate';
import { OutboxService } from '../src/core/outbox/outbox.service';
import { ENTITIES } from '../src/entities';
import { PrizeListsService } from '../src/results/prize-lists.service';
import { ResultsRepository } from '../src/results/results.repository';
import { SeasonReportService } from '../src/results/season-report.service';
import { StageReader } from '../src/contests/stage-reader';
import { StageEntries } from '../src/entries/stage-entries';
import { UnitReader } from '../src/units/unit-reader';
import type { StageScore, StageScoreReader } from '../src/results/stage-scores';
import { seedWorld, World } from '../src/seed/world';
import { ACCOUNTS, EDITION_KEY, nationalWorld } from './http/world';
import { createBenchDatabase, dropBenchDatabase } from './support/bench-database';

export interface ResultsBench {
  /** Entries of the province stage the prize list is previewed for. */
  entries: number;
  prizeListMedianMs: number;
  bareRankingSqlMedianMs: number;
  /** Prize list preview over the bare ranking SQL: the target is under 2. */
  ratio: number;
  reports: Array<{ scope: string; entries: number; reportMedianMs: number; bareAggregationSqlMedianMs: number; ratio: number }>;
}

const PROVINCES = 8;
const PRIZE_LIST_ENTRIES = 5000;
const PROVINCE_REPORT_ENTRIES = 4000;
const NATIONAL_REPORT_ENTRIES = 150_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Runs before the timed ones: a fresh process compiles the path on its first few calls, which a serving API has long done. */
const WARM_UP_RUNS = 3;

async function timed(runs: number, work: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let run = 0; run < WARM_UP_RUNS + runs; run += 1) {
    const started = process.hrtime.bigint();
    await work();
    if (run >= WARM_UP_RUNS) ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return Math.round(median(ms) * 10) / 10;
}

const organiserAt = (world: World, email: string, unitCode: string) => {
  const unit = world.units.get(unitCode)!;
  return new Actor(world.users.get(email)!.id, email, [{ role: 'organiser', unitId: unit.id, unitPath: unit.path }]);
};

/**
 * `count` registered entries of the edition under `unitPath`, spread over its schools and the fields, every one
 * at the school stage. Written by SQL: the bench measures reading them, not registering them.
 */
async function registerEntries(source: DataSource, world: World, unitPath: string, count: number): Promise<void> {
  const { edition, fields, stages } = world.editions.get(EDITION_KEY)!;
  const schools = [...world.units.values()].filter((u) => u.levelCode === 'school' && u.path.startsWith(unitPath));
  await source.query('TRUNCATE entries, entry_authors, entry_stages, advancements, prize_lists, prize_list_versions, prize_list_items, bench_scores CASCADE');
  await source.query(
    `INSERT INTO entries (edition_id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email, search_key)
     SELECT $1, s.id, s.path, f.id, 'B' || lpad(g::text, 6, '0'), 'Sản phẩm ' || g, 'Mô hình', 'Giáo viên', 'gv@bench.vn', 'san pham ' || g
       FROM generate_series(0, $5 - 1) g
       JOIN unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS s(id, path, n) ON s.n = g % cardinality($2::uuid[]) + 1
       JOIN unnest($4::uuid[]) WITH ORDINALITY AS f(id, n) ON f.n = (g / cardinality($2::uuid[])) % cardinality($4::uuid[]) + 1`,
    [edition.id, schools.map((s) => s.id), schools.map((s) => s.path), [...fields.values()].map((f) => f.id), count],
  );
  await source.query(`INSERT INTO entry_authors (entry_id, position, full_name) SELECT id, 1, 'Học sinh ' || reference FROM entries`);
  await source.query(`INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT id, $1, unit_id FROM entries`, [stages[0].id]);
  // Few distinct scores, so tie groups and tie-breaks happen as in a real round.
  await source.query(
    `INSERT INTO bench_scores SELECT id, field_id, unit_id, 40 + (hashtext(id::text) & 2047) / 40.0, (hashtext(reference) & 31), (hashtext(title) & 31), (hashtext(id::text || 's') & 15) FROM entries`,
  );
  await source.query('ANALYZE entries, entry_authors, entry_stages, bench_scores');
}

/**
 * A season as the report reads it: about 55% of the school stage sent to the districts, the best 6% of those to
 * the province, the best 40% of those awarded on a published list per province, 6 per province sent to the nation.
 */
async function playSeason(source: DataSource, world: World, actorId: string): Promise<void> {
  const { stages } = world.editions.get(EDITION_KEY)!;
  const [school, district, province, nation] = [...stages].sort((a, b) => a.position - b.position);
  const up = async (from: typeof school, to: typeof school, share: number) => {
    await source.query(
      `WITH ranked AS (
         SELECT es.entry_id, es.unit_id AS from_unit, bs.score, rank() OVER (PARTITION BY es.unit_id ORDER BY bs.score DESC) AS rank,
                count(*) OVER (PARTITION BY es.unit_id) AS here
           FROM entry_stages es JOIN bench_scores bs ON bs.entry_id = es.entry_id WHERE es.stage_id = $1),
       -- Each stage runs one level above the last: the next stage's unit is the parent.
       chosen AS (SELECT r.*, u.parent_id AS to_unit FROM ranked r JOIN units u ON u.id = r.from_unit WHERE r.rank <= ceil(r.here * $3::float8)),
       moved AS (INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT entry_id, $2, to_unit FROM chosen RETURNING entry_id)
       INSERT INTO advancements (entry_id, from_stage_id, from_unit_id, to_stage_id, to_unit_id, score, rank, rule, actor_id)
       SELECT entry_id, $1, from_unit, $2, to_unit, score, rank, 'top_percent', $4 FROM chosen`,
      [from.id, to.id, share, actorId],
    );
  };
  await up(school, district, 0.55);
  await up(district, province, 0.06);
  const levels = province.prizeScheme!.levels;
  await source.query(
    `WITH lists AS (INSERT INTO prize_lists (stage_id, unit_id, unit_path) SELECT DISTINCT $1::uuid, es.unit_id, u.path FROM entry_stages es JOIN units u ON u.id = es.unit_id WHERE es.stage_id = $1 RETURNING id, unit_id),
          versions AS (INSERT INTO prize_list_versions (prize_list_id, version, phase, published_by, levels) SELECT id, 1, 'final', $2, '[]' FROM lists RETURNING id, prize_list_id)
     INSERT INTO prize_list_items (version_id, entry_id, position, rank, score, prize_code, prize_name, prize_money, field_code, field_name, reference, title, authors, school_name, district_name, reason)
     SELECT v.id, r.entry_id, r.rank, r.rank, r.score, l.code, l.name, COALESCE(l.money, 0), f.code, f.name, e.reference, e.title, '', '', NULL, '{}'
       FROM (SELECT es.entry_id, es.unit_id, bs.score, row_number() OVER (PARTITION BY es.unit_id ORDER BY bs.score DESC)::int AS rank, count(*) OVER (PARTITION BY es.unit_id) AS here
               FROM entry_stages es JOIN bench_scores bs ON bs.entry_id = es.entry_id WHERE es.stage_id = $1) r
       JOIN lists pl ON pl.unit_id = r.unit_id JOIN versions v ON v.prize_list_id = pl.id
       JOIN entries e ON e.id = r.entry_id JOIN edition_fields f ON f.id = e.field_id
       LEFT JOIN LATERAL (SELECT * FROM unnest($3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS l(code, name, money, n) WHERE l.n = 1 + (r.rank * 4) / GREATEST(r.here * 0.4, 1)::int) l ON TRUE
      WHERE r.rank <= r.here * 0.4`,
    [province.id, actorId, levels.slice(1).map((l) => l.code), levels.slice(1).map((l) => l.name), levels.slice(1).map((l) => l.prizeMoney)],
  );
  await up(province, nation, 0.05);
  await source.query('ANALYZE entry_stages, advancements, prize_lists, prize_list_versions, prize_list_items');
}

/** The report's figures in one statement straight over the tables: what the report could not beat. */
const BARE_REPORT_SQL = `
  WITH e AS (SELECT id, unit_id FROM entries WHERE edition_id = $1 AND unit_path LIKE $2 AND status = 'registered')
  SELECT (SELECT count(DISTINCT unit_id) FROM e) AS units, (SELECT count(*) FROM e) AS registered,
         (SELECT json_agg(x) FROM (SELECT es.stage_id, count(*) FROM entry_stages es JOIN e ON e.id = es.entry_id GROUP BY es.stage_id) x) AS stages,
         (SELECT json_agg(x) FROM (SELECT a.from_stage_id, count(*) FROM advancements a JOIN e ON e.id = a.entry_id GROUP BY a.from_stage_id) x) AS sent,
         (SELECT json_agg(x) FROM (SELECT i.prize_code, i.field_code, count(*), sum(i.prize_money)
            FROM prize_list_items i JOIN e ON e.id = i.entry_id WHERE i.prize_code IS NOT NULL GROUP BY i.prize_code, i.field_code) x) AS prizes`;

/**
 * On a database of its own: a national youth edition over 8 provinces shaped like Sóc Trăng (411 schools each).
 * - The prize list preview of a 5,000-entry province stage (entries read, scores read, ranked and allocated, every
 *   reason written) next to the bare ranking SQL over the same rows. Scores sit in a table a reader serves,
 *   standing in for judging's.
 * - The season report at the province (4,000 entries) and at the nation (150,000), next to one bare SQL statement
 *   computing the same figures.
 */
export async function benchResults(adminUrl: string, runs: number): Promise<{ results: ResultsBench; text: string }> {
  const { name: database, url } = await createBenchDatabase(adminUrl, 'bench_results');
  const source = new DataSource(dataSourceOptions(url, ENTITIES, MIGRATIONS));
  try {
    await runMigrations(url);
    await source.initialize();
    const world = await source.transaction((manager) => seedWorld(manager, nationalWorld(PROVINCES, 0)));
    await source.query(
      `CREATE UNLOGGED TABLE bench_scores (entry_id uuid PRIMARY KEY, field_id uuid, unit_id uuid, score numeric(7,3), novelty numeric(7,3), applicability numeric(7,3), science numeric(7,3))`,
    );
    const { edition, stages } = world.editions.get(EDITION_KEY)!;
    const provinceStage = [...stages].sort((a, b) => a.position - b.position).find((s) => s.prizeScheme)!;
    const [st, vn] = [world.units.get('ST')!, world.units.get('VN')!];
    const [stOrganiser, vnOrganiser] = [organiserAt(world, ACCOUNTS.province, 'ST'), organiserAt(world, ACCOUNTS.national, 'VN')];

    const reader: StageScoreReader = {
      scoresAt: async (stageId, unitIds): Promise<StageScore[]> =>
        source.query(
          `SELECT bs.entry_id AS "entryId", bs.field_id AS "fieldId", bs.unit_id AS "unitId", bs.score::text AS score,
                  ARRAY[bs.novelty::text, bs.applicability::text, bs.science::text] AS "tieBreak"
             FROM entry_stages es JOIN bench_scores bs ON bs.entry_id = es.entry_id WHERE es.stage_id = $1 AND es.unit_id = ANY($2::uuid[])`,
          [stageId, unitIds],
        ),
    };
    const repo = new ResultsRepository(source);
    const units = new UnitReader(source);
    const stageReader = new StageReader(source, units);
    const readers = [stageReader, units, new StageEntries(source, stageReader, units)] as const;
    const prizeLists = new PrizeListsService(repo, new AuditService(source), new OutboxService(), reader, ...readers);
    const reports = new SeasonReportService(repo, ...readers);

    await registerEntries(source, world, st.path, PRIZE_LIST_ENTRIES);
    await source.query(`INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT id, $1, $2 FROM entries`, [provinceStage.id, st.id]);
    await source.query('ANALYZE entry_stages');
    const prizeListMedianMs = await timed(runs, () => prizeLists.preview(stOrganiser, provinceStage.id, st.id));
    // The ranking with everything a list row shows, in one statement.
    const bareRankingSqlMedianMs = await timed(runs, () =>
      source.query(
        `SELECT e.id, e.reference, e.title, f.code, f.name, s.name, d.name, bs.score,
                (SELECT string_agg(a.full_name, ', ' ORDER BY a.position) FROM entry_authors a WHERE a.entry_id = e.id) AS authors,
                rank() OVER (ORDER BY bs.score DESC, bs.novelty DESC, bs.applicability DESC, bs.science DESC) AS rank,
                rank() OVER (PARTITION BY e.field_id ORDER BY bs.score DESC, bs.novelty DESC, bs.applicability DESC, bs.science DESC) AS field_rank
           FROM entry_stages es JOIN entries e ON e.id = es.entry_id AND e.status = 'registered' JOIN bench_scores bs ON bs.entry_id = es.entry_id
           JOIN edition_fields f ON f.id = e.field_id JOIN units s ON s.id = e.unit_id LEFT JOIN units d ON d.id = s.parent_id
          WHERE es.stage_id = $1 AND es.unit_id = $2`,
        [provinceStage.id, st.id],
      ),
    );

    const report = async (scope: string, unit: typeof st, actor: Actor, count: number) => {
      await registerEntries(source, world, unit.path, count);
      await playSeason(source, world, vnOrganiser.userId);
      const reportMedianMs = await timed(runs, () => reports.report(actor, edition.id, unit.id));
      const bareAggregationSqlMedianMs = await timed(runs, () => source.query(BARE_REPORT_SQL, [edition.id, `${unit.path}%`]));
      return { scope, entries: count, reportMedianMs, bareAggregationSqlMedianMs, ratio: ratio(reportMedianMs, bareAggregationSqlMedianMs) };
    };
    const reportFigures = [await report('province (Sóc Trăng)', st, stOrganiser, PROVINCE_REPORT_ENTRIES), await report(`nation (${PROVINCES} provinces)`, vn, vnOrganiser, NATIONAL_REPORT_ENTRIES)];

    const results: ResultsBench = {
      entries: PRIZE_LIST_ENTRIES,
      prizeListMedianMs,
      bareRankingSqlMedianMs,
      ratio: ratio(prizeListMedianMs, bareRankingSqlMedianMs),
      reports: reportFigures,
    };
    const text =
      `Prize list preview, ${PRIZE_LIST_ENTRIES}-entry stage: median ${prizeListMedianMs} ms beside the bare ranking SQL ${bareRankingSqlMedianMs} ms (ratio ${results.ratio}; target < 2)\n` +
      reportFigures
        .map(
          (r) =>
            `Season report at the ${r.scope}, ${r.entries.toLocaleString('en')} entries: median ${r.reportMedianMs} ms beside the bare aggregation SQL ${r.bareAggregationSqlMedianMs} ms (ratio ${r.ratio})`,
        )
        .join('\n') +
      ` (target: national under 3,000 ms)\nLoad average (1 min) at the end: ${loadavg()[0].toFixed(2)}\n`;
    return { results, text };
  } finally {
    if (source.isInitialized) await source.destroy();
    await dropBenchDatabase(adminUrl, database);
  }
}
