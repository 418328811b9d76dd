import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { YOUTH_EDITION } from '../support/fixtures';
import { addEdition, registerEntries } from '../support/factories';
import { TestApp } from '../support/test-app';

interface Problem {
  field: string;
  reason: string;
}

function entryBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Máy tưới cây tự động',
    fieldCode: 'MT',
    summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
    contact: { name: 'Trần Văn Minh', email: 'Minh.GV@School1.vn', phone: '0299 3861 234' },
    authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' }],
    ...overrides,
  };
}

describe('entries (e2e)', () => {
  let t: TestApp;
  let editionId: string;
  let entriesUrl: string;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    editionId = t.world.editions.get(YOUTH_EDITION)!.edition.id;
    entriesUrl = `/editions/${editionId}/entries`;
  });
  afterAll(() => t.stop());

  /** Moves the edition's registration window, then restores it. */
  async function withWindow(opens: string, closes: string, work: () => Promise<void>): Promise<void> {
    const [saved] = await t.db.source.query('SELECT registration_opens_at, registration_closes_at FROM editions WHERE id = $1', [editionId]);
    await t.db.source.query(`UPDATE editions SET registration_opens_at = now() + $2::interval, registration_closes_at = now() + $3::interval WHERE id = $1`, [editionId, opens, closes]);
    try {
      await work();
    } finally {
      await t.db.source.query('UPDATE editions SET registration_opens_at = $2, registration_closes_at = $3 WHERE id = $1', [editionId, saved.registration_opens_at, saved.registration_closes_at]);
    }
  }

  async function entryCount(editionId?: string): Promise<number> {
    const [row] = await t.db.source.query('SELECT count(*)::int AS n FROM entries WHERE $1::uuid IS NULL OR edition_id = $1', [editionId ?? null]);
    return row.n;
  }

  it('registers an entry in the first stage, shows it, and queues the confirmation mail', async () => {
    const created = await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'KS01-001' }));
    expect(created.statusCode).toBe(201);
    const entry = created.json();
    expect(entry).toMatchObject({
      editionId,
      reference: 'KS01-001',
      unit: { code: 'ST-KS-01' },
      field: { code: 'MT', name: 'Sản phẩm thân thiện với môi trường' },
      contact: { name: 'Trần Văn Minh', email: 'minh.gv@school1.vn', phone: '0299 3861 234' },
      status: 'registered',
      version: 1,
      authors: [{ position: 1, fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' }],
      currentStage: { name: 'Cấp trường', position: 1, unitId: t.unitId('ST-KS-01') },
      dossierFiles: [],
    });

    const shown = await t.as('school1@test.vn').get(`/entries/${entry.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(entry);

    const [mail] = await t.db.source.query('SELECT topic, payload FROM outbox WHERE event_key = $1', [`entries-registered:${entry.id}`]);
    expect(mail.topic).toBe('mail');
    expect(mail.payload).toEqual({
      kind: 'entries-registered',
      to: 'minh.gv@school1.vn',
      data: {
        schoolName: 'Trường THCS Kế Sách',
        contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
        seasonLabel: '2017',
        editionNumber: 6,
        entries: [{ id: entry.id, title: 'Máy tưới cây tự động', reference: 'KS01-001' }],
      },
    });

    const audit = await t.as('ks@test.vn').get('/audit', { query: { entityId: entry.id } });
    expect(audit.json().items).toEqual([expect.objectContaining({ action: 'entry.register', after: expect.objectContaining({ title: 'Máy tưới cây tự động' }) })]);
  });

  it('generates a reference when the school gives none', async () => {
    const created = await t.as('school1@test.vn').post(entriesUrl, entryBody({ title: 'Bút thông minh' }));
    expect(created.statusCode).toBe(201);
    expect(created.json().reference).toMatch(/^ST-KS-01-[0-9A-F]{8}$/);
  });

  it('refuses an ineligible author, naming the author and why, and writes nothing', async () => {
    const before = await entryCount();
    const refused = await t.as('school1@test.vn').post(
      entriesUrl,
      entryBody({
        reference: 'KS01-OLD',
        authors: [
          { fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' },
          { fullName: 'Lê Văn Tí', birthDate: '2000-01-01' },
        ],
      }),
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('RULE_VIOLATION');
    expect(refused.json().details.problems).toEqual([expect.objectContaining({ field: 'authors[1].birthDate', reason: expect.stringContaining('Lê Văn Tí') })]);
    expect(refused.json().details.problems[0].reason).toContain('01/01/2000');

    const tooMany = await t.as('school1@test.vn').post(entriesUrl, entryBody({ authors: Array.from({ length: 6 }, (_, i) => ({ fullName: `Tác giả ${i + 1}`, birthDate: '2008-01-01' })) }));
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().details.problems).toEqual([expect.objectContaining({ field: 'authors', reason: 'at most 5 authors per entry, got 6' })]);

    const impossibleDate = await t.as('school1@test.vn').post(entriesUrl, entryBody({ authors: [{ fullName: 'Trần B', birthDate: '2010-02-30' }] }));
    expect(impossibleDate.statusCode).toBe(400);
    expect(impossibleDate.json().details.problems.map((p: Problem) => p.field)).toEqual(['authors[0].birthDate']);

    const unknownField = await t.as('school1@test.vn').post(entriesUrl, entryBody({ fieldCode: 'XX' }));
    expect(unknownField.statusCode).toBe(422);
    expect(unknownField.json().details.problems.map((p: Problem) => p.field)).toEqual(['fieldCode']);
    expect(await entryCount()).toBe(before);
  });

  it('names every malformed field with 400', async () => {
    const bad = await t.as('school1@test.vn').post(entriesUrl, {
      ...entryBody({ title: '   ', authors: [{ fullName: 'A', birthDate: '05/03/2008' }] }),
      contact: { name: 'X', email: 'not-mail' },
      extra: true,
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.problems.map((p: Problem) => p.field)
        .sort(),
    ).toEqual(['authors[0].birthDate', 'contact.email', 'extra', 'title']);
  });

  it('refuses a second entry of the same school with the same reference, naming the reference', async () => {
    expect((await t.as('school2@test.vn').post(entriesUrl, entryBody({ reference: 'DUP-1' }))).statusCode).toBe(201);
    const again = await t.as('school2@test.vn').post(entriesUrl, entryBody({ reference: 'DUP-1', title: 'Khác' }));
    expect(again.statusCode).toBe(409);
    expect(again.json().details.problems).toEqual([expect.objectContaining({ field: 'reference', reason: expect.any(String) })]);
    // Another school may use the same reference for its own entry.
    expect((await t.as('school3@test.vn').post(entriesUrl, entryBody({ reference: 'DUP-1' }))).statusCode).toBe(201);
  });

  it('lets an organiser register on behalf of a school in their scope only', async () => {
    const onBehalf = await t.as('ks@test.vn').post(entriesUrl, entryBody({ unitId: t.unitId('ST-KS-02'), reference: 'BTC-1' }));
    expect(onBehalf.statusCode).toBe(201);
    expect(onBehalf.json().unit.code).toBe('ST-KS-02');
    expect((await t.as('ks@test.vn').post(entriesUrl, entryBody({ unitId: t.unitId('ST-MT-01') }))).statusCode).toBe(404);
    const atDistrict = await t.as('ks@test.vn').post(entriesUrl, entryBody({ unitId: t.unitId('ST-KS') }));
    expect(atDistrict.statusCode).toBe(422);
    expect(atDistrict.json().details.problems).toEqual([expect.objectContaining({ field: 'unitId', reason: 'not a school or organisation' })]);
    const noUnit = await t.as('ks@test.vn').post(entriesUrl, entryBody());
    expect(noUnit.statusCode).toBe(400);
    expect(noUnit.json().details.problems.map((p: Problem) => p.field)).toEqual(['unitId']);
    expect((await t.as('school1@test.vn').post(`/editions/${t.unitId('ST')}/entries`, entryBody())).statusCode).toBe(404);
  });

  it('refuses registration, edits and withdrawal outside the registration window', async () => {
    const created = (await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'WIN-1' }))).json();
    await withWindow('-10 days', '-1 day', async () => {
      const late = await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'WIN-2' }));
      expect(late.statusCode).toBe(422);
      expect(late.json().message).toMatch(/^Registration closed on /);
      expect((await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 1, title: 'Muộn' })).statusCode).toBe(422);
      expect((await t.as('school1@test.vn').post(`/entries/${created.id}/withdraw`)).statusCode).toBe(422);
    });
    await withWindow('+1 day', '+10 days', async () => {
      const early = await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'WIN-3' }));
      expect(early.statusCode).toBe(422);
      expect(early.json().message).toMatch(/^Registration opens on /);
    });
  });

  it('edits with the version read, refuses a stale version, and audits before and after', async () => {
    const created = (await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'EDIT-1' }))).json();
    const edited = await t.as('school1@test.vn').patch(`/entries/${created.id}`, {
      version: 1,
      title: 'Máy tưới cây thông minh',
      fieldCode: 'HT',
      authors: [
        { fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' },
        { fullName: 'Phạm Quốc Bảo', birthDate: '2009-11-20', classOrJob: 'Lớp 7B' },
      ],
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, title: 'Máy tưới cây thông minh', field: { code: 'HT' }, summary: created.summary });
    expect(edited.json().authors.map((a: { fullName: string }) => a.fullName)).toEqual(['Nguyễn Thị Hồng', 'Phạm Quốc Bảo']);

    const stale = await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 1, title: 'Ghi đè' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', reason: 'STALE_VERSION', details: { expected: 1, actual: 2 } });

    const ineligible = await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 2, authors: [{ fullName: 'Lê Văn Tí', birthDate: '1999-12-31' }] });
    expect(ineligible.statusCode).toBe(422);
    expect(ineligible.json().details.problems.map((p: Problem) => p.field)).toEqual(['authors[0].birthDate']);

    const clash = await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 2, reference: 'KS01-001' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().details.problems[0].field).toBe('reference');

    const audit = await t.as('province@test.vn').get('/audit', { query: { entityId: created.id, action: 'entry.edit' } });
    expect(audit.json().items).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({ title: 'Máy tưới cây tự động', fieldCode: 'MT' }),
        after: expect.objectContaining({ title: 'Máy tưới cây thông minh', fieldCode: 'HT' }),
      }),
    ]);
  });

  it('withdraws an entry, which stays listed as withdrawn and can no longer be edited', async () => {
    const created = (await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'WD-1' }))).json();
    const withdrawn = await t.as('school1@test.vn').post(`/entries/${created.id}/withdraw`);
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', version: 2 });
    const again = await t.as('school1@test.vn').post(`/entries/${created.id}/withdraw`);
    expect(again.json()).toMatchObject({ status: 'withdrawn', version: 2 });
    expect((await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 2, title: 'Sau khi rút' })).statusCode).toBe(422);
    const listed = await t.as('school1@test.vn').get('/entries', { query: { q: 'WD-1' } });
    expect(listed.json().items).toEqual([expect.objectContaining({ id: created.id, status: 'withdrawn' })]);
    const audit = await t.as('ks@test.vn').get('/audit', { query: { entityId: created.id, action: 'entry.withdraw' } });
    expect(audit.json().total).toBe(1);
  });

  it('creates one entry for retries with the same Idempotency-Key, and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'register-idem-1' };
    const body = entryBody({ reference: 'IDEM-1' });
    const first = await t.as('school1@test.vn').post(entriesUrl, body, { headers });
    const second = await t.as('school1@test.vn').post(entriesUrl, body, { headers });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const [{ n }] = await t.db.source.query(`SELECT count(*)::int AS n FROM entries WHERE reference = 'IDEM-1'`);
    expect(n).toBe(1);
    const other = await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'IDEM-2' }), { headers });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  describe('lists and exports', () => {
    let creative: { id: string; title: string };
    // An edition of its own, so that what the lists show does not depend on which tests ran before.
    let listed: { editionId: string };
    let listEdition: string;

    beforeAll(async () => {
      listEdition = await addEdition(t.db.source, t.world, { number: 7 });
      listed = { editionId: t.world.editions.get(listEdition)!.edition.id };
      const listUrl = `/editions/${listed.editionId}/entries`;
      const nfdTitle = 'Sáng tạo từ vỏ chai nhựa'.normalize('NFD');
      creative = (await t.as('school2@test.vn').post(listUrl, entryBody({ reference: 'LST-1', title: nfdTitle, fieldCode: 'HT' }))).json();
      await t.as('school3@test.vn').post(listUrl, entryBody({ reference: 'LST-2', title: 'Robot nhặt rác', fieldCode: 'PM' }));
      await registerEntries(t.db.source, t.world, [
        { edition: listEdition, school: 'ST-KS-01', reference: 'KS-1', field: 'MT', title: 'Đèn học tiết kiệm điện' },
        { edition: listEdition, school: 'ST-KS-01', reference: 'WD-1', field: 'MT', title: 'Mô hình đã rút', withdrawn: true },
      ]);
    });

    it('stores text as NFC and finds it ignoring case and diacritics', async () => {
      expect(creative.title).toBe('Sáng tạo từ vỏ chai nhựa'.normalize('NFC'));
      expect(creative.title).not.toBe('Sáng tạo từ vỏ chai nhựa'.normalize('NFD'));
      for (const q of ['sang tao', 'SÁNG TẠO', 'vo chai']) {
        const found = await t.as('province@test.vn').get('/entries', { query: { ...listed, q } });
        expect(found.json().items.map((e: { id: string }) => e.id)).toEqual([creative.id]);
      }
      const byAuthor = await t.as('province@test.vn').get('/entries', { query: { ...listed, q: 'nguyen thi hong', fieldCode: 'HT' } });
      expect(byAuthor.json().items.map((e: { id: string }) => e.id)).toContain(creative.id);
      expect((await t.as('province@test.vn').get('/entries', { query: { ...listed, q: '100%' } })).json().total).toBe(0);
    });

    it('filters by unit, field, stage and status, and pages in a stable order', async () => {
      const province = t.as('province@test.vn');
      const all = (await province.get('/entries', { query: { ...listed, pageSize: '500' } })).json();
      expect(all).toMatchObject({ total: await entryCount(listed.editionId), totalExact: true, nextCursor: null });
      // A school's entries come together, by reference.
      const units = all.items.map((e: { unit: { code: string } }) => e.unit.code).filter((code: string, i: number, codes: string[]) => code !== codes[i - 1]);
      expect(units).toEqual([...new Set(units)]);
      for (const code of units) {
        const references = all.items.filter((e: { unit: { code: string } }) => e.unit.code === code).map((e: { reference: string }) => e.reference);
        expect(references).toEqual([...references].sort());
      }

      const ks = (await province.get('/entries', { query: { ...listed, unitId: t.unitId('ST-KS'), pageSize: '500' } })).json();
      expect(ks.items.length).toBeGreaterThan(0);
      expect(ks.items.every((e: { unit: { code: string } }) => e.unit.code.startsWith('ST-KS-'))).toBe(true);
      expect(ks.total).toBe(all.items.filter((e: { unit: { code: string } }) => e.unit.code.startsWith('ST-KS-')).length);

      const software = (await province.get('/entries', { query: { ...listed, fieldCode: 'PM' } })).json();
      expect(software.items.map((e: { reference: string }) => e.reference)).toEqual(['LST-2']);

      const withdrawn = (await province.get('/entries', { query: { ...listed, status: 'withdrawn' } })).json();
      expect(withdrawn.items.map((e: { reference: string }) => e.reference)).toEqual(['WD-1']);

      const [schoolStage, districtStage] = t.world.editions.get(listEdition)!.stages;
      expect((await province.get('/entries', { query: { ...listed, stageId: schoolStage.id } })).json().total).toBe(all.total);
      expect((await province.get('/entries', { query: { ...listed, stageId: districtStage.id } })).json().total).toBe(0);

      // Page after page by cursor: the same entries in the same order, each once, and the total on every page.
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await province.get('/entries', { query: { ...listed, pageSize: '2', ...(cursor ? { cursor } : {}) } })).json();
        expect(page).toMatchObject({ pageSize: 2, total: all.total, totalExact: true });
        paged.push(...page.items.map((e: { id: string }) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all.items.map((e: { id: string }) => e.id));

      // A cursor only says where to start: another user's cursor shows nothing outside their own scope.
      const firstTwo = (await province.get('/entries', { query: { ...listed, pageSize: '2' } })).json();
      const school = (await t.as('school1@test.vn').get('/entries', { query: { ...listed, cursor: firstTwo.nextCursor } })).json();
      expect(school.items.every((e: { unit: { code: string } }) => e.unit.code === 'ST-KS-01')).toBe(true);

      expect((await province.get('/entries', { query: { status: 'lost' } })).statusCode).toBe(400);
      const forged = await province.get('/entries', { query: { cursor: 'not-a-cursor' } });
      expect(forged.statusCode).toBe(400);
      expect(forged.json().details.problems).toEqual([expect.objectContaining({ field: 'cursor', code: 'NOT_A_LIST_CURSOR' })]);
      const tooLong = await province.get('/entries', { query: { pageSize: '501' } });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json().details.problems).toEqual([expect.objectContaining({ field: 'pageSize' })]);
      expect((await province.get('/entries')).json().pageSize).toBe(50);
    });

    it('matches field codes without case, as the database keeps them unique', async () => {
      const province = t.as('province@test.vn');
      const upper = (await province.get('/entries', { query: { fieldCode: 'PM' } })).json();
      expect(upper.total).toBeGreaterThan(0);
      for (const fieldCode of ['pm', 'Pm']) {
        const found = (await province.get('/entries', { query: { fieldCode } })).json();
        expect(found.items.map((e: { id: string }) => e.id)).toEqual(upper.items.map((e: { id: string }) => e.id));
      }
    });

    it('exports the filtered list as XLSX and CSV with Vietnamese headers', async () => {
      const province = t.as('province@test.vn');
      const xlsx = await province.get('/entries/export.xlsx', { query: { ...listed, unitId: t.unitId('ST-KS-02') } });
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename="danh-sach-du-thi-\d{4}-\d{2}-\d{2}\.xlsx"$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
      expect(values(1)).toEqual(expect.arrayContaining(['Mã đơn vị', 'Tên đơn vị', 'Mã hồ sơ', 'Tên sản phẩm dự thi', 'Lĩnh vực', 'Tác giả', 'Ngày sinh', 'Trạng thái', 'Vòng hiện tại']));
      const expected = (await province.get('/entries', { query: { ...listed, unitId: t.unitId('ST-KS-02') } })).json();
      expect(sheet.rowCount).toBe(expected.total + 1);
      const header = values(1) as string[];
      const creativeRow = [...Array(sheet.rowCount - 1).keys()].map((i) => values(i + 2)).find((row) => row[header.indexOf('Mã hồ sơ')] === 'LST-1')!;
      expect(creativeRow[header.indexOf('Tên đơn vị')]).toBe('Trường Tiểu học An Lạc Tây');
      expect(creativeRow[header.indexOf('Ngày sinh')]).toBe('05/03/2008');
      expect(creativeRow[header.indexOf('Vòng hiện tại')]).toBe('Cấp trường');

      const csv = await province.get('/entries/export.csv', { query: { ...listed, fieldCode: 'PM' } });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toMatch(/filename="danh-sach-du-thi-.*\.csv"/);
      const rows: string[][] = parse(csv.body.replace(/^\uFEFF/, ''));
      expect(rows[0].slice(0, 4)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Mã hồ sơ', 'Tên sản phẩm dự thi']);
      expect(rows.slice(1).map((r) => r[2])).toEqual(['LST-2']);
    });
  });
});
