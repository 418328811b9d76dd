import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { multipart, TestApp } from '../support/test-app';
import { addEdition } from '../support/factories';
import { YOUTH_EDITION } from '../support/fixtures';

type Row = Record<string, string>;

const ENTRY: Row = {
  reference: 'KS01-001',
  title: 'Máy tưới cây tự động dùng năng lượng mặt trời',
  field: 'MT',
  summary: 'Tưới nhỏ giọt theo độ ẩm đất.',
  contact_name: 'Trần Văn Minh',
  contact_email: 'gv.minh@thcs-kesach.edu.vn',
  contact_phone: '0299 3 861 234',
  author1_name: 'Nguyễn Thị Hồng Nhung',
  author1_birth_date: '05/03/2008',
  author1_class: '9A1',
  author2_name: '',
  author2_birth_date: '',
  author2_class: '',
};

function csv(rows: Row[]): string {
  const headers = Object.keys(rows[0]);
  return stringify([headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))]);
}

const csvFile = (content: string | Buffer, filename = 'danh-sach.csv') => multipart({ filename, contentType: 'text/csv', content });

describe('bulk registration (e2e)', () => {
  let t: TestApp;
  let editionId: string;
  let importUrl: string;

  beforeAll(async () => {
    t = await TestApp.start();
    editionId = t.world.editions.get(YOUTH_EDITION)!.edition.id;
    importUrl = `/editions/${editionId}/entries/import`;
  });
  afterAll(() => t.stop());

  const upload = (email: string, file: ReturnType<typeof multipart>) => t.as(email).post(importUrl, file.payload, { headers: file.headers });
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.source.query(sql, params))[0].count);
  const entriesOf = (schoolCode: string) => count('SELECT count(*) FROM entries WHERE unit_id = $1', [t.unitId(schoolCode)]);

  const schoolFile = csv([
    ENTRY,
    { ...ENTRY, reference: 'KS01-002', title: 'Thước đo góc đa năng', field: 'HT', author2_name: 'Lê Văn Bình', author2_birth_date: '2009-11-20' },
    { ...ENTRY, reference: 'KS01-003', title: 'Phần mềm học từ vựng', field: 'pm', contact_email: 'Co.Lan@Example.VN' },
  ]);

  it('lets a school register a CSV of entries, each with its authors, first stage, audit row and mail', async () => {
    const response = await upload('school1@test.vn', csvFile(schoolFile));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ created: 3, skipped: 0, total: 3 });
    expect(body.entries.map((e: Row) => [e.row, e.reference, e.schoolCode, e.status])).toEqual([
      [2, 'KS01-001', 'ST-KS-01', 'created'],
      [3, 'KS01-002', 'ST-KS-01', 'created'],
      [4, 'KS01-003', 'ST-KS-01', 'created'],
    ]);

    const list = await t.as('school1@test.vn').get('/entries', { query: { editionId } });
    expect(list.json().items).toEqual([
      expect.objectContaining({
        reference: 'KS01-001',
        field: expect.objectContaining({ code: 'MT' }),
        authors: [{ position: 1, fullName: 'Nguyễn Thị Hồng Nhung', birthDate: '2008-03-05', classOrJob: '9A1' }],
        currentStage: expect.objectContaining({ position: 1, unitId: t.unitId('ST-KS-01') }),
      }),
      expect.objectContaining({
        reference: 'KS01-002',
        authors: [expect.objectContaining({ fullName: 'Nguyễn Thị Hồng Nhung' }), expect.objectContaining({ position: 2, fullName: 'Lê Văn Bình', birthDate: '2009-11-20' })],
      }),
      expect.objectContaining({ reference: 'KS01-003', field: expect.objectContaining({ code: 'PM' }) }),
    ]);
    const third = await t.as('school1@test.vn').get(`/entries/${body.entries[2].id}`);
    expect(third.json().contact).toEqual({ name: 'Trần Văn Minh', email: 'co.lan@example.vn', phone: '0299 3 861 234' });

    const ids = body.entries.map((e: Row) => e.id);
    const mail = await t.mailbox.waitFor((m) => m.to.includes('co.lan@example.vn'));
    expect(mail.text).toContain('Phần mềm học từ vựng');
    // The two rows with the same contact come in one confirmation listing both.
    const both = await t.mailbox.waitFor((m) => m.to.includes('gv.minh@thcs-kesach.edu.vn'));
    expect([both.text.includes('KS01-001'), both.text.includes('KS01-002'), both.text.includes('KS01-003')]).toEqual([true, true, false]);
    expect(await count(`SELECT count(*) FROM outbox o, jsonb_array_elements(o.payload->'data'->'entries') listed WHERE listed->>'id' = ANY($1)`, [ids])).toBe(3);
    expect(await count(`SELECT count(*) FROM audit_log WHERE action = 'entry.register' AND entity_id = ANY($1)`, [ids])).toBe(3);
    const audit = await t.as('ks@test.vn').get('/audit', { query: { action: 'entry.bulk-import' } });
    expect(audit.json().items).toEqual([
      expect.objectContaining({ after: expect.objectContaining({ fileName: 'danh-sach.csv', created: 3, skipped: 0, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }) }),
    ]);
  });

  it('adds nothing when the same file is uploaded again, and refuses a changed row under a registered reference', async () => {
    // Uploaded once here too, so the test also runs alone; after the first test this is already a repeat.
    expect((await upload('school1@test.vn', csvFile(schoolFile))).statusCode).toBe(201);
    const before = await entriesOf('ST-KS-01');
    const again = await upload('school1@test.vn', csvFile(schoolFile));
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ created: 0, skipped: 3, total: 3 });
    expect(again.json().entries.every((e: Row) => e.status === 'skipped')).toBe(true);
    expect(await entriesOf('ST-KS-01')).toBe(before);

    const changed = await upload(
      'school1@test.vn',
      csvFile(
        csv([
          { ...ENTRY, title: 'Tên mới' },
          { ...ENTRY, reference: 'KS01-004' },
        ]),
      ),
    );
    expect(changed.statusCode).toBe(422);
    expect(changed.json().details.problems).toEqual([
      expect.objectContaining({ row: 2, field: 'reference', reason: expect.stringContaining('already registered for ST-KS-01 with other content (title)') }),
    ]);
    expect(await entriesOf('ST-KS-01')).toBe(before);
  });

  it('reads an XLSX file with real date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.addRow(['Reference', 'Title', 'Field', 'Summary', 'Contact_Name', 'Contact_Email', 'Author1_Name', 'Author1_Birth_Date', 'Author2_Name', 'Author2_Birth_Date']);
    sheet.addRow(['KS02-001', 'Bàn học thông minh', 'HT', 'Bàn tự chỉnh độ cao', 'Lý Thị Mai', 'mai@example.vn', 'Đặng Văn Long', new Date(Date.UTC(2010, 5, 1)), 'Hồ Thị Cúc', '01/02/2011']);
    sheet.addRow(['KS02-002', 'Thùng rác phân loại', 'MT', 'Tự phân loại rác', 'Lý Thị Mai', 'mai@example.vn', 'Trương Minh', new Date(Date.UTC(2012, 0, 31)), '', '']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await upload('school2@test.vn', multipart({ filename: 'ds.xlsx', contentType: 'application/octet-stream', content }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ created: 2, total: 2 });
    const entry = await t.as('school2@test.vn').get(`/entries/${response.json().entries[0].id}`);
    expect(entry.json().authors.map((a: Row) => [a.fullName, a.birthDate])).toEqual([
      ['Đặng Văn Long', '2010-06-01'],
      ['Hồ Thị Cúc', '2011-02-01'],
    ]);
  });

  it('refuses a malformed file whole with a row-by-row report and writes nothing', async () => {
    const before = await count('SELECT count(*) FROM entries');
    const outboxBefore = await count('SELECT count(*) FROM outbox');
    const rows = [
      { ...ENTRY, reference: 'BAD-1' },
      { ...ENTRY, reference: 'BAD-2', author1_birth_date: '31/02/2008', contact_email: 'minh@' },
      { ...ENTRY, reference: 'BAD-3', field: 'XX', author1_birth_date: '01/01/1999' },
      { ...ENTRY, reference: 'BAD-1', title: '' },
    ];
    const response = await upload('school1@test.vn', csvFile(csv(rows)));
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VALIDATION_FAILED');
    expect(response.json().details.problems.map((p: Row) => `${p.row}:${p.field}`)).toEqual(['3:contact_email', '3:author1_birth_date', '4:field', '4:author1_birth_date', '5:title', '5:reference']);
    expect(response.json().details.problems[3].reason).toContain('born 01/01/1999, outside the eligible window');
    expect(await count('SELECT count(*) FROM entries')).toBe(before);
    expect(await count('SELECT count(*) FROM outbox')).toBe(outboxBefore);
  });

  it('answers 422 when the file is well-formed but breaks the contest rules, and names missing columns', async () => {
    const rules = await upload(
      'school1@test.vn',
      csvFile(
        csv([
          { ...ENTRY, reference: 'R-1' },
          { ...ENTRY, reference: 'R-2', author1_birth_date: '2015-01-01' },
        ]),
      ),
    );
    expect(rules.statusCode).toBe(422);
    expect(rules.json()).toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [{ row: 3, field: 'author1_birth_date' }] } });

    const { contact_email: _email, title: _title, ...partial } = ENTRY;
    const missing = await upload('school1@test.vn', csvFile(csv([partial])));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details.problems).toEqual([
      expect.objectContaining({ row: 1, field: 'title', reason: 'required column is missing' }),
      expect.objectContaining({ row: 1, field: 'contact_email', reason: 'required column is missing' }),
    ]);
    expect(await count(`SELECT count(*) FROM entries WHERE reference LIKE 'R-%'`)).toBe(0);
  });

  it("lets an organiser import for the schools in scope, naming each row's school, and refuses a school outside it", async () => {
    const rows = [
      { school_code: 'ST-KS-01', ...ENTRY, reference: 'ORG-1' },
      { school_code: 'st-ks-02', ...ENTRY, reference: 'ORG-1' },
      { school_code: 'ST-MT-01', ...ENTRY, reference: 'ORG-2' },
      { school_code: 'ST-KS', ...ENTRY, reference: 'ORG-3' },
    ];
    const refused = await upload('ks@test.vn', csvFile(csv(rows)));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.problems).toEqual([
      expect.objectContaining({ row: 4, field: 'unit_code', reason: '"ST-MT-01" is not a school or organisation you may register for in this edition' }),
      expect.objectContaining({ row: 5, field: 'unit_code', reason: '"ST-KS" is not a school or organisation you may register for in this edition' }),
    ]);
    expect(await count(`SELECT count(*) FROM entries WHERE reference LIKE 'ORG-%'`)).toBe(0);

    const withoutCodes = await upload('ks@test.vn', csvFile(csv([{ ...ENTRY, reference: 'ORG-1' }])));
    expect(withoutCodes.statusCode).toBe(400);
    expect(withoutCodes.json().details.problems).toEqual([expect.objectContaining({ row: 1, field: 'unit_code', reason: 'required column is missing' })]);

    const accepted = await upload('ks@test.vn', csvFile(csv(rows.slice(0, 2))));
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().entries.map((e: Row) => e.schoolCode)).toEqual(['ST-KS-01', 'ST-KS-02']);
    const placed = await t.db.source.query(
      `SELECT u.code, es.unit_id AS "stageUnit" FROM entries e JOIN units u ON u.id = e.unit_id JOIN entry_stages es ON es.entry_id = e.id WHERE e.reference = 'ORG-1' ORDER BY u.code`,
    );
    expect(placed).toEqual([
      { code: 'ST-KS-01', stageUnit: t.unitId('ST-KS-01') },
      { code: 'ST-KS-02', stageUnit: t.unitId('ST-KS-02') },
    ]);
  });

  it('keeps a school to its own school', async () => {
    const response = await upload('school1@test.vn', csvFile(csv([{ school_code: 'ST-KS-02', ...ENTRY, reference: 'OTHER-1' }])));
    expect(response.statusCode).toBe(422);
    expect(response.json().details.problems).toEqual([expect.objectContaining({ row: 2, field: 'unit_code' })]);
  });

  it('serves templates that list the columns, whose example row is never registered', async () => {
    const school = await t.as('school3@test.vn').get(`/editions/${editionId}/entries/import-template.csv`);
    expect(school.statusCode).toBe(200);
    expect(school.headers['content-type']).toContain('text/csv');
    expect(school.headers['content-disposition']).toContain('attachment');
    const [header, example] = school.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(header.split(',')).toEqual(expect.arrayContaining(['reference', 'title', 'field', 'summary', 'contact_email', 'author1_birth_date', 'author5_class']));
    expect(header).not.toContain('unit_code');
    expect(example).toContain('Nguyễn Văn An');
    expect(example).toContain('9A1');
    const entriesBefore = await count('SELECT count(*) FROM entries');
    const outboxBefore = await count('SELECT count(*) FROM outbox');
    const imported = await upload('school3@test.vn', csvFile(school.rawPayload, 'mau.csv'));
    expect(imported.statusCode).toBe(400);
    expect(imported.json().message).toContain("only the template's example row");
    expect(await count('SELECT count(*) FROM entries')).toBe(entriesBefore);
    expect(await count('SELECT count(*) FROM outbox')).toBe(outboxBefore);

    const organiser = await t.as('ks@test.vn').get(`/editions/${editionId}/entries/import-template.xlsx`);
    expect(organiser.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(organiser.rawPayload as unknown as ArrayBuffer);
    const headers = (workbook.worksheets[0].getRow(1).values as string[]).filter(Boolean);
    expect(headers[0]).toBe('unit_code');
    expect(workbook.worksheets[0].getRow(2).getCell(1).value).toBe('ST-KS-01');
  });

  it('documents the route, its columns and its errors in the API docs', async () => {
    const docs = (await t.request('GET', '/docs-json')).json();
    const route = docs.paths['/editions/{editionId}/entries/import'].post;
    expect(Object.keys(route.requestBody.content)).toEqual(['multipart/form-data']);
    expect(route.description).toEqual(expect.stringContaining('`author1_birth_date`'));
    expect(route.description).toEqual(expect.stringContaining('`unit_code`'));
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '422']));
    expect(docs.paths['/editions/{editionId}/entries/import-template.xlsx'].get).toBeDefined();
  });

  it('hides editions out of scope, refuses other roles and files that are no table', async () => {
    const file = csvFile(csv([ENTRY]));
    const unknown = await t.as('school1@test.vn').post('/editions/00000000-0000-4000-8000-000000000000/entries/import', file.payload, { headers: file.headers });
    expect(unknown.statusCode).toBe(404);
    expect((await upload('judge@test.vn', csvFile(csv([ENTRY])))).statusCode).toBe(403);
    const notUtf8 = await upload('school1@test.vn', csvFile(Buffer.from([0x72, 0x65, 0x66, 0xff, 0xfe, 0x0a])));
    expect(notUtf8.statusCode).toBe(400);
    const headerOnly = await upload('school1@test.vn', csvFile('reference,title\n'));
    expect(headerOnly.statusCode).toBe(400);
    expect(headerOnly.json().details.problems).toEqual([expect.objectContaining({ field: 'file', reason: 'no rows' })]);
  });

  it('takes back an export of the edition as it is (every row skipped), and registers the rows corrected in it', async () => {
    const seeded = await upload(
      'school2@test.vn',
      csvFile(
        csv([
          { ...ENTRY, reference: 'RT-1', summary: '- Ý tưởng: tưới theo độ ẩm; - Cấu tạo: cảm biến', author2_name: 'Lê Văn Bình', author2_birth_date: '20/11/2009', author2_class: '8A' },
          { ...ENTRY, reference: 'RT-2', field: 'HT', contact_phone: '', author1_class: '' },
        ]),
      ),
    );
    expect(seeded.statusCode).toBe(201);
    const province = t.as('province@test.vn');
    const total = (await province.get('/entries', { query: { editionId } })).json().total;
    for (const format of ['csv', 'xlsx']) {
      const exported = await province.get(`/entries/export.${format}`, { query: { editionId } });
      expect(exported.statusCode).toBe(200);
      const file = csvFile(exported.rawPayload, `danh-sach.${format}`);
      const again = await province.post(importUrl, file.payload, { headers: file.headers });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toMatchObject({ created: 0, skipped: total, total });
    }
    const own = await t.as('school2@test.vn').get('/entries/export.csv', { query: { editionId } });
    const ownAgain = await upload('school2@test.vn', csvFile(own.rawPayload));
    expect(ownAgain.json()).toMatchObject({ created: 0, skipped: (await t.as('school2@test.vn').get('/entries', { query: { editionId } })).json().total });

    // Corrected in the spreadsheet: a new row copied from RT-1 under another reference.
    const [header, ...rows]: string[][] = parse(own.body.replace(/^\uFEFF/, ''));
    const rt1 = rows.find((row) => row[header.indexOf('Mã hồ sơ')] === 'RT-1')!;
    const copy = rt1.map((cell, i) => (header[i] === 'Mã hồ sơ' ? 'RT-3' : header[i] === 'Tên sản phẩm dự thi' ? 'Máy tưới cây, bản cải tiến' : cell));
    const corrected = await upload('school2@test.vn', csvFile(stringify([header, ...rows, copy])));
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json()).toMatchObject({ created: 1, skipped: rows.length });
    const [rt3] = (await t.as('school2@test.vn').get('/entries', { query: { q: 'RT-3' } })).json().items;
    const view = (await t.as('school2@test.vn').get(`/entries/${rt3.id}`)).json();
    expect(view).toMatchObject({ title: 'Máy tưới cây, bản cải tiến', summary: '- Ý tưởng: tưới theo độ ẩm; - Cấu tạo: cảm biến', unit: { code: 'ST-KS-02' } });
    expect(view.authors.map((a: { fullName: string; birthDate: string | null; classOrJob: string | null }) => [a.fullName, a.birthDate, a.classOrJob])).toEqual([
      ['Nguyễn Thị Hồng Nhung', '2008-03-05', '9A1'],
      ['Lê Văn Bình', '2009-11-20', '8A'],
    ]);
  });

  it('refuses any import once registration has closed', async () => {
    await t.db.source.query(`UPDATE editions SET registration_closes_at = now() - interval '1 hour' WHERE id = $1`, [editionId]);
    const response = await upload('school1@test.vn', csvFile(csv([{ ...ENTRY, reference: 'LATE-1' }])));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'RULE_VIOLATION', message: expect.stringContaining('Registration closed') });
    expect(await count(`SELECT count(*) FROM entries WHERE reference = 'LATE-1'`)).toBe(0);
  });

  it("lets an organiser record a past season's entries into a closed edition without reopening it, audited and without mail", async () => {
    const past = await addEdition(t.db.source, t.world, {
      number: 5,
      seasonLabel: '2016',
      state: 'closed',
      registrationOpensAt: new Date('2016-03-01T00:00:00+07:00'),
      registrationClosesAt: new Date('2016-07-31T17:00:00+07:00'),
    });
    const pastId = t.world.editions.get(past)!.edition.id;
    const historicalUrl = `/editions/${pastId}/entries/historical-import`;
    const file = () =>
      csvFile(
        csv([
          { school_code: 'ST-KS-02', ...ENTRY, reference: 'HIS-1' },
          { school_code: 'ST-MT-01', ...ENTRY, reference: 'HIS-2' },
        ]),
      );
    const send = (email: string, url: string, f = file()) => t.as(email).post(url, f.payload, { headers: f.headers });

    expect((await send('province@test.vn', `/editions/${pastId}/entries/import`)).statusCode).toBe(422);
    expect((await send('school2@test.vn', historicalUrl)).statusCode).toBe(403);
    expect((await send('province@test.vn', `/editions/${editionId}/entries/historical-import`)).json()).toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [{ field: 'editionId' }] } });
    const tooYoung = csvFile(csv([{ school_code: 'ST-KS-02', ...ENTRY, reference: 'HIS-3', author1_birth_date: '01/01/2015' }]));
    expect((await send('province@test.vn', historicalUrl, tooYoung)).statusCode).toBe(422);

    const recorded = await send('province@test.vn', historicalUrl);
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({ created: 2, skipped: 0, total: 2 });
    const listed = await t.as('province@test.vn').get('/entries', { query: { editionId: pastId } });
    expect(
      listed
        .json()
        .items.map((e: { reference: string; currentStage: { name: string } }) => [e.reference, e.currentStage.name])
        .sort(),
    ).toEqual([
      ['HIS-1', 'Cấp trường'],
      ['HIS-2', 'Cấp trường'],
    ]);
    expect(await count(`SELECT count(*) FROM outbox WHERE payload->'data'->>'reference' LIKE 'HIS-%'`)).toBe(0);
    const audit = await t.as('province@test.vn').get('/audit', { query: { action: 'entry.historical-import' } });
    expect(audit.json().items).toEqual([expect.objectContaining({ entityId: pastId, after: expect.objectContaining({ created: 2 }) })]);
    expect((await t.as('province@test.vn').get(`/editions/${pastId}`)).json()).toMatchObject({ state: 'closed', openForRegistration: false });
  });
});
