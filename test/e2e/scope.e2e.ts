import { YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

/** Who sees which entry: a school its own, an organiser what lies under their unit, a judge nothing (yet). */
describe('entry scope (e2e)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    const url = `/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`;
    for (const [school, email] of [
      ['ST-KS-01', 'school1@test.vn'],
      ['ST-KS-02', 'school2@test.vn'],
      ['ST-MT-01', 'school3@test.vn'],
    ]) {
      const created = await t.as(email).post(url, {
        title: `Mô hình của ${school}`,
        fieldCode: 'HT',
        summary: 'Mô tả ngắn.',
        reference: 'R-1',
        contact: { name: 'Giáo viên', email: `${school.toLowerCase()}@test.vn` },
        authors: [{ fullName: 'Học sinh', birthDate: '2009-09-09' }],
      });
      expect(created.statusCode).toBe(201);
      ids[school] = created.json().id;
    }
  });
  afterAll(() => t.stop());

  async function listedCodes(email: string, query: Record<string, string> = {}): Promise<string[]> {
    const response = await t.as(email).get('/entries', { query });
    expect(response.statusCode).toBe(200);
    // Which schools' entries, whatever the list order.
    return response
      .json()
      .items.map((e: { unit: { code: string } }) => e.unit.code)
      .sort();
  }

  it('keeps a school out of another school’s entries: read, edit, withdraw, dossier, list, export', async () => {
    const other = t.as('school2@test.vn');
    const theirs = ids['ST-KS-01'];
    for (const response of [
      await other.get(`/entries/${theirs}`),
      await other.patch(`/entries/${theirs}`, { version: 1, title: 'Chiếm' }),
      await other.post(`/entries/${theirs}/withdraw`),
      await (async () => {
        const upload = multipart({ filename: 'a.pdf', contentType: 'application/pdf', content: '%PDF-1.4\n%%EOF\n' });
        return other.post(`/entries/${theirs}/dossier`, upload.payload, { headers: upload.headers });
      })(),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
    expect(await listedCodes('school2@test.vn')).toEqual(['ST-KS-02']);
    expect(await listedCodes('school2@test.vn', { unitId: t.unitId('ST-KS-01') })).toEqual([]);
    const csv = await other.get('/entries/export.csv');
    expect(csv.body).toContain('ST-KS-02');
    expect(csv.body).not.toContain('ST-KS-01');
    const [{ title, status }] = await t.db.source.query('SELECT title, status FROM entries WHERE id = $1', [theirs]);
    expect({ title, status }).toEqual({ title: 'Mô hình của ST-KS-01', status: 'registered' });
  });

  it('shows a district organiser the entries of their district only', async () => {
    const ks = t.as('ks@test.vn');
    expect((await ks.get(`/entries/${ids['ST-KS-01']}`)).statusCode).toBe(200);
    expect((await ks.get(`/entries/${ids['ST-KS-02']}`)).statusCode).toBe(200);
    expect((await ks.get(`/entries/${ids['ST-MT-01']}`)).statusCode).toBe(404);
    expect((await ks.patch(`/entries/${ids['ST-MT-01']}`, { version: 1, title: 'Sửa hộ' })).statusCode).toBe(404);
    expect(await listedCodes('ks@test.vn')).toEqual(['ST-KS-01', 'ST-KS-02']);
    expect(await listedCodes('ks@test.vn', { unitId: t.unitId('ST-MT') })).toEqual([]);
    expect(await listedCodes('mt@test.vn')).toEqual(['ST-MT-01']);
  });

  it('shows the province organiser and the administrator every entry', async () => {
    expect(await listedCodes('province@test.vn')).toEqual(['ST-KS-01', 'ST-KS-02', 'ST-MT-01']);
    expect(await listedCodes('admin@test.vn')).toEqual(['ST-KS-01', 'ST-KS-02', 'ST-MT-01']);
    expect((await t.as('province@test.vn').get(`/entries/${ids['ST-MT-01']}`)).statusCode).toBe(200);
  });

  it('shows a judge no entries before any assignment', async () => {
    const judge = t.as('judge@test.vn');
    expect((await judge.get('/entries')).json()).toMatchObject({ items: [], total: 0 });
    expect((await judge.get(`/entries/${ids['ST-KS-01']}`)).statusCode).toBe(404);
    const csv = await judge.get('/entries/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(1);
    expect((await judge.patch(`/entries/${ids['ST-KS-01']}`, { version: 1, title: 'x' })).statusCode).toBe(403);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const province = t.as('province@test.vn');
    const unknown = await province.get('/entries/6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    const malformed = await province.get('/entries/not-a-uuid');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('VALIDATION_FAILED');
    expect((await province.get(`/entries/${ids['ST-KS-01']}/dossier/not-a-uuid`)).statusCode).toBe(400);
  });

  it('lists, page by page in list order, the entries every grant of an account reaches: its own school and a district it organises', async () => {
    const { id } = (await t.as('school2@test.vn').get('/auth/me')).json();
    expect((await t.as('admin@test.vn').post(`/users/${id}/grants`, { role: 'organiser', unitId: t.unitId('ST-MT') })).statusCode).toBe(201);
    const pages = async (email: string, query: Record<string, string>): Promise<string[]> => {
      const codes: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await t.as(email).get('/entries', { query: { ...query, pageSize: '1', ...(cursor ? { cursor } : {}) } });
        expect(page.statusCode).toBe(200);
        codes.push(...page.json().items.map((e: { unit: { code: string } }) => e.unit.code));
        cursor = page.json().nextCursor;
      } while (cursor);
      return codes;
    };
    // The province's list is one range of the index, walked in order: the two grants' entries come in the same order.
    const inListOrder = (await pages('province@test.vn', {})).filter((code) => code === 'ST-KS-02' || code === 'ST-MT-01');
    expect(await pages('school2@test.vn', {})).toEqual(inListOrder);
    expect(await pages('school2@test.vn', { q: 'mo hinh' })).toEqual(inListOrder);
    expect(await pages('school2@test.vn', { fieldCode: 'HT' })).toEqual(inListOrder);
  });
});
