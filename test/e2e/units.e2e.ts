import ExcelJS from 'exceljs';
import type IORedis from 'ioredis';
import { once } from 'node:events';
import { REDIS } from '../../src/core/redis';
import { Unit } from '../../src/units/unit.entity';
import { registerEntries } from '../support/factories';
import { multipart, TestApp } from '../support/test-app';

interface UnitBody {
  id: string;
  code: string;
  name: string;
  depth: number;
  parentId: string | null;
  retiredAt: string | null;
  ancestors: Array<{ code: string }>;
  childCount: number;
}

const codes = (items: Array<{ code: string }>) => items.map((u) => u.code).sort();

async function xlsx(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Đơn vị');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('units (e2e)', () => {
  let t: TestApp;
  const admin = () => t.as('admin@test.vn');

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    // Login's rate limiter refuses requests until its Redis connection is up, which can trail the app's start.
    const redis = t.app.get<IORedis>(REDIS);
    if (redis.status !== 'ready') await once(redis, 'ready');
  });
  afterAll(() => t.stop());

  /** Units whose path or depth does not follow from their parent's: must always be none. */
  async function brokenPaths(): Promise<string[]> {
    const rows: Array<{ code: string }> = await t.db.source.query(
      `SELECT u.code FROM units u LEFT JOIN units p ON p.id = u.parent_id
        WHERE u.path <> COALESCE(p.path, '/') || u.id || '/' OR u.depth <> COALESCE(p.depth + 1, 0)`,
    );
    return rows.map((r) => r.code);
  }

  async function unitByCode(code: string): Promise<UnitBody> {
    const page = await admin().get('/units', { query: { q: code, includeRetired: 'true', pageSize: '500' } });
    const unit = page.json().items.find((u: UnitBody) => u.code === code);
    if (!unit) throw new Error(`no unit ${code}`);
    return (await admin().get(`/units/${unit.id}`)).json();
  }

  function upload(as: ReturnType<TestApp['as']>, file: Parameters<typeof multipart>[0]) {
    const { payload, headers } = multipart(file);
    return as.post('/units/import', payload, { headers });
  }

  async function create(code: string, name: string, levelCode: string, parentCode: string): Promise<UnitBody> {
    const parentId = t.world.units.get(parentCode)?.id ?? (await unitByCode(parentCode)).id;
    const response = await admin().post('/units', { code, name, levelCode, parentId });
    if (response.statusCode !== 201) throw new Error(`Creating ${code}: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  /**
   * A district with one school under ST, moved under a new province: each test that edits the tree builds its own
   * (codes `${prefix}`, `ST-${prefix}`, `ST-${prefix}-01`), so it passes alone and shares nothing with the others.
   */
  async function movedDistrict(prefix: string): Promise<{ province: UnitBody; district: UnitBody; school: UnitBody }> {
    const province = await create(prefix, `Tỉnh ${prefix}`, 'province', 'VN');
    const district = await create(`ST-${prefix}`, `Huyện ${prefix}`, 'district', 'ST');
    const school = await create(`ST-${prefix}-01`, `Trường ${prefix}`, 'school', district.code);
    const moved = await admin().post(`/units/${district.id}/move`, { parentId: province.id });
    if (moved.statusCode !== 200) throw new Error(`Moving ST-${prefix}: ${moved.statusCode} ${moved.body}`);
    return { province, district: await unitByCode(district.code), school: await unitByCode(school.code) };
  }

  async function countRows(table: 'units' | 'audit_log'): Promise<number> {
    const [{ count }] = await t.db.source.query(`SELECT count(*)::int AS count FROM ${table}`);
    return count;
  }

  it('documents the unit routes, the upload and their errors', async () => {
    const docs = (await t.request('GET', '/docs-json')).json();
    expect(
      Object.keys(docs.paths)
        .filter((p: string) => p.startsWith('/unit'))
        .sort(),
    ).toEqual([
      '/unit-levels',
      '/units',
      '/units/export.csv',
      '/units/export.xlsx',
      '/units/import',
      '/units/{id}',
      '/units/{id}/children',
      '/units/{id}/move',
      '/units/{id}/restore',
      '/units/{id}/retire',
      '/units/{id}/subtree',
    ]);
    const importRoute = docs.paths['/units/import'].post;
    expect(Object.keys(importRoute.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(importRoute.responses).sort()).toEqual(['200', '400', '401', '403', '413']);
    expect(docs.paths['/units/{id}/move'].post.responses['422']).toBeDefined();
    expect(docs.components.schemas.UnitDetail.properties.ancestors).toBeDefined();
  });

  describe('scope', () => {
    it('shows a district organiser only their district, and other units as missing', async () => {
      const ks = t.as('ks@test.vn');
      const list = await ks.get('/units');
      expect(list.statusCode).toBe(200);
      expect(codes(list.json().items)).toEqual(['ST-KS', 'ST-KS-01', 'ST-KS-02']);
      expect(list.json().total).toBe(3);
      expect((await ks.get(`/units/${t.unitId('ST-MT-01')}`)).statusCode).toBe(404);
      expect((await ks.get(`/units/${t.unitId('ST-MT')}/children`)).statusCode).toBe(404);
      expect((await ks.get(`/units/${t.unitId('ST')}/subtree`)).statusCode).toBe(404);
      const own = await ks.get(`/units/${t.unitId('ST-KS-01')}`);
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ code: 'ST-KS-01', levelCode: 'school', isLeaf: true, childCount: 0 });
      expect(own.json().ancestors.map((a: { code: string }) => a.code)).toEqual(['VN', 'ST', 'ST-KS']);
      const schools = await ks.get(`/units/${t.unitId('ST-KS')}/subtree`, { query: { level: 'school' } });
      expect(codes(schools.json().items)).toEqual(['ST-KS-01', 'ST-KS-02']);
    });

    it('shows a school account only its own unit', async () => {
      const school = t.as('school1@test.vn');
      expect(codes((await school.get('/units')).json().items)).toEqual(['ST-KS-01']);
      expect((await school.get(`/units/${t.unitId('ST-KS')}`)).statusCode).toBe(404);
      expect((await school.get(`/units/${t.unitId('ST-KS-02')}`)).statusCode).toBe(404);
    });

    it('shows a province judge the province and lets admins see everything', async () => {
      expect((await t.as('judge@test.vn').get('/units')).json().total).toBe(6);
      const all = await admin().get('/units', { query: { parentId: t.unitId('ST') } });
      expect(codes(all.json().items)).toEqual(['ST-KS', 'ST-MT']);
    });

    it('lists units by code, in pages that neither overlap nor skip a unit', async () => {
      const all = (await admin().get('/units', { query: { pageSize: '500' } })).json();
      const paged: string[] = [];
      for (let page = 1; paged.length < all.total; page += 1) {
        paged.push(...(await admin().get('/units', { query: { pageSize: '2', page: String(page) } })).json().items.map((u: UnitBody) => u.id));
      }
      expect(paged).toEqual(all.items.map((u: UnitBody) => u.id));
      expect(all.items.map((u: UnitBody) => u.code).indexOf('ST-KS')).toBeLessThan(all.items.map((u: UnitBody) => u.code).indexOf('ST-KS-01'));
    });

    it('searches without case or Vietnamese diacritics', async () => {
      const found = await t.as('province@test.vn').get('/units', { query: { q: 'KE SACH' } });
      expect(codes(found.json().items)).toEqual(['ST-KS', 'ST-KS-01']);
      const wildcard = await t.as('province@test.vn').get('/units', { query: { q: '%' } });
      expect(wildcard.json().items).toEqual([]);
    });

    it('lets anyone logged in read the levels, top down, and only admins change the tree', async () => {
      const levels = await t.as('school1@test.vn').get('/unit-levels');
      expect(levels.json().map((l: { code: string }) => l.code)).toEqual(['nation', 'province', 'district', 'school']);
      for (const who of ['province@test.vn', 'school1@test.vn']) {
        const created = await t.as(who).post('/units', { code: 'ST-XX', name: 'X', levelCode: 'district', parentId: t.unitId('ST') });
        expect(created.statusCode).toBe(403);
        expect((await t.as(who).post(`/units/${t.unitId('ST-KS-01')}/move`, { parentId: t.unitId('ST-MT') })).statusCode).toBe(403);
        expect((await t.as(who).post('/unit-levels', { code: 'commune', name: 'Xã', rank: 3 })).statusCode).toBe(403);
      }
    });
  });

  describe('levels', () => {
    it('lets an admin add a level, once', async () => {
      const created = await admin().post('/unit-levels', { code: 'organisation', name: 'Tổ chức', rank: 3, isLeaf: true });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({ code: 'organisation', name: 'Tổ chức', rank: 3, isLeaf: true });
      const again = await admin().post('/unit-levels', { code: 'organisation', name: 'Tổ chức', rank: 3 });
      expect(again.statusCode).toBe(409);
      expect(again.json().details.problems).toEqual([expect.objectContaining({ field: 'code', reason: 'already in use' })]);
    });
  });

  describe('editing', () => {
    it('creates units under the rank rules and names every bad field', async () => {
      const bad = await admin().post('/units', { code: 'has blank', name: '', levelCode: 'district', parentId: 'nope', extra: 1 });
      expect(bad.statusCode).toBe(400);
      expect([...new Set(bad.json().details.problems.map((p: { field: string }) => p.field))].sort()).toEqual(['code', 'extra', 'name', 'parentId']);

      const district = await admin().post('/units', { code: 'ST-CT', name: '  Huyện Châu Thành ', levelCode: 'district', parentId: t.unitId('ST') });
      expect(district.statusCode).toBe(201);
      expect(district.json()).toMatchObject({ code: 'ST-CT', name: 'Huyện Châu Thành', depth: 2, childCount: 0, retiredAt: null });
      expect(district.json().ancestors.map((a: { code: string }) => a.code)).toEqual(['VN', 'ST']);
      const school = await admin().post('/units', { code: 'ST-CT-01', name: 'Trường THCS Châu Thành', levelCode: 'school', parentId: district.json().id });
      expect(school.statusCode).toBe(201);
      expect((await admin().get(`/units/${district.json().id}`)).json().childCount).toBe(1);

      const duplicate = await admin().post('/units', { code: 'ST-CT', name: 'Trùng mã', levelCode: 'district', parentId: t.unitId('ST') });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().details.problems).toEqual([expect.objectContaining({ field: 'code', reason: 'already in use' })]);
      const underLeaf = await admin().post('/units', { code: 'ST-CT-01-A', name: 'Lớp', levelCode: 'school', parentId: school.json().id });
      expect(underLeaf.statusCode).toBe(422);
      expect(underLeaf.json().details.problems).toEqual([expect.objectContaining({ field: 'parentId', reason: expect.stringMatching(/cannot have units under it/) })]);
      const districtUnderDistrict = await admin().post('/units', { code: 'ST-CT-X', name: 'X', levelCode: 'district', parentId: district.json().id });
      expect(districtUnderDistrict.statusCode).toBe(422);
      const rootlessDistrict = await admin().post('/units', { code: 'ROOTLESS', name: 'X', levelCode: 'district' });
      expect(rootlessDistrict.statusCode).toBe(422);
      const unknownLevel = await admin().post('/units', { code: 'ST-CT-02', name: 'X', levelCode: 'commune', parentId: district.json().id });
      expect(unknownLevel.json().details.problems).toEqual([expect.objectContaining({ field: 'levelCode', reason: 'no such level' })]);
      expect(await brokenPaths()).toEqual([]);
    });

    it('renames a unit and finds it by its new name', async () => {
      const school = await create('ST-KS-31', 'Trường THCS Long Hòa', 'school', 'ST-KS');
      const renamed = await admin().patch(`/units/${school.id}`, { name: 'Trường THCS Long Hòa A' });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({ code: 'ST-KS-31', name: 'Trường THCS Long Hòa A' });
      const found = await admin().get('/units', { query: { q: 'long hoa a' } });
      expect(codes(found.json().items)).toEqual(['ST-KS-31']);
      const recoded = await admin().patch(`/units/${school.id}`, { code: 'ST-KS-01' });
      expect(recoded.statusCode).toBe(409);
      expect(recoded.json().details.problems).toEqual([expect.objectContaining({ field: 'code', reason: 'already in use' })]);
      expect((await admin().patch(`/units/${school.id}`, {})).statusCode).toBe(400);
    });

    it('moves a subtree: paths, ancestors and the entries under it follow at once', async () => {
      const province = await create('BL', 'Bạc Liêu', 'province', 'VN');
      const district = await create('ST-CLD', 'Huyện Cù Lao Dung', 'district', 'ST');
      const school = await create('ST-CLD-01', 'Trường THCS Cù Lao Dung', 'school', 'ST-CLD');
      t.world.units.set(school.code, await t.db.source.getRepository(Unit).findOneByOrFail({ id: school.id }));
      await registerEntries(t.db.source, t.world, [{ school: 'ST-CLD-01', reference: 'CT-1', field: 'HT', title: 'Máy tưới' }]);

      const moved = await admin().post(`/units/${district.id}/move`, { parentId: province.id });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().ancestors.map((a: { code: string }) => a.code)).toEqual(['VN', 'BL']);
      const schoolAfter = await admin().get(`/units/${school.id}`);
      expect(schoolAfter.json()).toMatchObject({ depth: 3, ancestors: [{ code: 'VN' }, { code: 'BL' }, { code: 'ST-CLD' }] });
      const blSchools = await admin().get(`/units/${province.id}/subtree`, { query: { level: 'school' } });
      expect(codes(blSchools.json().items)).toEqual(['ST-CLD-01']);
      expect(codes((await t.as('province@test.vn').get('/units', { query: { q: 'cu lao' } })).json().items)).toEqual([]);
      const [entry] = await t.db.source.query(`SELECT e.unit_path = u.path AS follows FROM entries e JOIN units u ON u.id = e.unit_id WHERE e.reference = 'CT-1'`);
      expect(entry.follows).toBe(true);
      expect(await brokenPaths()).toEqual([]);

      const audit = await admin().get('/audit', { query: { entityId: district.id } });
      expect(audit.json().items.map((a: { action: string }) => a.action)).toEqual(['unit.move', 'unit.create']);
      expect(audit.json().items[0]).toMatchObject({ before: { parentCode: 'ST' }, after: { parentCode: 'BL' } });
    });

    it('refuses moves under the unit itself, its descendants, or a wrong rank', async () => {
      const { province, district, school } = await movedDistrict('HG');
      const intoOwnSubtree = await admin().post(`/units/${province.id}/move`, { parentId: district.id });
      expect(intoOwnSubtree.statusCode).toBe(422);
      expect(intoOwnSubtree.json().details.problems).toEqual([expect.objectContaining({ field: 'parentId', reason: 'ST-HG lies under HG' })]);
      expect((await admin().post(`/units/${district.id}/move`, { parentId: district.id })).json().details.problems).toEqual([
        expect.objectContaining({ field: 'parentId', reason: 'a unit cannot be its own parent' }),
      ]);
      expect((await admin().post(`/units/${district.id}/move`, { parentId: t.unitId('ST-KS') })).statusCode).toBe(422);
      expect((await admin().post(`/units/${school.id}/move`, { parentId: t.unitId('ST-KS-02') })).statusCode).toBe(422);
      expect((await admin().post(`/units/${school.id}/move`, { parentId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(422);
      expect((await admin().post(`/units/00000000-0000-4000-8000-000000000000/move`, { parentId: district.id })).statusCode).toBe(404);
      expect((await unitByCode('ST-HG')).ancestors.map((a) => a.code)).toEqual(['VN', 'HG']);
    });

    it('retires a subtree, hides it from lists, and restores what was retired with it', async () => {
      const { province, district } = await movedDistrict('CM');
      const closedEarlier = await admin().post('/units', { code: 'ST-CM-02', name: 'Trường đã đóng', levelCode: 'school', parentId: district.id });
      expect((await admin().post(`/units/${closedEarlier.json().id}/retire`)).statusCode).toBe(200);

      const retired = await admin().post(`/units/${district.id}/retire`);
      expect(retired.statusCode).toBe(200);
      expect(retired.json().retiredAt).toEqual(expect.any(String));
      expect((await unitByCode('ST-CM-01')).retiredAt).toEqual(expect.any(String));
      expect((await unitByCode(province.code)).childCount).toBe(0);
      expect((await admin().get(`/units/${province.id}/subtree`)).json().items.map((u: UnitBody) => u.code)).toEqual(['CM']);
      const withRetired = await admin().get(`/units/${province.id}/subtree`, { query: { includeRetired: 'true' } });
      expect(codes(withRetired.json().items)).toEqual(['CM', 'ST-CM', 'ST-CM-01', 'ST-CM-02']);
      expect((await admin().post(`/units/${district.id}/retire`)).statusCode).toBe(409);
      const moveUnder = await admin().post(`/units/${t.unitId('ST-KS-01')}/move`, { parentId: district.id });
      expect(moveUnder.json().details.problems).toEqual([expect.objectContaining({ field: 'parentId', reason: 'ST-CM is retired: restore it first' })]);
      expect((await admin().post(`/units/${closedEarlier.json().id}/restore`)).statusCode).toBe(422);

      const restored = await admin().post(`/units/${district.id}/restore`);
      expect(restored.statusCode).toBe(200);
      expect(restored.json().retiredAt).toBeNull();
      expect((await unitByCode('ST-CM-01')).retiredAt).toBeNull();
      expect((await unitByCode('ST-CM-02')).retiredAt).toEqual(expect.any(String));
      expect((await admin().post(`/units/${district.id}/restore`)).statusCode).toBe(409);
      expect((await admin().post(`/units/${closedEarlier.json().id}/restore`)).json().retiredAt).toBeNull();
      const audit = await admin().get('/audit', { query: { entityId: district.id } });
      expect(audit.json().items.slice(0, 2)).toEqual([
        expect.objectContaining({ action: 'unit.restore', after: { restoredUnits: 2 } }),
        expect.objectContaining({ action: 'unit.retire', after: { retiredUnits: 2 } }),
      ]);
    });

    it('refuses to let an admin retire the unit that holds their own admin role', async () => {
      const response = await admin().post(`/units/${t.unitId('VN')}/retire`);
      expect(response.statusCode).toBe(422);
      expect((await unitByCode('VN')).retiredAt).toBeNull();
    });
  });

  describe('import', () => {
    const csv = [
      'code;name;level;parent_code',
      'ST-TT-01;Trường THCS Thạnh Trị;school;ST-TT',
      'ST-TT-02;Trường TH Thạnh Trị 2;Trường;ST-TT',
      'ST-TT;Huyện Thạnh Trị;district;ST',
      'ST-VC;Thị xã Vĩnh Châu;Huyện;ST',
      'ST-VC-01;Trường THPT Vĩnh Châu;school;ST-VC',
    ].join('\n');

    it('imports a CSV with children before their parents, and a second time changes nothing', async () => {
      const unitsBefore = await countRows('units');
      const first = await upload(admin(), { filename: 'units.csv', contentType: 'text/csv', content: csv });
      expect(first.statusCode).toBe(200);
      const { units, ...counts } = first.json();
      expect(counts).toEqual({ created: 5, updated: 0, unchanged: 0, total: 5 });
      expect(await countRows('units')).toBe(unitsBefore + 5);
      const tt = await unitByCode('ST-TT');
      // Each row's new unit with its id, in file order: a client needs no listing to find what it created.
      expect(units.map((u: { code: string; outcome: string }) => `${u.code} ${u.outcome}`)).toEqual(['ST-TT-01 created', 'ST-TT-02 created', 'ST-TT created', 'ST-VC created', 'ST-VC-01 created']);
      expect(units[2].id).toBe(tt.id);
      expect(tt.ancestors.map((a) => a.code)).toEqual(['VN', 'ST']);
      expect(codes((await admin().get(`/units/${tt.id}/children`)).json().items)).toEqual(['ST-TT-01', 'ST-TT-02']);
      expect(await brokenPaths()).toEqual([]);
      const audit = await admin().get('/audit', { query: { action: 'unit.import', entityId: tt.id } });
      expect(audit.json().items).toEqual([expect.objectContaining({ after: { code: 'ST-TT', name: 'Huyện Thạnh Trị', levelCode: 'district', parentCode: 'ST' } })]);

      const again = await upload(admin(), { filename: 'units.csv', contentType: 'text/csv', content: csv });
      expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 5, total: 5 });
      expect(again.json().units).toEqual(units.map((u: object) => ({ ...u, outcome: 'unchanged' })));
      expect(await countRows('units')).toBe(unitsBefore + 5);
    });

    it('imports an XLSX with Vietnamese headers that renames, moves and adds units', async () => {
      // The tree the CSV above makes, whether or not that test ran first.
      expect((await upload(admin(), { filename: 'units.csv', contentType: 'text/csv', content: csv })).statusCode).toBe(200);
      const file = await xlsx([
        ['Mã', 'Tên đơn vị', 'Cấp', 'Mã cấp trên'],
        ['ST-TT', 'Huyện Thạnh Trị', 'district', 'ST'],
        ['ST-TT-01', 'Trường THCS Thạnh Trị (mới)', 'school', 'ST-TT'],
        ['ST-TT-02', 'Trường TH Thạnh Trị 2', 'school', 'ST-VC'],
        ['ST-VC-02', 'Trường TH Vĩnh Châu 2', 'school', 'ST-VC'],
      ]);
      const send = () => upload(admin(), { filename: 'don-vi.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: file });
      const first = await send();
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ created: 1, updated: 2, unchanged: 1, total: 4 });
      expect(first.json().units.map((u: { code: string; outcome: string }) => `${u.code} ${u.outcome}`)).toEqual(['ST-TT unchanged', 'ST-TT-01 updated', 'ST-TT-02 updated', 'ST-VC-02 created']);
      expect((await unitByCode('ST-TT-01')).name).toBe('Trường THCS Thạnh Trị (mới)');
      expect((await unitByCode('ST-TT-02')).ancestors.map((a) => a.code)).toEqual(['VN', 'ST', 'ST-VC']);
      expect(codes((await admin().get(`/units/${(await unitByCode('ST-VC')).id}/children`)).json().items)).toEqual(['ST-TT-02', 'ST-VC-01', 'ST-VC-02']);
      expect(await brokenPaths()).toEqual([]);
      expect((await send()).json()).toMatchObject({ created: 0, updated: 0, unchanged: 4, total: 4 });
    });

    it('refuses a bad file whole, listing every bad row, and writes nothing', async () => {
      const bad = [
        'code,name,level,parent_code',
        'ST-LP,Huyện Long Phú,district,ST', // 2: good
        'ST-LP-01,Trường Long Phú,school,ST-LP', // 3: good
        'ST-LP-01,Trường Long Phú bis,school,ST-LP', // 4: duplicate
        ',Không mã,school,ST-LP', // 5: empty code
        'ST-LP-02,,school,ST-LP', // 6: empty name
        'ST-LP-03,Trường X,commune,ST-LP', // 7: unknown level
        'ST-LP-04,Trường Y,school,ST-NOWHERE', // 8: unknown parent
        'ST-LP-05,Huyện dưới trường,district,ST-KS-01', // 9: under a leaf
        'ST-LP-06,Tỉnh dưới huyện,province,ST-LP', // 10: rank
        'ST-KS,Huyện Kế Sách,school,ST', // 11: level change
      ].join('\r\n');
      const unitsBefore = await countRows('units');
      const auditBefore = await countRows('audit_log');
      const response = await upload(admin(), { filename: 'bad.csv', contentType: 'text/csv', content: bad });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
      expect(response.json().details.problems.map((p: { row: number; field: string }) => [p.row, p.field])).toEqual([
        [4, 'code'],
        [5, 'code'],
        [6, 'name'],
        [7, 'level'],
        [8, 'parent_code'],
        [9, 'parent_code'],
        [10, 'parent_code'],
        [11, 'level'],
      ]);
      expect(response.json().details.problems.every((p: { reason: string }) => p.reason.length > 0)).toBe(true);
      expect(await countRows('units')).toBe(unitsBefore);
      expect(await countRows('audit_log')).toBe(auditBefore);
      expect((await admin().get('/units', { query: { q: 'long phu' } })).json().total).toBe(0);
    });

    it("matches codes without case and keeps the tree's spelling; refuses codes and names the app would refuse", async () => {
      const ks01 = await unitByCode('ST-KS-01');
      const file = ['code,name,level,parent_code', `st-ks-01,${ks01.name},school,st-ks`, 'st-ks-77,Trường Kế Sách 77,school,St-Ks'].join('\n');
      const response = await upload(admin(), { filename: 'lower.csv', contentType: 'text/csv', content: file });
      expect(response.json()).toMatchObject({ created: 1, updated: 0, unchanged: 1, total: 2 });
      expect((await unitByCode('st-ks-77')).ancestors.map((a) => a.code)).toEqual(['VN', 'ST', 'ST-KS']);

      const unitsBefore = await countRows('units');
      const bad = ['code,name,level,parent_code', 'ST-KS-78?,Trường 78,school,ST-KS', 'ST-KS-79,Trường\u200B79,school,ST-KS'].join('\n');
      const refused = await upload(admin(), { filename: 'bad.csv', contentType: 'text/csv', content: bad });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().details.problems).toEqual([
        { row: 2, field: 'code', code: 'CODE_CHARACTERS', params: {}, reason: 'may hold only ASCII letters, digits, ".", "_" and "-"' },
        { row: 3, field: 'name', code: 'INVISIBLE_CHARACTERS', params: { found: 'U+200B' }, reason: 'must not contain invisible or control characters (found U+200B)' },
      ]);
      expect(await countRows('units')).toBe(unitsBefore);
    });

    it('exports the tree with Vietnamese headers, which the import takes back, corrected, as it is', async () => {
      for (const format of ['csv', 'xlsx'] as const) {
        const exported = await admin().get(`/units/export.${format}`);
        expect(exported.statusCode).toBe(200);
        expect(exported.headers['content-disposition']).toMatch(new RegExp(`filename="don-vi-\\d{4}-\\d{2}-\\d{2}\\.${format}"`));
        const total = (await admin().get('/units', { query: { pageSize: '500' } })).json().total;
        const again = await upload(admin(), { filename: `don-vi.${format}`, contentType: 'application/octet-stream', content: exported.rawPayload });
        expect(again.statusCode).toBe(200);
        expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: total, total });
      }

      const csv = (await admin().get('/units/export.csv')).body.replace(/^\uFEFF/, '');
      const [header, ...lines] = csv.trim().split(/\r?\n/);
      expect(header).toBe('Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên');
      const codesInFile = lines.map((line) => line.split(',')[0]);
      expect(codesInFile).toEqual([...codesInFile].sort());
      // Corrected in the spreadsheet: one school renamed, one added; the other rows come back unchanged.
      const corrected = [
        header,
        ...lines.map((line) => (line.startsWith('ST-KS-02,') ? line.replace(/^ST-KS-02,[^,]*/, 'ST-KS-02,Trường Tiểu học An Lạc Tây (đổi tên)') : line)),
        'ST-KS-90,Trường mới từ tệp xuất,school,ST-KS',
      ];
      const response = await upload(admin(), { filename: 'don-vi.csv', contentType: 'text/csv', content: `\uFEFF${corrected.join('\r\n')}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ created: 1, updated: 1 });
      expect((await unitByCode('ST-KS-02')).name).toBe('Trường Tiểu học An Lạc Tây (đổi tên)');
      expect((await unitByCode('ST-KS-90')).ancestors.map((a) => a.code)).toEqual(['VN', 'ST', 'ST-KS']);
    });

    it('exports only the units in scope', async () => {
      const csv = (await t.as('ks@test.vn').get('/units/export.csv')).body.replace(/^\uFEFF/, '');
      const codesInFile = csv
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((line) => line.split(',')[0]);
      expect(codesInFile.length).toBeGreaterThan(0);
      expect(codesInFile.every((code) => code.toUpperCase().startsWith('ST-KS'))).toBe(true);
    });

    it('names the missing columns of a file', async () => {
      const response = await upload(admin(), { filename: 'x.csv', contentType: 'text/csv', content: 'code,name\nA,B\n' });
      expect(response.statusCode).toBe(400);
      expect(response.json().details.problems).toEqual([
        expect.objectContaining({ row: 1, field: 'level', reason: 'required column is missing' }),
        expect.objectContaining({ row: 1, field: 'parent_code', reason: 'required column is missing' }),
      ]);
    });

    it('is for administrators only', async () => {
      const response = await upload(t.as('province@test.vn'), { filename: 'units.csv', contentType: 'text/csv', content: csv });
      expect(response.statusCode).toBe(403);
    });
  });
});
