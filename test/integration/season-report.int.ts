import { Actor } from '../../src/core/auth/actor';
import { ResultsRepository } from '../../src/results/results.repository';
import { SeasonReportService } from '../../src/results/season-report.service';
import { StageReader } from '../../src/contests/stage-reader';
import { StageEntries } from '../../src/entries/stage-entries';
import { UnitReader } from '../../src/units/unit-reader';
import { seedWorld, World, WorldSpec } from '../../src/seed/world';
import { PASSWORD, socTrang2017, testLevels } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-db';

const CONTEST = 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng';

/** Sóc Trăng 2017 at full size: 11 districts, 411 schools, 3,829 entries. */
function socTrangWorld(): WorldSpec {
  const districts = Array.from({ length: 11 }, (_, d) => `ST-D${d + 1}`);
  return {
    levels: testLevels(),
    units: [
      { code: 'VN', name: 'Việt Nam', level: 'nation' },
      { code: 'ST', name: 'Sóc Trăng', level: 'province', parent: 'VN' },
      ...districts.map((code, d) => ({ code, name: `Huyện ${d + 1}`, level: 'district', parent: 'ST' })),
      ...Array.from({ length: 411 }, (_, s) => ({ code: `ST-S${s + 1}`, name: `Trường ${s + 1}`, level: 'school', parent: districts[s % 11] })),
    ],
    users: [{ email: 'province@test.vn', fullName: 'Ban tổ chức tỉnh', password: PASSWORD, grants: [{ role: 'organiser', unit: 'ST' }] }],
    contests: [{ kind: 'youth', name: CONTEST, unit: 'ST', editions: [{ ...socTrang2017(), unit: 'ST' }] }],
  };
}

