import { RouteClassDatabase } from '../../src/core/database/route-class';
import { ActorCache } from '../../src/core/auth/actor-cache';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditService } from '../../src/core/audit/audit.service';
import { loadConfig } from '../../src/core/config/config';
import { Actor } from '../../src/core/auth/actor';
import { RuleViolationError } from '../../src/core/errors/domain-error';
import { OutboxService } from '../../src/core/outbox/outbox.service';
import { DossiersService } from '../../src/entries/dossiers.service';
import { EntryReader } from '../../src/entries/entry-reader';
import { EntriesRepository } from '../../src/entries/entries.repository';
import { EntriesService } from '../../src/entries/entries.service';
import { firstStagePlacement, writeRegistrations } from '../../src/entries/entry-registration';
import { randomUUID } from 'node:crypto';
import { seedWorld, World, WorldSpec } from '../../src/seed/world';
import { smallWorld, STAGES, YOUTH_EDITION } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-db';
import { ContestRepository } from '../../src/contests/contest.repository';
import { EditionRepository } from '../../src/contests/edition.repository';
import { ContestsService } from '../../src/contests/contests.service';
import { UnitsRepository } from '../../src/units/units.repository';
import { UnitMoves } from '../../src/units/unit-moves';
import { UnitsService } from '../../src/units/units.service';
import { AccessService } from '../../src/core/access/access.service';
import { ExportCursors } from '../../src/core/database/export-cursor';
import type { Runtime } from '../../src/core/core.module';
import { EntryNaming } from '../../src/entries/entry-naming';
import { UnitReader } from '../../src/units/unit-reader';
import { StageReader } from '../../src/contests/stage-reader';

const TECHNICAL = 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng';
const CLUSTERED = 'Cuộc thi theo cụm trường';

/** The small world plus a technical contest registered directly at province, and a contest whose first round runs at a level no school here sits under. */
function worldSpec(): WorldSpec {
  const spec = smallWorld();
  const youth = spec.contests[0].editions[0];
  spec.levels.push({ code: 'cluster', name: 'Cụm trường', rank: 2 });
  spec.contests.push(
    {
      kind: 'technical',
      name: TECHNICAL,
      unit: 'ST',
      editions: [
        {
          ...youth,
          number: 10,
          seasonLabel: '2022-2023',
          eligibility: { kind: 'technical', createdFromYear: 2018 },
          maxAuthors: 10,
          fields: [{ code: 'CNTT', name: 'Công nghệ thông tin, điện tử, viễn thông' }],
          stages: STAGES.slice(2),
        },
      ],
    },
    {
      kind: 'youth',
      name: CLUSTERED,
      unit: 'ST',
      editions: [{ ...youth, number: 1, stages: [{ ...STAGES[1], name: 'Cấp cụm', levelCode: 'cluster' }, ...STAGES.slice(2)] }],
    },
  );
  return spec;
}

