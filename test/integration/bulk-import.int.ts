import { ActorCache } from '../../src/core/auth/actor-cache';
import { stringify } from 'csv-stringify/sync';
import { Actor } from '../../src/core/auth/actor';
import { AuditService } from '../../src/core/audit/audit.service';
import { OutboxService } from '../../src/core/outbox/outbox.service';
import { EntriesRepository } from '../../src/entries/entries.repository';
import { BulkImportService } from '../../src/entries/bulk-import.service';
import { seedWorld, World } from '../../src/seed/world';
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

/** More rows than a multi-row INSERT of 14 columns could bind (65,535 parameters / 14 = 4,681). */
const ROWS = 5000;
const SCHOOLS = ['ST-KS-01', 'ST-KS-02', 'ST-MT-01'];
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Hoàng Công', 'Phạm Ngọc Dung', 'Thạch Sô Phia'];

function organiserFile(rows: number, reference = (i: number) => `REF-${i}`): Buffer {
  const headers = ['school_code', 'reference', 'title', 'field', 'summary', 'contact_name', 'contact_email'];
  for (let a = 1; a <= 3; a += 1) headers.push(`author${a}_name`, `author${a}_birth_date`, `author${a}_class`);
  const lines = Array.from({ length: rows }, (_, i) => {
    const authors = (i % 3) + 1;
    const cells = [SCHOOLS[i % SCHOOLS.length], reference(i), `Sáng kiến số ${i}`, ['HT', 'PM', 'MT'][i % 3], 'Tóm tắt', 'Giáo viên', `gv${i}@example.vn`];
    for (let a = 1; a <= 3; a += 1) cells.push(...(a <= authors ? [NAMES[(i + a) % NAMES.length], `0${(a % 9) + 1}/03/2008`, '8A'] : ['', '', '']));
    return cells;
  });
  return Buffer.from(stringify([headers, ...lines]));
}

/** Every entry a registration confirmation lists, one row each. */
const LISTED = "FROM outbox o, jsonb_array_elements(o.payload->'data'->'entries') listed";