describe('season report (integration)', () => {
  let db: TestDatabase;
  let world: World;
  let service: SeasonReportService;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await db.source.transaction((manager) => seedWorld(manager, socTrangWorld()));
    const units = new UnitReader(db.source);
    const stageReader = new StageReader(db.source, units);
    service = new SeasonReportService(new ResultsRepository(db.source), stageReader, units, new StageEntries(db.source, stageReader, units));
    const { edition, fields, stages } = world.editions.get(`${CONTEST}#6`)!;
    const [school, district, province, national] = stages.sort((a, b) => a.position - b.position);
    const schools = [...world.units.values()].filter((u) => u.levelCode === 'school');
    const organiser = world.users.get('province@test.vn')!.id;
    const q = (sql: string, params: unknown[] = []) => db.source.query(sql, params);

    // 3,829 entries over the 411 schools and 5 fields, each in its school's round.
    await q(
      `INSERT INTO entries (edition_id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email, search_key)
       SELECT $1, s.id, s.path, f.id, 'R' || lpad(g::text, 5, '0'), 'Sản phẩm ' || g, 'Mô hình', 'Giáo viên', 'gv@test.vn', 'san pham ' || g
         FROM generate_series(0, 3828) g
         JOIN unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS s(id, path, n) ON s.n = g % 411 + 1
         JOIN unnest($4::uuid[]) WITH ORDINALITY AS f(id, n) ON f.n = g % 5 + 1`,
      [edition.id, schools.map((s) => s.id), schools.map((s) => s.path), [...fields.values()].map((f) => f.id)],
    );
    await q(`INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT id, $1, unit_id FROM entries`, [school.id]);
    // Schools sent 2,131 to their districts, the districts 133 to the province, the province 6 to the national contest.
    const climb = async (from: { id: string }, to: { id: string }, count: number, toUnit: string) => {
      await q(
        `WITH chosen AS (
           SELECT es.entry_id, es.unit_id AS from_unit, ${toUnit} AS to_unit FROM entry_stages es JOIN entries e ON e.id = es.entry_id JOIN units u ON u.id = e.unit_id
            WHERE es.stage_id = $1 ORDER BY e.reference LIMIT $3),
         moved AS (INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT entry_id, $2, to_unit FROM chosen RETURNING entry_id)
         INSERT INTO advancements (entry_id, from_stage_id, from_unit_id, to_stage_id, to_unit_id, rule, actor_id)
         SELECT c.entry_id, $1, c.from_unit, $2, c.to_unit, 'pick', $4 FROM chosen c`,
        [from.id, to.id, count, organiser],
      );
    };
    await climb(school, district, 2131, 'u.parent_id');
    await climb(district, province, 133, `'${world.units.get('ST')!.id}'::uuid`);
    await climb(province, national, 6, `'${world.units.get('VN')!.id}'::uuid`);
    // The province's final list: 1 First, 2 Second, 3 Third, 4 Encouragement in each of the 5 fields.
    const [list] = await q(`INSERT INTO prize_lists (stage_id, unit_id, unit_path) VALUES ($1, $2, $3) RETURNING id`, [province.id, world.units.get('ST')!.id, world.units.get('ST')!.path]);
    const [version] = await q(`INSERT INTO prize_list_versions (prize_list_id, version, phase, published_by, levels) VALUES ($1, 1, 'final', $2, '[]') RETURNING id`, [list.id, organiser]);
    await q(
      `WITH ranked AS (
         SELECT e.id, e.reference, e.title, f.code AS field_code, f.name AS field_name, row_number() OVER (PARTITION BY f.code ORDER BY e.reference) AS r
           FROM entry_stages es JOIN entries e ON e.id = es.entry_id JOIN edition_fields f ON f.id = e.field_id WHERE es.stage_id = $2),
       prized AS (
         SELECT *, CASE WHEN r = 1 THEN 'first' WHEN r <= 3 THEN 'second' WHEN r <= 6 THEN 'third' WHEN r <= 10 THEN 'encouragement' END AS code FROM ranked)
       INSERT INTO prize_list_items (version_id, entry_id, position, rank, score, prize_code, prize_name, prize_money, field_code, field_name, reference, title, authors, school_name, reason)
       SELECT $1, id, row_number() OVER (), r, 90 - r, code,
              CASE code WHEN 'first' THEN 'Giải Nhất' WHEN 'second' THEN 'Giải Nhì' WHEN 'third' THEN 'Giải Ba' WHEN 'encouragement' THEN 'Giải Khuyến khích' END,
              CASE code WHEN 'first' THEN 3000000 WHEN 'second' THEN 2000000 WHEN 'third' THEN 1000000 WHEN 'encouragement' THEN 400000 ELSE 0 END,
              field_code, field_name, reference, title, 'Học sinh', 'Trường', '{}'
         FROM prized`,
      [version.id, province.id],
    );
  }, 120_000);
  afterAll(() => db?.drop());

  it('reads the Sóc Trăng 2017 figures: 411 schools, 3,829 registered, 2,131 / 133 / 6 up the ladder, 50 prizes', async () => {
    const st = world.units.get('ST')!;
    const actor = new Actor(world.users.get('province@test.vn')!.id, 'province@test.vn', [{ role: 'organiser', unitId: st.id, unitPath: st.path }]);
    const { edition } = world.editions.get(`${CONTEST}#6`)!;
    const report = await service.report(actor, edition.id, st.id);

    expect(report).toMatchObject({ unitsTakingPart: 411, entriesRegistered: 3829, achievementPercent: 127.6, prizeMoney: 58_000_000 });
    expect(report.stages.map((s) => [s.name, s.entries, s.sentUp])).toEqual([
      ['Cấp trường', 3829, 2131],
      ['Cấp huyện', 2131, 133],
      ['Cấp tỉnh', 133, 6],
      ['Toàn quốc', 6, 0],
    ]);
    const provincePrizes = report.stages[2].prizes;
    expect(provincePrizes.total).toBe(50);
    expect(provincePrizes.byLevel.map((l) => [l.code, l.count])).toEqual([
      ['special', 0],
      ['first', 5],
      ['second', 10],
      ['third', 15],
      ['encouragement', 20],
    ]);
    expect(provincePrizes.byLevel[2].byField).toEqual({ HT: 2, PM: 2, MT: 2, SH: 2, KT: 2 });
  });
});
