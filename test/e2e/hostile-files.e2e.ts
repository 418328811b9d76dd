import { MAX_LISTED_PROBLEMS } from '../../src/core/errors/problem-list';
import { TABLE_LIMITS } from '../../src/core/spreadsheet';
import { YOUTH_EDITION } from '../support/fixtures';
import { measured, repeated, rowXml, xlsxOf } from '../support/hostile-files';
import { multipart, TestApp, TestResponse } from '../support/test-app';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('hostile spreadsheet uploads (e2e)', () => {
  let t: TestApp;
  let importUrl: string;

  beforeAll(async () => {
    // The point is that the service never freezes (before the bounds: 150 s), not how fast a fresh database
    // connection is made on a busy machine: /health may take its time, up to 10 s, but must answer 200.
    t = await TestApp.start({ workers: false, env: { HEALTH_TIMEOUT_MS: '10000' } });
    importUrl = `/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries/import`;
  });
  afterAll(() => t.stop());

  const send = (email: string, url: string, filename: string, content: Buffer) => {
    const file = multipart({ filename, contentType: filename.endsWith('.csv') ? 'text/csv' : XLSX_TYPE, content });
    return t.as(email).post(url, file.payload, { headers: file.headers });
  };

  async function expectHealthy() {
    const health = await t.request('GET', '/health');
    expect(health.statusCode).toBe(200);
  }

  it.each([
    ['a tiny XLSX whose only row is numbered 1,000,000,000', () => xlsxOf([rowXml(1, ['reference']), rowXml(1_000_000_000, ['KS01-001'])]), 'rows'],
    // 10 MB past the bound is as good a bomb as 300 MB (the reader stops at the bound) and three times cheaper to build.
    ['an XLSX whose shared string inflates past the bound', () => xlsxOf([rowXml(1, ['reference'])], ['<si><t>', ...repeated('A', TABLE_LIMITS.xlsxBytes + 10_000_000), '</t></si>']), 'xlsxBytes'],
  ])('refuses %s from a school with 413 at once, and the service keeps answering', async (_, build, limit) => {
    const file = await build();
    const { outcome, cpuMs, heapGrowthMb } = await measured(() => send('school1@test.vn', importUrl, 'ds.xlsx', file));
    const response = outcome as TestResponse;
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit, problems: [{ field: 'file' }] } });
    // Generous safety bounds: before the bounds, the first file took 150 s and all the memory there was.
    expect(cpuMs).toBeLessThan(10_000);
    expect(heapGrowthMb).toBeLessThan(200);
    await expectHealthy();
  });

  it('refuses a unit file of commas with 400 naming the column', async () => {
    const response = await send('admin@test.vn', '/units/import', 'units.csv', Buffer.from(`code,name,level,parent_code\n${','.repeat(9_000_000)}`));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ details: { limit: 'columns', problems: [expect.objectContaining({ field: 'file', row: 2, reason: expect.stringContaining('more than 100 columns') })] } });
    await expectHealthy();
  });

  it('keeps answering /health while a unit file of the largest size allowed is read, and lists its first problems only', async () => {
    const rows = Array.from({ length: TABLE_LIMITS.rows }, (_, i) => `ST-X-${i},Đơn vị ${i},${'no-such-level'.repeat(5)},ST`);
    const file = Buffer.from(['code,name,level,parent_code', ...rows].join('\n'));
    let answered = false;
    const importing = send('admin@test.vn', '/units/import', 'units.csv', file).then((response) => {
      answered = true;
      return response;
    });
    await expectHealthy();
    expect(answered).toBe(false);

    const response = await importing;
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.details.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(body.details.omitted).toBe(TABLE_LIMITS.rows - MAX_LISTED_PROBLEMS);
    expect(body.details.problems[0]).toEqual(expect.objectContaining({ row: 2, field: 'level', reason: expect.stringMatching(/^unknown level "no-such-level[a-z-]{47}…"/) }));
    expect(response.rawPayload.length).toBeLessThan(100_000);
  });

  it('lists the first problems of a bulk file in which every row is bad, and counts the rest', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `KS01-${i},,HT,Tóm tắt,Cô Lan,lan@example.vn,Nguyễn Văn An,2008-03-15`);
    const file = Buffer.from(['reference,title,field,summary,contact_name,contact_email,author1_name,author1_birth_date', ...rows].join('\n'));
    const response = await send('school1@test.vn', importUrl, 'ds.csv', file);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.message).toContain(`lists the first ${MAX_LISTED_PROBLEMS}`);
    expect(body.details.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(body.details.problems[0]).toEqual(expect.objectContaining({ row: 2, field: 'title', reason: 'is required' }));
    expect(body.details.omitted).toBe(2000 - MAX_LISTED_PROBLEMS);
  });
});