describe('bulk registration (integration)', () => {
  let db: TestDatabase;
  let world: World;
  let service: BulkImportService;
  let province: Actor;
  let editionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const spec = smallWorld();
    // A district contest of Ngã Năm: schools and organisers of Kế Sách must not even see it.
    const youth = spec.contests[0];
    spec.contests.push({ ...youth, name: 'Hội thi sáng tạo Ngã Năm', unit: 'ST-MT', editions: [{ ...youth.editions[0], unit: 'ST-MT', stages: youth.editions[0].stages.slice(0, 2) }] });
    world = await db.source.transaction((manager) => seedWorld(manager, spec));
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

  const count = async (sql: string, params: unknown[] = []) => Number((await db.source.query(sql, params))[0].count);
  const upload = (content: Buffer) => ({ filename: 'tinh.csv', declaredType: 'text/csv', content, fields: {} });

  it('writes every row with its authors, first stage, audit rows and one mail each, past the parameter limit', async () => {
    const result = await service.import(province, editionId, upload(organiserFile(ROWS)));
    expect(result).toMatchObject({ created: ROWS, skipped: 0, total: ROWS });
    expect(await count('SELECT count(*) FROM entries WHERE edition_id = $1', [editionId])).toBe(ROWS);
    expect(await count('SELECT count(*) FROM entry_authors')).toBe(Array.from({ length: ROWS }, (_, i) => (i % 3) + 1).reduce((a, b) => a + b));
    const firstStage = world.editions.get(YOUTH_EDITION)!.stages[0].id;
    expect(await count('SELECT count(*) FROM entry_stages es JOIN entries e ON e.id = es.entry_id WHERE es.stage_id = $1 AND es.unit_id = e.unit_id', [firstStage])).toBe(ROWS);
    expect(await count(`SELECT count(*) FROM audit_log WHERE action = 'entry.register'`)).toBe(ROWS);

    const [summary] = await db.source.query(`SELECT unit_path AS "unitPath", after FROM audit_log WHERE action = 'entry.bulk-import'`);
    expect(summary).toEqual({ unitPath: world.units.get('ST')!.path, after: expect.objectContaining({ fileName: 'tinh.csv', created: ROWS, skipped: 0, total: ROWS }) });

    const [mail] = await db.source.query(`SELECT o.payload ${LISTED} WHERE listed->>'reference' = 'REF-4'`);
    expect(mail.payload).toMatchObject({
      kind: 'entries-registered',
      to: 'gv4@example.vn',
      data: { schoolName: 'Trường Tiểu học An Lạc Tây', entries: expect.arrayContaining([expect.objectContaining({ reference: 'REF-4' })]) },
    });
    // Every entry is listed in exactly one confirmation.
    expect(await count(`SELECT count(DISTINCT listed->>'id') ${LISTED}`)).toBe(ROWS);
    expect(await count(`SELECT count(*) ${LISTED}`)).toBe(ROWS);

    const [entry] = await db.source.query(`SELECT e.search_key AS "searchKey", e.unit_path AS "unitPath" FROM entries e WHERE e.reference = 'REF-4'`);
    expect(entry.searchKey).toContain('sang kien so 4');
    expect(entry.unitPath).toBe(world.units.get('ST-KS-02')!.path);
  });

  it('registers each row once when the same file is uploaded twice at the same time', async () => {
    const file = organiserFile(300, (i) => `TWICE-${i}`);
    const [first, second] = await Promise.all([service.import(province, editionId, upload(file)), service.import(province, editionId, upload(file))]);
    expect(first.created + second.created).toBe(300);
    expect(first.created + first.skipped).toBe(300);
    expect(second.created + second.skipped).toBe(300);
    expect(new Set([...first.entries, ...second.entries].map((e) => e.id)).size).toBe(300);
    expect(await count(`SELECT count(*) FROM entries WHERE reference LIKE 'TWICE-%'`)).toBe(300);
    expect(await count(`SELECT count(*) ${LISTED} WHERE listed->>'reference' LIKE 'TWICE-%'`)).toBe(300);
  });

  it('answers 404 for an edition of another district, as for a missing one', async () => {
    const ngaNam = world.editions.get('Hội thi sáng tạo Ngã Năm#6')!.edition.id;
    const school = world.units.get('ST-KS-01')!;
    const school1 = new Actor(world.users.get('school1@test.vn')!.id, 'school1@test.vn', [{ role: 'school', unitId: school.id, unitPath: school.path }]);
    await expect(service.import(school1, ngaNam, upload(organiserFile(1)))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.template(school1, ngaNam, 'csv')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await service.template(province, ngaNam, 'csv')).content.toString()).toContain('unit_code');
  });

  it('lets a district organiser import only for its district and files the import under it', async () => {
    const unit = world.units.get('ST-KS')!;
    const district = new Actor(world.users.get('ks@test.vn')!.id, 'ks@test.vn', [{ role: 'organiser', unitId: unit.id, unitPath: unit.path }]);
    const refused = service.import(district, editionId, upload(organiserFile(3, (i) => `KS-${i}`)));
    await expect(refused).rejects.toMatchObject({
      code: 'RULE_VIOLATION',
      details: { problems: [expect.objectContaining({ row: 4, field: 'unit_code', reason: expect.stringContaining('ST-MT-01') })] },
    });
    const accepted = await service.import(district, editionId, upload(organiserFile(2, (i) => `KS-${i}`)));
    expect(accepted.created).toBe(2);
    const [summary] = await db.source.query(`SELECT unit_path AS "unitPath" FROM audit_log WHERE action = 'entry.bulk-import' ORDER BY id DESC LIMIT 1`);
    expect(summary.unitPath).toBe(unit.path);
  });
});
