import { TestApp } from '../support/test-app';

describe('accounts (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('logs in with the right password and refuses a wrong one', async () => {
    const ok = await t.request('POST', '/auth/login', { payload: { email: 'SCHOOL1@test.vn ', password: 'correct-horse-battery' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().accessToken).toEqual(expect.any(String));
    const wrong = await t.request('POST', '/auth/login', { payload: { email: 'school1@test.vn', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('shows the user their own grants', async () => {
    const me = await t.as('school1@test.vn').get('/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'school1@test.vn', grants: [{ role: 'school', unitCode: 'ST-KS-01' }] });
  });

  it('refuses requests without a token and routes outside the role', async () => {
    expect((await t.request('GET', '/auth/me')).statusCode).toBe(401);
    const forbidden = await t.as('school1@test.vn').get('/users');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('FORBIDDEN');
  });

  it('lets an admin create a user and grant a role, and names bad fields', async () => {
    const admin = t.as('admin@test.vn');
    const bad = await admin.post('/users', { email: 'not-an-email', fullName: '', password: 'short', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.problems.map((p: { field: string }) => p.field)
        .sort(),
    ).toEqual(['email', 'extra', 'fullName', 'password']);
    const created = await admin.post('/users', { email: 'new.judge@test.vn', fullName: 'Nguyễn Thị Bình', password: 'long-enough-password' });
    expect(created.statusCode).toBe(201);
    const duplicate = await admin.post('/users', { email: 'New.Judge@test.vn', fullName: 'X', password: 'long-enough-password' });
    expect(duplicate.statusCode).toBe(409);
    const schoolAtDistrict = await admin.post(`/users/${created.json().id}/grants`, { role: 'school', unitId: t.unitId('ST-KS') });
    expect(schoolAtDistrict.statusCode).toBe(422);
    const granted = await admin.post(`/users/${created.json().id}/grants`, { role: 'judge', unitId: t.unitId('ST') });
    expect(granted.statusCode).toBe(201);
    expect(granted.json().grants).toEqual([expect.objectContaining({ role: 'judge', unitCode: 'ST' })]);
    const audit = await t.as('province@test.vn').get('/audit', { query: { action: 'grant.create' } });
    expect(audit.json().items).toEqual([expect.objectContaining({ action: 'grant.create', after: expect.objectContaining({ role: 'judge' }) })]);
  });

  it('answers with the account as it is now, right after a rename, a new grant and a renamed unit', async () => {
    const admin = t.as('admin@test.vn');
    const judge = t.as('judge@test.vn');
    const before = await judge.get('/auth/me');
    expect(before.json()).toMatchObject({ fullName: 'Giám khảo', grants: [{ role: 'judge', unitCode: 'ST' }] });
    const id: string = before.json().id;
    expect((await judge.get('/users')).statusCode).toBe(403);
    await admin.patch(`/users/${id}`, { fullName: 'Giám khảo Trần Văn Tâm' });
    expect((await admin.post(`/users/${id}/grants`, { role: 'organiser', unitId: t.unitId('ST-MT') })).statusCode).toBe(201);
    await admin.patch(`/units/${t.unitId('ST-MT')}`, { name: 'Thị xã Ngã Năm (mới)' });
    const after = await judge.get('/auth/me');
    expect(after.json()).toMatchObject({
      fullName: 'Giám khảo Trần Văn Tâm',
      grants: [
        { role: 'judge', unitCode: 'ST' },
        { role: 'organiser', unitCode: 'ST-MT', unitName: 'Thị xã Ngã Năm (mới)' },
      ],
    });
    expect((await judge.get('/users')).statusCode).toBe(200);
  });

  it('changes the own password only with the current one', async () => {
    const me = t.as('school3@test.vn');
    expect((await me.post('/auth/password', { currentPassword: 'wrong', newPassword: 'a-brand-new-password' })).statusCode).toBe(422);
    expect((await me.post('/auth/password', { currentPassword: 'correct-horse-battery', newPassword: 'a-brand-new-password' })).statusCode).toBe(204);
    const relogin = await t.request('POST', '/auth/login', { payload: { email: 'school3@test.vn', password: 'a-brand-new-password' } });
    expect(relogin.statusCode).toBe(200);
  });
});
