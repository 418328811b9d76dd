import { ActorCache } from '../../src/core/auth/actor-cache';
import { stringify } from 'csv-stringify/sync';
import { Client } from 'pg';
import { Actor } from '../../src/core/auth/actor';
import { AuditService } from '../../src/core/audit/audit.service';
import { OutboxService } from '../../src/core/outbox/outbox.service';
import { EntriesRepository } from '../../src/entries/entries.repository';
import { BulkImportService } from '../../src/entries/bulk-import.service';
import { seedWorld, World } from '../../src/seed/world';
import { eventually } from '../support/eventually';
import { smallWorld, YOUTH_EDITION } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-db';
import { ContestRepository } from '../../src/contests/contest.repository';
import { EditionRepository } from '../../src/contests/edition.repository';
import { ContestsService } from '../../src/contests/contests.service';
import { UnitsRepository } from '../../src/units/units.repository';
import { UnitMoves } from '../../src/units/unit-moves';
import { UnitReader } from '../../src/units/unit-reader';
import { UnitsService } from '../../src/units/units.service';
import { AccessService } from '../../src/core/access/access.service';

const ROWS = 500;
const SCHOOLS = ['ST-KS-01', 'ST-KS-02', 'ST-MT-01'];

/** An organiser's file of `rows` entries over three schools, with references `<prefix>-<i>` and titles `<title> <i>`. */
function organiserFile(rows: number, prefix: string, title: string): Buffer {
  const headers = ['school_code', 'reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'author1_name', 'author1_birth_date', 'author1_class'];
  const lines = Array.from({ length: rows }, (_, i) => [
    SCHOOLS[i % SCHOOLS.length],
    `${prefix}-${i}`,
    `${title} ${i}`,
    'HT',
    'Tóm tắt',
    'Giáo viên',
    `gv${i}@example.vn`,
    'Nguyễn Văn An',
    '01/03/2008',
    '8A',
  ]);
  return Buffer.from(stringify([headers, ...lines]));
}

describe('concurrent bulk imports (integration)', () => {
  let db: TestDatabase;
  let world: World;
  let service: BulkImportService;
  let province: Actor;
  let editionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await db.source.transaction((manager) => seedWorld(manager, smallWorld()));
    service = new BulkImportService(
      db.source,
      new EntriesRepository(),
      new AuditService(db.source),
      new OutboxService(),
      new UnitsService(db.source, new UnitsRepository(db.source), new AuditService(db.source), new AccessService(db.source), new UnitMoves(), new ActorCache()),
      new ContestsService(db.source, new AuditService(db.source), new EditionRepository(), new AccessService(db.source), new ContestRepository(), new UnitReader(db.source)),
    );
    const unit = world.units.get('ST')!;
    province = new Actor(world.users.get('province@test.vn')!.id, 'province@test.vn', [{ role: 'organiser', unitId: unit.id, unitPath: unit.path }]);
    editionId = world.editions.get(YOUTH_EDITION)!.edition.id;
  });
  afterAll(() => db.drop());

  const upload = (content: Buffer) => ({ filename: 'tinh.csv', declaredType: 'text/csv', content, fields: {} });
  const titles = async (prefix: string): Promise<string[]> =>
    (await db.source.query(`SELECT title FROM entries WHERE reference LIKE $1 ORDER BY title`, [`${prefix}-%`])).map((r: { title: string }) => r.title);

  it("refuses the loser of two different files under the same references, keeping exactly the winner's content", async () => {
    const files = { A: organiserFile(ROWS, 'RACE', 'Bản A'), B: organiserFile(ROWS, 'RACE', 'Bản B') };
    const [a, b] = await Promise.allSettled([service.import(province, editionId, upload(files.A)), service.import(province, editionId, upload(files.B))]);
    const outcomes = [a, b].map((o) => o.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const winner = a.status === 'fulfilled' ? 'Bản A' : 'Bản B';
    const won = (a.status === 'fulfilled' ? a : b) as PromiseFulfilledResult<Awaited<ReturnType<BulkImportService['import']>>>;
    const lost = (a.status === 'rejected' ? a : b) as PromiseRejectedResult;
    expect(won.value).toMatchObject({ created: ROWS, skipped: 0 });
    expect(lost.reason).toMatchObject({ code: 'RULE_VIOLATION', message: expect.stringContaining(`${ROWS} of ${ROWS} rows`) });
    expect(lost.reason.details.problems[0]).toEqual(
      expect.objectContaining({ row: 2, field: 'reference', reason: expect.stringContaining('"RACE-0" is already registered for ST-KS-01 with other content (title)') }),
    );

    const stored = await titles('RACE');
    expect(stored).toHaveLength(ROWS);
    expect(stored.every((t) => t.startsWith(winner))).toBe(true);
    const [{ n }] = await db.source.query(`SELECT count(*)::int AS n FROM outbox o, jsonb_array_elements(o.payload->'data'->'entries') listed WHERE listed->>'reference' LIKE 'RACE-%'`);
    expect(n).toBe(ROWS);
  });

  it('lets one of two identical files create every entry and the other skip them all', async () => {
    const file = organiserFile(ROWS, 'SAME', 'Giống nhau');
    const results = await Promise.all([service.import(province, editionId, upload(file)), service.import(province, editionId, upload(file))]);
    expect(results.map((r) => [r.created, r.skipped]).sort()).toEqual([
      [0, ROWS],
      [ROWS, 0],
    ]);
    expect(results[0].entries.map((e) => e.id)).toEqual(results[1].entries.map((e) => e.id));
    expect(await titles('SAME')).toHaveLength(ROWS);
  });

  it('re-checks a reference a single registration took while the import waited, and refuses it when the content differs', async () => {
    const school = world.units.get('ST-KS-01')!;
    const [{ id: fieldId }] = await db.source.query(`SELECT id FROM edition_fields WHERE edition_id = $1 AND code = 'HT'`, [editionId]);
    // A registration of LATE-0 that is inserted but not yet committed: the import cannot see it yet, and its own insert waits for it.
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO entries (edition_id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email, search_key)
         VALUES ($1, $2, $3, $4, 'LATE-0', 'Đăng ký riêng', 'Tóm tắt', 'Cô Lan', 'lan@test.vn', 'dang ky rieng')`,
        [editionId, school.id, school.path, fieldId],
      );
      const importing = service.import(province, editionId, upload(organiserFile(3, 'LATE', 'Nhập tệp'))).then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
      await eventually('the import to wait on the uncommitted registration', async () => {
        const waiting = await db.source.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO entries%'`);
        return waiting.length > 0;
      });
      await other.query('COMMIT');
      const outcome = await importing;
      expect(outcome).toMatchObject({
        error: { code: 'RULE_VIOLATION', details: { problems: [expect.objectContaining({ row: 2, field: 'reference', reason: expect.stringContaining('"LATE-0"') })] } },
      });
    } finally {
      await other.end();
    }
    expect(await titles('LATE')).toEqual(['Đăng ký riêng']);
  });
});
