import { ActorCache } from '../../src/core/auth/actor-cache';
import { AuditService } from '../../src/core/audit/audit.service';
import { Actor } from '../../src/core/auth/actor';
import { Upload } from '../../src/core/http/upload';
import { seedWorld, World } from '../../src/seed/world';
import { UnitsRepository } from '../../src/units/units.repository';
import { EntriesFollowUnitMoves } from '../../src/entries/entries-follow-unit-moves';
import { EntriesRepository } from '../../src/entries/entries.repository';
import { UnitMoves } from '../../src/units/unit-moves';
import { UnitReader } from '../../src/units/unit-reader';
import { StageReader } from '../../src/contests/stage-reader';
import { UnitsService } from '../../src/units/units.service';
import { YOUTH_STAGES } from '../../src/seed/demo-world';
import { addEdition, registerEntries } from '../support/factories';
import { smallWorld, YOUTH_EDITION } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-db';
import { AccessService } from '../../src/core/access/access.service';

/** A province-sized tree under VN: `provinces` × `districts` × `schools`, as CSV lines. */
function treeLines(provinces: number, districts: number, schools: number, name = (code: string) => `Đơn vị ${code}`): string[] {
  const lines: string[] = [];
  for (let p = 1; p <= provinces; p += 1) {
    const province = `P${p}`;
    lines.push(`${province},${name(province)},province,VN`);
    for (let d = 1; d <= districts; d += 1) {
      const district = `${province}-D${d}`;
      lines.push(`${district},${name(district)},district,${province}`);
      for (let s = 1; s <= schools; s += 1) lines.push(`${district}-S${s},${name(`${district}-S${s}`)},school,${district}`);
    }
  }
  return lines;
}

function csv(lines: string[]): Upload {
  return { filename: 'units.csv', declaredType: 'text/csv', content: Buffer.from(['code,name,level,parent_code', ...lines].join('\n')), fields: {} };
}