describe('entry registration on PostgreSQL (integration)', () => {
  let db: TestDatabase;
  /** Lists and reports read through the test database's own pool here. */
  const ROUTE_CLASS = { poolSize: 2, waitMs: 5000, statementMs: 5000 };
  let world: World;
  let entries: EntriesService;
  let school1: Actor;

  const edition = (key: string) => world.editions.get(key)!;
  const count = async (table: string): Promise<number> => (await db.source.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await db.source.transaction((manager) => seedWorld(manager, worldSpec()));
    entries = new EntriesService(
      db.source,
      new EntriesRepository(),
      new AuditService(db.source),
      new OutboxService(),
      new AccessService(db.source),
      new UnitsService(db.source, new UnitsRepository(db.source), new AuditService(db.source), new AccessService(db.source), new UnitMoves(), new ActorCache()),
      new ContestsService(db.source, new AuditService(db.source), new EditionRepository(), new AccessService(db.source), new ContestRepository(), new UnitReader(db.source)),
      new RouteClassDatabase(db.source, ROUTE_CLASS),
      // This file exports nothing: the cursors' connection settings are never read.
      new ExportCursors({ databaseUrl: db.url } as Runtime),
      new EntryNaming(new UnitReader(db.source), new StageReader(db.source, new UnitReader(db.source))),
      new UnitReader(db.source),
      new StageReader(db.source, new UnitReader(db.source)),
    );
    const unit = world.units.get('ST-KS-01')!;
    school1 = new Actor(world.users.get('school1@test.vn')!.id, 'school1@test.vn', [{ role: 'school', unitId: unit.id, unitPath: unit.path }]);
  });
  afterAll(() => db.drop());

  it('places a new entry at the unit that runs the first stage: the school itself, or its ancestor at that level', async () => {
    const school = world.units.get('ST-KS-01')!;
    const youth = edition(YOUTH_EDITION);
    expect(await firstStagePlacement(db.source.manager, youth.edition.id, school.path)).toEqual({ stageId: youth.stages[0].id, stageName: youth.stages[0].name, unitId: school.id });
    const technical = edition(`${TECHNICAL}#10`);
    expect(await firstStagePlacement(db.source.manager, technical.edition.id, school.path)).toEqual({
      stageId: technical.stages[0].id,
      stageName: technical.stages[0].name,
      unitId: world.units.get('ST')!.id,
    });
  });

  it('refuses a school with no unit at the first stage’s level', async () => {
    const attempt = firstStagePlacement(db.source.manager, edition(`${CLUSTERED}#1`).edition.id, world.units.get('ST-KS-01')!.path);
    await expect(attempt).rejects.toBeInstanceOf(RuleViolationError);
    await expect(attempt).rejects.toMatchObject({ details: { problems: [expect.objectContaining({ field: 'unitId', reason: 'the school has no ancestor at level "cluster"' })] } });
  });

  it('registers a technical solution by its created year, starting at the province', async () => {
    const technical = edition(`${TECHNICAL}#10`);
    const view = await entries.register(school1, technical.edition.id, {
      title: 'Hệ thống giám sát độ mặn',
      fieldCode: 'CNTT',
      summary: 'Cảnh báo xâm nhập mặn qua tin nhắn.',
      contact: { name: 'Kỹ sư Hùng', email: 'hung@test.vn' },
      createdYear: 2019,
      authors: [{ fullName: 'Kỹ sư Hùng', classOrJob: 'Kỹ sư điện' }],
    });
    expect(view).toMatchObject({ createdYear: 2019, currentStage: { name: 'Cấp tỉnh', unitId: world.units.get('ST')!.id }, authors: [{ fullName: 'Kỹ sư Hùng', birthDate: null }] });

    const tooOld = entries.register(school1, technical.edition.id, {
      title: 'Giải pháp cũ',
      fieldCode: 'CNTT',
      summary: 'Đã áp dụng từ lâu.',
      contact: { name: 'Kỹ sư Hùng', email: 'hung@test.vn' },
      createdYear: 2017,
      authors: [{ fullName: 'Kỹ sư Hùng' }],
    });
    await expect(tooOld).rejects.toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [{ field: 'createdYear' }] } });
  });

  it('writes nothing at all when a step inside the registration transaction fails', async () => {
    const before = await Promise.all(['entries', 'entry_authors', 'entry_stages', 'audit_log', 'outbox'].map(count));
    const attempt = entries.register(school1, edition(`${CLUSTERED}#1`).edition.id, {
      title: 'Không có cụm',
      fieldCode: 'HT',
      summary: 'Trường không thuộc cụm nào.',
      contact: { name: 'Cô Lan', email: 'lan@test.vn' },
      authors: [{ fullName: 'Võ Minh Khôi', birthDate: '2010-06-01' }],
    });
    await expect(attempt).rejects.toBeInstanceOf(RuleViolationError);
    expect(await Promise.all(['entries', 'entry_authors', 'entry_stages', 'audit_log', 'outbox'].map(count))).toEqual(before);
  });

  it('writes a batch over several statements with an audit row per entry and one mail per school and contact, leaving out a reference already taken', async () => {
    const youth = edition(YOUTH_EDITION);
    const ports = { entries: new EntriesRepository(), audit: new AuditService(db.source), outbox: new OutboxService() };
    const target = { id: youth.edition.id, seasonLabel: youth.edition.seasonLabel, number: youth.edition.number, contestName: 'Cuộc thi' };
    const registration = (code: string, reference: string, contactEmail: string) => {
      const { id, name, path } = world.units.get(code)!;
      const author = { fullName: 'Võ Minh Khôi', birthDate: '2010-06-01', classOrJob: null };
      const draft = { reference, title: `Sản phẩm ${reference}`, fieldCode: 'HT', summary: 'Tóm tắt.', contactName: 'Cô Lan', contactEmail, contactPhone: null, createdYear: null, authors: [author] };
      return { id: randomUUID(), school: { id, name, path }, fieldId: youth.fields.get('HT')!.id, draft };
    };
    await db.source.transaction((manager) => writeRegistrations(manager, ports, school1, target, [registration('ST-KS-01', 'LO-3', 'lan@test.vn')], { mail: false }));
    const batch = [
      registration('ST-KS-01', 'LO-1', 'lan@test.vn'),
      registration('ST-KS-01', 'LO-2', 'lan@test.vn'),
      registration('ST-KS-01', 'LO-3', 'lan@test.vn'),
      registration('ST-KS-02', 'LO-1', 'lan@test.vn'),
      registration('ST-KS-02', 'LO-2', 'hoa@test.vn'),
    ];
    const written = await db.source.transaction((manager) => writeRegistrations(manager, ports, school1, target, batch, { perStatement: 2 }));
    expect(batch.map((r) => written.has(r.id))).toEqual([true, true, false, true, true]);
    const audited = await db.source.query(`SELECT entity_id FROM audit_log WHERE action = 'entry.register' AND entity_id = ANY($1)`, [batch.map((r) => r.id)]);
    expect(audited.map((a: { entity_id: string }) => a.entity_id).sort()).toEqual(
      batch
        .filter((r) => written.has(r.id))
        .map((r) => r.id)
        .sort(),
    );
    const mails: Array<{ payload: object }> = await db.source.query(`SELECT payload FROM outbox WHERE payload::text LIKE '%LO-%'`);
    expect(mails.map((m) => [...new Set(JSON.stringify(m.payload).match(/LO-\d/g))].sort())).toEqual(expect.arrayContaining([['LO-1', 'LO-2'], ['LO-1'], ['LO-2']]));
    expect(mails).toHaveLength(3);
  });

  it('removes the stored file when the dossier row cannot be written', async () => {
    const uploadDir = mkdtempSync(join(tmpdir(), 'dossiers-'));
    const config = loadConfig({ UPLOAD_DIR: uploadDir, JWT_SECRET: 'x'.repeat(32) });
    const dossiers = new DossiersService(db.source, entries, new AuditService(db.source), config, new AccessService(db.source), new EntryReader(config, new UnitReader(db.source)));
    const entry = await entries.register(school1, edition(YOUTH_EDITION).edition.id, {
      title: 'Đèn học',
      fieldCode: 'HT',
      summary: 'Đèn LED.',
      contact: { name: 'Cô Lan', email: 'lan@test.vn' },
      authors: [{ fullName: 'Võ Minh Khôi', birthDate: '2010-06-01' }],
    });
    // An uploader id the uuid column refuses: the insert fails, and no file may stay on disk.
    const broken = new Actor('not-a-uuid', school1.email, school1.grants);
    const pdf = { filename: 'a.pdf', declaredType: 'application/pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n'), fields: {} };
    await expect(dossiers.attach(broken, entry.id, pdf)).rejects.toThrow();
    const folder = join(uploadDir, 'dossiers', entry.id);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);

    const stored = await dossiers.attach(school1, entry.id, pdf);
    expect(readdirSync(join(uploadDir, 'dossiers', entry.id))).toEqual([`${stored.id}.pdf`]);
    rmSync(uploadDir, { recursive: true });
  });
});
