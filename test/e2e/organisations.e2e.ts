import { PASSWORD, smallWorld, technicalContest, TECHNICAL_EDITION, YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

/** smallWorld with an enterprise under the province, its account, and the province's technical contest. */
function world() {
  const spec = smallWorld();
  spec.levels.push({ code: 'organisation', name: 'Cơ quan, doanh nghiệp', rank: 3, isLeaf: true });
  spec.units.push({ code: 'ST-CTY-01', name: 'Công ty Cơ điện Sóc Trăng', level: 'organisation', parent: 'ST' });
  spec.users.push(
    { email: 'cty@test.vn', fullName: 'Công ty Cơ điện', password: PASSWORD, grants: [{ role: 'organisation', unit: 'ST-CTY-01' }] },
    { email: 'new-staff@test.vn', fullName: 'Nhân viên mới', password: PASSWORD, grants: [] },
  );
  spec.contests.push(technicalContest());
  return spec;
}

const solution = (overrides: Record<string, unknown> = {}) => ({
  title: 'Giải pháp tự động hóa dây chuyền sấy lúa',
  fieldCode: 'ck',
  summary: 'Điều khiển nhiệt độ sấy theo độ ẩm hạt.',
  contact: { name: 'Lê Minh Tâm', email: 'tam.le@cty-codien.vn' },
  createdYear: new Date().getUTCFullYear() - 1,
  authors: [{ fullName: 'Phạm Quốc Hùng', classOrJob: 'Kỹ sư cơ điện' }],
  ...overrides,
});

describe('organisations and the technical contest (e2e)', () => {
  let t: TestApp;
  let technical: string;
  let youth: string;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, spec: world() });
    technical = t.world.editions.get(TECHNICAL_EDITION)!.edition.id;
    youth = t.world.editions.get(YOUTH_EDITION)!.edition.id;
  });
  afterAll(() => t.stop());

  it('lets an organisation account register its own solutions and see only them', async () => {
    const cty = t.as('cty@test.vn');
    const registered = await cty.post(`/editions/${technical}/entries`, solution({ reference: 'CTY-2023-01' }));
    expect(registered.statusCode).toBe(201);
    expect(registered.json()).toMatchObject({ unit: { code: 'ST-CTY-01' }, field: { code: 'CK' }, currentStage: { name: 'Cấp tỉnh' } });
    const listed = (await cty.get('/entries')).json();
    expect(listed.items.map((e: { reference: string }) => e.reference)).toEqual(['CTY-2023-01']);
    expect((await cty.get(`/units/${t.unitId('ST-CTY-01')}`)).statusCode).toBe(200);
    expect((await cty.get(`/units/${t.unitId('ST-KS-01')}`)).statusCode).toBe(404);
  });

  it('grants the organisation role at an organisation, never at an administrative unit', async () => {
    const admin = t.as('admin@test.vn');
    const userId = t.world.users.get('new-staff@test.vn')!.id;
    const refused = await admin.post(`/users/${userId}/grants`, { role: 'organisation', unitId: t.unitId('ST') });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.problems).toEqual([{ field: 'unitId', code: 'NOT_A_LEAF_UNIT', params: {}, reason: 'not a leaf unit' }]);
    expect((await admin.post(`/users/${userId}/grants`, { role: 'organisation', unitId: t.unitId('ST-CTY-01') })).statusCode).toBe(201);
    const me = (await t.as('new-staff@test.vn').get('/auth/me')).json();
    expect(me.grants).toEqual([expect.objectContaining({ role: 'organisation' })]);
  });

  it('lets the province organiser register an individual author at the province in the technical contest only', async () => {
    const province = t.as('province@test.vn');
    const individual = await province.post(
      `/editions/${technical}/entries`,
      solution({ unitId: t.unitId('ST'), reference: 'CN-01', authors: [{ fullName: 'Võ Văn Tự Do', classOrJob: 'Thợ cơ khí' }] }),
    );
    expect(individual.statusCode).toBe(201);
    expect(individual.json()).toMatchObject({ unit: { code: 'ST' }, currentStage: { name: 'Cấp tỉnh' } });

    const inYouth = await province.post(`/editions/${youth}/entries`, {
      ...solution({ unitId: t.unitId('ST'), fieldCode: 'HT', createdYear: undefined }),
      authors: [{ fullName: 'Nguyễn Văn An', birthDate: '2008-03-15' }],
    });
    expect(inYouth.statusCode).toBe(422);
    expect(inYouth.json().details.problems).toEqual([{ field: 'unitId', code: 'NOT_SCHOOL_OR_ORGANISATION', params: {}, reason: 'not a school or organisation' }]);

    const atDistrict = await t.as('ks@test.vn').post(`/editions/${technical}/entries`, solution({ unitId: t.unitId('ST-KS'), reference: 'CN-02' }));
    expect(atDistrict.statusCode).toBe(422);
    expect(atDistrict.json().details.problems).toEqual([
      { field: 'unitId', code: 'NOT_REGISTERING_NOR_RUNNING_UNIT', params: {}, reason: 'not a school or organisation, nor the unit that runs the edition' },
    ]);
  });

  describe("the technical contest's import template", () => {
    it('shows a technical solution, names unit_code for organisers, and imports nothing as it stands', async () => {
      const province = t.as('province@test.vn');
      const template = await province.get(`/editions/${technical}/entries/import-template.csv`);
      expect(template.statusCode).toBe(200);
      const [header, example] = template.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      expect(header.split(',').slice(0, 3)).toEqual(['unit_code', 'reference', 'title']);
      expect(header).toContain('created_year');
      expect(example).toContain('Giải pháp');
      expect(example).toContain('Kỹ sư');
      expect(example).not.toMatch(/9A1|giáo viên|\d{2}\/\d{2}\/\d{4}/);

      const entriesBefore = await count('entries');
      const outboxBefore = await count('outbox');
      const file = multipart({ filename: 'mau.csv', contentType: 'text/csv', content: template.rawPayload });
      const imported = await province.post(`/editions/${technical}/entries/import`, file.payload, { headers: file.headers });
      expect(imported.statusCode).toBe(400);
      expect(imported.json().details.problems).toEqual([{ row: 2, field: 'reference', code: 'EXAMPLE_ROW_MARK', params: { reference: 'VI-DU' }, reason: "VI-DU marks the template's example row" }]);
      expect(await count('entries')).toBe(entriesBefore);
      expect(await count('outbox')).toBe(outboxBefore);
    });

    it('leaves the example out of a file that also holds real rows, and says where it was', async () => {
      const cty = t.as('cty@test.vn');
      const template = (await cty.get(`/editions/${technical}/entries/import-template.csv`)).body.replace(/^\uFEFF/, '').trim();
      const [header, example] = template.split(/\r?\n/);
      expect(header).not.toContain('unit_code');
      const real = example.replace('VI-DU', 'CTY-2023-02').replace('vi-du@example.invalid', 'ky-thuat@cty-codien.vn');
      const file = multipart({ filename: 'danh-sach.csv', contentType: 'text/csv', content: [header, example, real].join('\n') });
      const imported = await cty.post(`/editions/${technical}/entries/import`, file.payload, { headers: file.headers });
      expect(imported.statusCode).toBe(201);
      expect(imported.json()).toMatchObject({ created: 1, total: 1, exampleRows: [2], entries: [expect.objectContaining({ row: 3, reference: 'CTY-2023-02', schoolCode: 'ST-CTY-01' })] });
      const mails = await t.db.source.query(`SELECT payload->'to' AS "to" FROM outbox WHERE payload->'to' ? 'vi-du@example.invalid'`);
      expect(mails).toEqual([]);
    });
  });

  async function count(table: 'entries' | 'outbox'): Promise<number> {
    const [row] = await t.db.source.query(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n;
  }
});
