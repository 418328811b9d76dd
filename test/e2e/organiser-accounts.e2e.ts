import { TestApp } from '../support/test-app';

/** Organisers create and manage the accounts of their own area; the audit trail says who acted by name. */
describe('accounts managed by organisers (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
  });
  afterAll(() => t?.stop());

  const judgeAt = (email: string, unit: string) => ({ email, fullName: 'Giám khảo huyện', password: 'long-enough-password', grant: { role: 'judge', unitId: t.unitId(unit) } });

  it('lets a district organiser create a judge of their district, who can then log in', async () => {
    const created = await t.as('ks@test.vn').post('/users', judgeAt('gk.kesach@test.vn', 'ST-KS'));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'gk.kesach@test.vn', grants: [{ role: 'judge', unitCode: 'ST-KS' }] });
    const token = await t.token('gk.kesach@test.vn', 'long-enough-password');
    expect((await t.request('GET', '/auth/me', { headers: { authorization: `Bearer ${token}` } })).json().grants).toEqual([expect.objectContaining({ role: 'judge', unitCode: 'ST-KS' })]);
  });

  it('lets them create a school account at a school of their district', async () => {
    const created = await t
      .as('ks@test.vn')
      .post('/users', { email: 'thcs.moi@test.vn', fullName: 'THCS mới', password: 'long-enough-password', grant: { role: 'school', unitId: t.unitId('ST-KS-02') } });
    expect(created.statusCode).toBe(201);
  });

  it('refuses an account at a unit outside their area as if the unit did not exist, and writes nothing', async () => {
    const refused = await t.as('ks@test.vn').post('/users', judgeAt('gk.ngoai@test.vn', 'ST-MT'));
    expect(refused.statusCode).toBe(404);
    expect(refused.json().details.problems).toEqual([expect.objectContaining({ field: 'unitId' })]);
    const listed = await t.as('admin@test.vn').get('/users', { query: { pageSize: '500' } });
    expect(listed.json().items.map((u: { email: string }) => u.email)).not.toContain('gk.ngoai@test.vn');
  });

  it('refuses an organiser-created account without a role in their area', async () => {
    const refused = await t.as('ks@test.vn').post('/users', { email: 'khong.quyen@test.vn', fullName: 'Không quyền', password: 'long-enough-password' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.problems).toEqual([expect.objectContaining({ field: 'grant' })]);
  });

  it('never lets an organiser grant the administrator role', async () => {
    const user = (await t.as('province@test.vn').post('/users', judgeAt('gk.tinh@test.vn', 'ST'))).json();
    const refused = await t.as('province@test.vn').post(`/users/${user.id}/grants`, { role: 'admin', unitId: t.unitId('VN') });
    expect(refused.statusCode).toBe(403);
    expect((await t.as('admin@test.vn').get('/users', { query: { pageSize: '500' } })).json().items.find((u: { id: string }) => u.id === user.id).grants).toEqual([
      expect.objectContaining({ role: 'judge', unitCode: 'ST' }),
    ]);
  });

  it('lists, page by page and by e-mail, only the accounts whose every grant lies in the area', async () => {
    const ks = await t.as('ks@test.vn').get('/users');
    expect(ks.statusCode).toBe(200);
    const emails = ks.json().items.map((u: { email: string }) => u.email);
    expect(emails).toEqual([...emails].sort());
    expect(emails).toEqual(expect.arrayContaining(['gk.kesach@test.vn', 'ks@test.vn', 'school1@test.vn', 'school2@test.vn', 'thcs.moi@test.vn']));
    for (const outside of ['admin@test.vn', 'province@test.vn', 'mt@test.vn', 'school3@test.vn', 'judge@test.vn', 'gk.tinh@test.vn']) expect(emails).not.toContain(outside);
    const first = (await t.as('admin@test.vn').get('/users', { query: { pageSize: '2' } })).json();
    const second = (await t.as('admin@test.vn').get('/users', { query: { pageSize: '2', page: '2' } })).json();
    expect(first).toMatchObject({ page: 1, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.total).toBeGreaterThan(4);
    expect(first.items[1].email < second.items[0].email).toBe(true);
    // By e-mail, without case and with LIKE's wildcards taken literally; still only the accounts of the area.
    const search = (as: string, email: string) => t.as(as).get('/users', { query: { email } });
    expect((await search('admin@test.vn', 'SCHOOL')).json()).toMatchObject({ total: 3, items: ['school1@test.vn', 'school2@test.vn', 'school3@test.vn'].map((email) => ({ email })) });
    expect((await search('ks@test.vn', 'school')).json().items.map((u: { email: string }) => u.email)).toEqual(['school1@test.vn', 'school2@test.vn']);
    expect((await search('admin@test.vn', 'school_')).json().total).toBe(0);
    expect((await search('admin@test.vn', 'gk.kesach@test.vn')).json().items).toEqual([
      expect.objectContaining({ email: 'gk.kesach@test.vn', grants: [expect.objectContaining({ unitCode: 'ST-KS' })] }),
    ]);
    const tooLong = await search('admin@test.vn', `${'a'.repeat(250)}@test.vn`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().details.problems).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('lets an organiser deactivate an account of their area, but not one outside it (404)', async () => {
    const school2 = (await t.as('admin@test.vn').get('/users', { query: { pageSize: '500' } })).json().items.find((u: { email: string }) => u.email === 'thcs.moi@test.vn');
    expect((await t.as('ks@test.vn').patch(`/users/${school2.id}`, { active: false })).statusCode).toBe(200);
    const province = (await t.as('admin@test.vn').get('/users', { query: { pageSize: '500' } })).json().items.find((u: { email: string }) => u.email === 'province@test.vn');
    expect((await t.as('ks@test.vn').patch(`/users/${province.id}`, { active: false })).statusCode).toBe(404);
    expect((await t.as('province@test.vn').get('/auth/me')).statusCode).toBe(200);
  });

  it('shows in the audit trail who acted, by e-mail and name', async () => {
    const audit = await t.as('ks@test.vn').get('/audit', { query: { action: 'grant.create' } });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ actorEmail: 'ks@test.vn', actorName: 'Ban tổ chức Kế Sách' })]));
  });
});
