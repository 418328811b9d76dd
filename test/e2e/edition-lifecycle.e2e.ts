import { YOUTH_EDITION } from '../support/fixtures';
import { TestApp } from '../support/test-app';

const entry = {
  title: 'Máy tưới cây tự động',
  fieldCode: 'MT',
  summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
  contact: { name: 'Trần Văn Minh', email: 'minh@school1.vn' },
  authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' }],
};

const problemFields = (response: { json(): any }) => response.json().details.problems.map((p: { field: string }) => p.field);

describe('edition lifecycle (e2e)', () => {
  let t: TestApp;
  let contestId: string;
  let template: any;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    const fixture = t.world.editions.get(YOUTH_EDITION)!.edition;
    contestId = fixture.contestId;
    const view = (await t.as('province@test.vn').get(`/editions/${fixture.id}`)).json();
    template = { ...view, fields: view.fields.map(({ code, name }: any) => ({ code, name })), stages: view.stages.map(({ id: _id, position: _p, ...stage }: any) => stage) };
    for (const key of ['id', 'contestId', 'contestName', 'kind', 'unitId', 'unitCode', 'unitName', 'openForRegistration', 'state', 'archivedAt', 'archiveReason', 'rubricTotal', 'warnings', 'updatedAt']) delete template[key];
    template.rubric = view.rubric.map(({ code, name, maxPoints }: any) => ({ code, name, maxPoints }));
  });
  afterAll(() => t.stop());

  async function createEdition(number: number, change: (body: any) => void = () => {}) {
    const { version: _v, ...body } = structuredClone(template);
    body.number = number;
    change(body);
    const created = await t.as('province@test.vn').post(`/contests/${contestId}/editions`, body);
    expect(created.statusCode).toBe(201);
    return created.json();
  }
  const moveTo = (id: string, state: string, email = 'province@test.vn') => t.as(email).post(`/editions/${id}/state`, { state });
  /** PUT takes back what GET shows, read-only properties and all. */
  const put = async (id: string, change: (body: any) => void) => {
    const body = (await t.as('province@test.vn').get(`/editions/${id}`)).json();
    change(body);
    return t.as('province@test.vn').put(`/editions/${id}`, body);
  };

  it('takes registrations only once its organisers open it, and freezes what scores and prizes depend on as it goes', async () => {
    const edition = await createEdition(21);
    expect(edition).toMatchObject({ state: 'draft', openForRegistration: false, archivedAt: null });
    const entriesUrl = `/editions/${edition.id}/entries`;

    const early = await t.as('school1@test.vn').post(entriesUrl, entry);
    expect(early.statusCode).toBe(422);
    expect(early.json().message).toMatch(/still a draft/);
    expect((await put(edition.id, (b) => b.rubric.push({ code: 'extra', name: 'Thêm', maxPoints: 5 }))).statusCode).toBe(200);

    expect((await moveTo(edition.id, 'registration')).json()).toMatchObject({ state: 'registration', openForRegistration: true });
    expect((await t.as('school1@test.vn').post(entriesUrl, entry)).statusCode).toBe(201);

    const judging = await moveTo(edition.id, 'judging');
    expect(judging.json().state).toBe('judging');
    expect((await t.as('school1@test.vn').post(entriesUrl, entry)).json().message).toMatch(/registration is over/);
    const rubricChange = await put(edition.id, (b) => (b.rubric[0].maxPoints = 25));
    expect(rubricChange.statusCode).toBe(422);
    expect(problemFields(rubricChange)).toEqual(['rubric']);
    const judgesChange = await put(edition.id, (b) => (b.stages[1].judgesPerEntry = 4));
    expect(problemFields(judgesChange)).toEqual(['stages[1]']);
    // Prize money and minimums may still be settled while judging.
    expect((await put(edition.id, (b) => (b.stages[2].prizeScheme.levels[1].prizeMoney = 3_500_000))).statusCode).toBe(200);

    expect((await moveTo(edition.id, 'results')).statusCode).toBe(200);
    const renamedLevel = await put(edition.id, (b) => (b.stages[2].prizeScheme.levels[1].code = 'nhat'));
    expect(renamedLevel.statusCode).toBe(422);
    expect(problemFields(renamedLevel)).toEqual(['stages[2].prizeScheme.levels']);

    const skipBack = await moveTo(edition.id, 'registration');
    expect(skipBack.statusCode).toBe(422);
    expect(problemFields(skipBack)).toEqual(['state']);
    expect((await moveTo(edition.id, 'closed')).json().state).toBe('closed');
    expect((await put(edition.id, (b) => (b.plannedEntries = 1))).statusCode).toBe(422);

    const audit = (await t.as('province@test.vn').get('/audit')).json().items.filter((r: { entityId: string; action: string }) => r.entityId === edition.id && r.action === 'edition.state');
    expect(audit.map((r: { after: { state: string } }) => r.after.state)).toEqual(['closed', 'results', 'judging', 'registration']);
  });

  it('takes back the edition exactly as GET showed it, ignoring what only the view holds', async () => {
    const edition = await createEdition(26);
    const unchanged = await put(edition.id, () => {});
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json()).toMatchObject({ version: 2, fields: edition.fields, stages: edition.stages.map((s: any) => ({ ...s })) });
    const smuggled = await put(edition.id, (b) => (b.owner = 'someone'));
    expect(smuggled.statusCode).toBe(400);
    expect(problemFields(smuggled)).toEqual(['owner']);
  });

  it('deletes a draft, but archives anything that took registrations', async () => {
    const draft = await createEdition(22);
    expect((await t.as('province@test.vn').delete(`/editions/${draft.id}`)).statusCode).toBe(204);
    expect((await t.as('province@test.vn').get(`/editions/${draft.id}`)).statusCode).toBe(404);

    const opened = await createEdition(23);
    await moveTo(opened.id, 'registration');
    const refused = await t.as('province@test.vn').delete(`/editions/${opened.id}`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().message).toMatch(/archive it instead/);

    const archived = await t.as('province@test.vn').post(`/editions/${opened.id}/archive`, { reason: 'Tạo trùng, dùng lần thứ 22' });
    expect(archived.statusCode).toBe(200);
    expect(archived.json()).toMatchObject({ archiveReason: 'Tạo trùng, dùng lần thứ 22', openForRegistration: false });
    expect(archived.json().archivedAt).not.toBeNull();
    expect((await t.as('school1@test.vn').post(`/editions/${opened.id}/entries`, entry)).json().message).toMatch(/archived/);
    expect((await put(opened.id, (b) => (b.seasonLabel = '2018'))).statusCode).toBe(422);
    expect((await moveTo(opened.id, 'judging')).statusCode).toBe(422);

    const listed = async (query: Record<string, string>) => (await t.as('province@test.vn').get('/editions', { query: { contestId, pageSize: '100', ...query } })).json().items.map((e: { id: string }) => e.id);
    expect(await listed({})).not.toContain(opened.id);
    expect(await listed({ includeArchived: 'true' })).toContain(opened.id);
  });

  it('lets only the organisers of the edition move it', async () => {
    const edition = await createEdition(24);
    expect((await moveTo(edition.id, 'registration', 'school1@test.vn')).statusCode).toBe(403);
    expect((await t.as('school1@test.vn').delete(`/editions/${edition.id}`)).statusCode).toBe(403);
    const wrongState = await t.as('province@test.vn').post(`/editions/${edition.id}/state`, { state: 'finished' });
    expect(wrongState.statusCode).toBe(400);
    expect(problemFields(wrongState)).toEqual(['state']);
  });

  it('warns about a prize level asking a lower minimum than the level below it', async () => {
    const edition = await createEdition(25, (b) => (b.stages[2].prizeScheme.levels[1].minScore = 40));
    expect(edition.warnings).toEqual([{ field: 'stages[2].prizeScheme.levels[1].minScore', reason: expect.stringMatching(/lower minimum \(40 < 70\)/) }]);
  });
});