describe('unit tree on PostgreSQL (integration)', () => {
  let db: TestDatabase;
  let world: World;
  let units: UnitsService;
  let admin: Actor;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await db.source.transaction((manager) => seedWorld(manager, smallWorld()));
    const moves = new UnitMoves();
    const unitReader = new UnitReader(db.source);
    new EntriesFollowUnitMoves(moves, new EntriesRepository(), new StageReader(db.source, unitReader), unitReader).onModuleInit();
    units = new UnitsService(db.source, new UnitsRepository(db.source), new AuditService(db.source), new AccessService(db.source), moves, new ActorCache());
    const vn = world.units.get('VN')!;
    admin = new Actor(world.users.get('admin@test.vn')!.id, 'admin@test.vn', [{ role: 'admin', unitId: vn.id, unitPath: vn.path }]);
  });
  afterAll(() => db.drop());

  async function brokenPaths(): Promise<string[]> {
    const rows: Array<{ code: string }> = await db.source.query(
      `SELECT u.code FROM units u LEFT JOIN units p ON p.id = u.parent_id
        WHERE u.path <> COALESCE(p.path, '/') || u.id || '/' OR u.depth <> COALESCE(p.depth + 1, 0)`,
    );
    return rows.map((r) => r.code);
  }

  async function parentCode(code: string): Promise<string | null> {
    const [row] = await db.source.query(`SELECT p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = $1`, [code]);
    return row.code;
  }

  it('imports thousands of units given bottom-up, then restructures them, keeping every path and entry in step', async () => {
    const lines = treeLines(4, 10, 80);
    const created = await units.importTree(admin, csv([...lines].reverse()));
    expect(created).toMatchObject({ created: 3244, updated: 0, unchanged: 0, total: 3244 });
    expect(created.units).toHaveLength(3244);
    expect(await brokenPaths()).toEqual([]);

    const { edition, fields } = world.editions.get(YOUTH_EDITION)!;
    await db.source.query(
      `INSERT INTO entries (edition_id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email, search_key)
       SELECT $1, u.id, u.path, $2, 'R-' || u.code, 'Sản phẩm', 'Tóm tắt', 'Cô Lan', 'lan@test.vn', 'san pham'
         FROM units u WHERE u.code IN ('P1-D1-S1', 'P1-D1-S2', 'P2-D3-S5')`,
      [edition.id, fields.get('HT')!.id],
    );

    // P1-D1 moves to P3 (with its schools), P2-D3-S5 moves under P1-D1, and every school of P4-D1 is renamed.
    const restructured = lines.map((line) => {
      const [code, name, level] = line.split(',');
      if (code === 'P1-D1') return `${code},${name},${level},P3`;
      if (code === 'P2-D3-S5') return `${code},${name},${level},P1-D1`;
      if (code.startsWith('P4-D1-S')) return `${code},${name} (đổi tên),${level},P4-D1`;
      return line;
    });
    const auditBefore = Number((await db.source.query(`SELECT count(*) FROM audit_log`))[0].count);
    expect(await units.importTree(admin, csv(restructured))).toMatchObject({ created: 0, updated: 82, unchanged: 3162, total: 3244 });
    expect(await brokenPaths()).toEqual([]);
    expect(await parentCode('P1-D1')).toBe('P3');
    expect(await parentCode('P2-D3-S5')).toBe('P1-D1');
    const [{ depth }] = await db.source.query(`SELECT depth FROM units WHERE code = 'P1-D1-S80'`);
    expect(depth).toBe(3);
    const stale = await db.source.query(`SELECT e.reference FROM entries e JOIN units u ON u.id = e.unit_id WHERE e.unit_path <> u.path`);
    expect(stale).toEqual([]);
    const auditAfter = Number((await db.source.query(`SELECT count(*) FROM audit_log`))[0].count);
    expect(auditAfter - auditBefore).toBe(82);

    expect(await units.importTree(admin, csv(restructured))).toMatchObject({ created: 0, updated: 0, unchanged: 3244, total: 3244 });
  });

  it('serialises concurrent moves, so a subtree moved while its new parent moves still ends up consistent', async () => {
    const [school] = await db.source.query(`SELECT id FROM units WHERE code = 'P2-D1-S1'`);
    const [district] = await db.source.query(`SELECT id FROM units WHERE code = 'P2-D2'`);
    const [province] = await db.source.query(`SELECT id FROM units WHERE code = 'P4'`);
    await Promise.all([units.move(admin, school.id, { parentId: district.id }), units.move(admin, district.id, { parentId: province.id })]);
    expect(await brokenPaths()).toEqual([]);
    const detail = await units.get(admin, school.id);
    expect(detail.ancestors.map((a) => a.code)).toEqual(['VN', 'P4', 'P2-D2']);
  });

  it('lets the entries of a moved school follow it into their first stage, and refuses the move once an edition of theirs is being judged', async () => {
    // A ladder whose first round runs at the district: the school's entries start at its district.
    const key = await addEdition(db.source, world, { number: 20, stages: YOUTH_STAGES.slice(1) });
    const [entryId] = await registerEntries(db.source, world, [{ edition: key, school: 'ST-MT-01', reference: 'MV-1', field: 'HT' }]);
    // Where its stage record says, and where the entry's current stage (what its list shows) says.
    const stageUnit = async () => {
      const [row] = await db.source.query(
        `SELECT u.code, cu.code AS current FROM entry_stages es JOIN units u ON u.id = es.unit_id JOIN entries e ON e.id = es.entry_id JOIN units cu ON cu.id = e.current_stage_unit_id
          WHERE es.entry_id = $1`,
        [entryId],
      );
      expect(row.current).toBe(row.code);
      return row.code;
    };
    expect(await stageUnit()).toBe('ST-MT');

    const school = world.units.get('ST-MT-01')!;
    await units.move(admin, school.id, { parentId: world.units.get('ST-KS')!.id });
    expect(await stageUnit()).toBe('ST-KS');
    const [entry] = await db.source.query(`SELECT e.unit_path = u.path AS follows FROM entries e JOIN units u ON u.id = e.unit_id WHERE e.id = $1`, [entryId]);
    expect(entry.follows).toBe(true);

    await db.source.query(`UPDATE editions SET state = 'judging' WHERE id = $1`, [world.editions.get(key)!.edition.id]);
    const refused = units.move(admin, school.id, { parentId: world.units.get('ST-MT')!.id });
    await expect(refused).rejects.toMatchObject({
      code: 'RULE_VIOLATION',
      details: { problems: [{ field: 'parentId', reason: expect.stringMatching(/^1 entry under ST-MT-01 is in editions in state judging/) }] },
    });
    expect(await parentCode('ST-MT-01')).toBe('ST-KS');
    expect(await stageUnit()).toBe('ST-KS');
  });
});
