import { editionBodyFrom, YOUTH_EDITION } from '../support/fixtures';
import { registerEntries } from '../support/factories';
import { TestApp } from '../support/test-app';

const DAY = 24 * 3600 * 1000;

/** An entry a school registers, for the edition lifecycle's tests. */
const entry = {
  title: 'Máy tưới cây tự động',
  fieldCode: 'MT',
  summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
  contact: { name: 'Trần Văn Minh', email: 'minh@school1.vn' },
  authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' }],
};

/** A Sóc Trăng-like youth edition (5 fields, 100-point rubric, 1/2/3/4 prizes per field), open from yesterday for a month. */
function socTrangEdition(number: number, now = Date.now()) {
  const prize = (code: string, name: string, quota: number, minScore: number, prizeMoney: number, scope = 'field') => ({ code, name, quotaKind: 'count', quota, minScore, scope, prizeMoney });
  return {
    number,
    seasonLabel: ' 2017 ',
    registrationOpensAt: new Date(now - DAY).toISOString(),
    registrationClosesAt: new Date(now + 30 * DAY).toISOString(),
    eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
    maxAuthors: 5,
    plannedEntries: 3000,
    fields: [
      { code: 'HT', name: 'Đồ dùng dành cho học tập' },
      // Arrives decomposed (NFD), as from some Windows tools; stored composed.
      { code: 'PM', name: 'Phần mềm tin học'.normalize('NFD') },
      { code: 'TT', name: 'Sản phẩm thân thiện với môi trường' },
      { code: 'GD', name: 'Dụng cụ sinh hoạt gia đình và đồ chơi trẻ em' },
      { code: 'MT', name: 'Bảo vệ môi trường và phát triển kinh tế' },
    ],
    rubric: [
      { code: 'novelty', name: 'Tính mới, sáng tạo', maxPoints: 30 },
      { code: 'science', name: 'Tính khoa học', maxPoints: 20 },
      { code: 'applicability', name: 'Khả năng ứng dụng', maxPoints: 30 },
      { code: 'effect', name: 'Hiệu quả kinh tế - xã hội', maxPoints: 10 },
      { code: 'presentation', name: 'Trình bày', maxPoints: 10 },
    ],
    stages: [
      { name: 'Cấp trường', levelCode: 'school', judged: false, advancement: { kind: 'pick' } },
      { name: 'Cấp huyện', levelCode: 'district', judged: true, judgesPerEntry: 3, discrepancySpread: 20, tieBreak: ['novelty'], advancement: { kind: 'top_n', count: 12, perFieldCap: 4 } },
      {
        name: 'Cấp tỉnh',
        levelCode: 'province',
        judged: true,
        judgesPerEntry: 5,
        aggregation: 'trimmed_mean',
        discrepancySpread: 15,
        tieBreak: ['novelty', 'applicability'],
        advancement: { kind: 'pick' },
        prizeScheme: {
          tiePolicy: 'all_get_level',
          passUnusedQuotaDown: false,
          levels: [
            prize('special', 'Giải Đặc biệt', 1, 90, 5_000_000, 'stage'),
            prize('first', 'Giải Nhất', 1, 80, 3_000_000),
            prize('second', 'Giải Nhì', 2, 70, 2_000_000),
            prize('third', 'Giải Ba', 3, 60, 1_000_000),
            prize('encouragement', 'Giải Khuyến khích', 4, 50, 400_000),
          ],
        },
      },
      { name: 'Toàn quốc', levelCode: 'nation', judged: true, judgesPerEntry: 5 },
    ],
  };
}

type Definition = ReturnType<typeof socTrangEdition>;

const problemFields = (response: { json(): any }) => response.json().details.problems.map((p: { field: string }) => p.field);

describe('contests (e2e)', () => {
  let t: TestApp;
  let provincial: string;

  beforeAll(async () => {
    t = await TestApp.start();
    const created = await t.as('province@test.vn').post('/contests', { kind: 'youth', name: 'Cuộc thi Sáng tạo Thanh thiếu niên tỉnh Sóc Trăng (mới)', unitId: t.unitId('ST') });
    expect(created.statusCode).toBe(201);
    provincial = created.json().id;
  });
  afterAll(() => t.stop());

  describe('a province organiser', () => {
    let editionId: string;
    let created: Awaited<ReturnType<TestApp['request']>>;

    // Every test below works on this edition, so each also runs alone.
    beforeAll(async () => {
      created = await t.as('province@test.vn').post(`/contests/${provincial}/editions`, socTrangEdition(6));
      editionId = created.json().id;
    });

    it('creates an edition with the whole definition and reads it back in order', async () => {
      const province = t.as('province@test.vn');
      expect(created.statusCode).toBe(201);
      // A new edition is a draft: schools cannot register until its organisers open registration.
      expect(created.json()).toMatchObject({ version: 1, number: 6, unitCode: 'ST', kind: 'youth', state: 'draft', openForRegistration: false, warnings: [] });

      const read = await province.get(`/editions/${editionId}`);
      expect(read.statusCode).toBe(200);
      const edition = read.json();
      expect(edition.seasonLabel).toBe('2017');
      expect(edition.fields.map((f: { code: string }) => f.code)).toEqual(['HT', 'PM', 'TT', 'GD', 'MT']);
      expect(edition.fields[1].name).toBe('Phần mềm tin học'.normalize('NFC'));
      expect(edition.rubric.map((c: { code: string }) => c.code)).toEqual(['novelty', 'science', 'applicability', 'effect', 'presentation']);
      expect(edition.rubricTotal).toBe(100);
      expect(edition.stages.map((s: { levelCode: string; position: number }) => [s.position, s.levelCode])).toEqual([
        [1, 'school'],
        [2, 'district'],
        [3, 'province'],
        [4, 'nation'],
      ]);
      expect(edition.stages[0]).toMatchObject({ judged: false, judgesPerEntry: 0, aggregation: 'mean', discrepancySpread: null, tieBreak: [], prizeScheme: null });
      expect(edition.stages[1].advancement).toEqual({ kind: 'top_n', count: 12, perFieldCap: 4 });
      expect(edition.stages[2].prizeScheme.levels.map((l: { code: string; quota: number; prizeMoney: number }) => [l.code, l.quota, l.prizeMoney])).toEqual([
        ['special', 1, 5_000_000],
        ['first', 1, 3_000_000],
        ['second', 2, 2_000_000],
        ['third', 3, 1_000_000],
        ['encouragement', 4, 400_000],
      ]);
      expect(edition.stages[3].advancement).toBeNull();
    });

    it('cannot use an edition number twice in a contest', async () => {
      const again = await t.as('province@test.vn').post(`/contests/${provincial}/editions`, socTrangEdition(6));
      expect(again.statusCode).toBe(409);
      expect(problemFields(again)).toEqual(['number']);
    });

    it('is refused impossible settings, with the reason and the field of each', async () => {
      const province = t.as('province@test.vn');
      const cases: Array<[string, (d: Definition) => void, string, RegExp]> = [
        ['stages that do not climb', (d) => d.stages.reverse(), 'stages[1].levelCode', /must climb/],
        [
          'a rubric without criteria',
          (d) => {
            d.rubric = [];
            d.stages.forEach((s) => delete s.tieBreak);
          },
          'rubric',
          /at least one criterion/,
        ],
        ['a negative quota', (d) => (d.stages[2].prizeScheme!.levels[0].quota = -1), 'stages[2].prizeScheme.levels[0].quota', /0 or more/],
        ['a window ending before it starts', (d) => (d.registrationClosesAt = new Date(Date.now() - 2 * DAY).toISOString()), 'registrationClosesAt', /close after it opens/],
      ];
      for (const [name, change, field, reason] of cases) {
        const definition = socTrangEdition(7);
        change(definition);
        const refused = await province.post(`/contests/${provincial}/editions`, definition);
        expect({ name, status: refused.statusCode, code: refused.json().code }).toEqual({ name, status: 422, code: 'RULE_VIOLATION' });
        expect(refused.json().details.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.stringMatching(reason) })]));
      }
      const editions = await province.get('/editions', { query: { contestId: provincial } });
      expect(editions.json().items.map((e: { number: number }) => e.number)).toEqual([6]);
    });

    it('gets 400 naming the field for a body of the wrong shape', async () => {
      const definition: any = socTrangEdition(7);
      definition.stages[2].prizeScheme.levels[0].quota = 'one';
      definition.eligibility = { kind: 'adult' };
      definition.registrationOpensAt = '2017-03-01 08:00';
      const refused = await t.as('province@test.vn').post(`/contests/${provincial}/editions`, definition);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().code).toBe('VALIDATION_FAILED');
      expect(problemFields(refused)).toEqual(expect.arrayContaining(['stages[2].prizeScheme.levels[0].quota', 'eligibility.kind', 'registrationOpensAt']));
    });

    it('replaces the definition with optimistic concurrency, keeping the rows that stay', async () => {
      const province = t.as('province@test.vn');
      const before = (await province.get(`/editions/${editionId}`)).json();
      const body = editionBodyFrom(before);
      body.fields.push({ code: 'KH', name: 'Khoa học kỹ thuật' });
      body.stages.splice(1, 1); // a ladder without the district round
      body.stages[1].prizeScheme.levels[1].quota = 0; // no First prize this year
      const updated = await province.put(`/editions/${editionId}`, body);
      expect(updated.statusCode).toBe(200);
      const after = updated.json();
      expect(after.version).toBe(2);
      expect(after.fields.map((f: { code: string }) => f.code)).toEqual(['HT', 'PM', 'TT', 'GD', 'MT', 'KH']);
      expect(after.fields[0].id).toBe(before.fields[0].id);
      expect(after.stages.map((s: { levelCode: string }) => s.levelCode)).toEqual(['school', 'province', 'nation']);
      expect(after.stages.map((s: { id: string }) => s.id)).toEqual([before.stages[0].id, before.stages[2].id, before.stages[3].id]);
      expect(after.stages[1].prizeScheme.levels[1]).toMatchObject({ code: 'first', quota: 0 });

      const stale = await province.put(`/editions/${editionId}`, { ...body, seasonLabel: '2017 (sửa)' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().code).toBe('STALE_VERSION');
      expect((await province.get(`/editions/${editionId}`)).json()).toMatchObject({ version: 2, seasonLabel: '2017' });
    });

    it('cannot renumber an edition to a number the contest already uses', async () => {
      const province = t.as('province@test.vn');
      expect((await province.post(`/contests/${provincial}/editions`, socTrangEdition(9))).statusCode).toBe(201);
      const read = (await province.get(`/editions/${editionId}`)).json();
      const clash = await province.put(`/editions/${editionId}`, { ...editionBodyFrom(read), number: 9 });
      expect(clash.statusCode).toBe(409);
      expect(problemFields(clash)).toEqual(['number']);
      expect((await province.get(`/editions/${editionId}`)).json()).toMatchObject({ number: 6, version: read.version });
    });

    it('reads the audit trail of the edition, with before and after', async () => {
      const province = t.as('province@test.vn');
      // An edition of its own, changed once: a ladder without the district round.
      const audited = (await province.post(`/contests/${provincial}/editions`, socTrangEdition(10))).json();
      const body = editionBodyFrom(audited);
      body.stages.splice(1, 1);
      expect((await province.put(`/editions/${audited.id}`, body)).statusCode).toBe(200);
      const audit = await province.get('/audit', { query: { entityType: 'edition' } });
      expect(audit.statusCode).toBe(200);
      const mine = audit.json().items.filter((r: { entityId: string }) => r.entityId === audited.id);
      expect(mine.map((r: { action: string }) => r.action)).toEqual(['edition.update', 'edition.create']);
      const [update, create] = mine;
      expect(create.before).toBeNull();
      expect(create.after).toMatchObject({ number: 10, version: 1 });
      expect(update.before.stages.map((s: { levelCode: string }) => s.levelCode)).toEqual(['school', 'district', 'province', 'nation']);
      expect(update.after.stages.map((s: { levelCode: string }) => s.levelCode)).toEqual(['school', 'province', 'nation']);
      expect(update.after.version).toBe(2);
      const otherDistrict = await t.as('mt@test.vn').get('/audit', { query: { entityType: 'edition' } });
      expect(otherDistrict.json().items.filter((r: { entityId: string }) => r.entityId === audited.id)).toEqual([]);
    });
  });

  describe('scope', () => {
    let districtContest: string;

    beforeAll(async () => {
      const created = await t.as('ks@test.vn').post('/contests', { kind: 'youth', name: 'Hội thi Sáng tạo huyện Kế Sách', unitId: t.unitId('ST-KS') });
      expect(created.statusCode).toBe(201);
      districtContest = created.json().id;
    });

    it('lets a district organiser see the provincial contest but not add an edition to it, nor a contest at the province', async () => {
      const ks = t.as('ks@test.vn');
      expect((await ks.get(`/contests/${provincial}`)).statusCode).toBe(200);
      const edition = await ks.post(`/contests/${provincial}/editions`, socTrangEdition(8));
      expect(edition.statusCode).toBe(404);
      const aboveContest = await ks.post(`/contests/${districtContest}/editions`, { ...socTrangEdition(3), unitId: t.unitId('ST') });
      expect(aboveContest.statusCode).toBe(404);
      expect(problemFields(aboveContest)).toEqual(['unitId']);
      const contest = await ks.post('/contests', { kind: 'youth', name: 'Ngoài phạm vi', unitId: t.unitId('ST') });
      expect(contest.statusCode).toBe(404);
      expect(problemFields(contest)).toEqual(['unitId']);
    });

    it("hides a district's contest from another district but shows it to the province and the district's schools", async () => {
      const names = async (email: string) => (await t.as(email).get('/contests')).json().items.map((c: { id: string }) => c.id);
      expect((await t.as('mt@test.vn').get(`/contests/${districtContest}`)).statusCode).toBe(404);
      expect(await names('mt@test.vn')).not.toContain(districtContest);
      expect(await names('school3@test.vn')).not.toContain(districtContest);
      expect(await names('province@test.vn')).toContain(districtContest);
      expect(await names('school1@test.vn')).toEqual(expect.arrayContaining([districtContest, provincial]));
      expect(await names('mt@test.vn')).toContain(provincial);
    });

    it('shows a school the editions it can register in now', async () => {
      const ks = t.as('ks@test.vn');
      const district = socTrangEdition(1);
      district.stages = district.stages.slice(0, 2);
      delete (district.stages[1] as { advancement?: unknown }).advancement;
      const districtEdition = await ks.post(`/contests/${districtContest}/editions`, district);
      expect(districtEdition.statusCode).toBe(201);
      const closed = socTrangEdition(5);
      closed.registrationOpensAt = new Date(Date.now() - 400 * DAY).toISOString();
      closed.registrationClosesAt = new Date(Date.now() - 300 * DAY).toISOString();
      const closedEdition = await t.as('province@test.vn').post(`/contests/${provincial}/editions`, closed);
      expect(closedEdition.statusCode).toBe(201);
      expect((await ks.post(`/editions/${districtEdition.json().id}/state`, { state: 'registration' })).statusCode).toBe(200);
      expect((await t.as('province@test.vn').post(`/editions/${closedEdition.json().id}/state`, { state: 'registration' })).statusCode).toBe(200);

      const open = async (email: string) => (await t.as(email).get('/editions', { query: { openForRegistration: 'true' } })).json().items.map((e: { id: string }) => e.id);
      const fixture = t.world.editions.get(YOUTH_EDITION)!.edition.id;
      const school1 = await open('school1@test.vn');
      expect(school1).toEqual(expect.arrayContaining([fixture, districtEdition.json().id]));
      expect(school1).not.toContain(closedEdition.json().id);
      const school3 = await open('school3@test.vn');
      expect(school3).toContain(fixture);
      expect(school3).not.toContain(districtEdition.json().id);
      const all = (await t.as('school1@test.vn').get('/editions')).json().items.map((e: { id: string }) => e.id);
      expect(all).toContain(closedEdition.json().id);
    });

    it('answers 404 to an organiser changing an edition outside their unit, and 403 to a school', async () => {
      const fixture = t.world.editions.get(YOUTH_EDITION)!.edition.id;
      const body = editionBodyFrom((await t.as('province@test.vn').get(`/editions/${fixture}`)).json());
      expect((await t.as('mt@test.vn').put(`/editions/${fixture}`, body)).statusCode).toBe(404);
      expect((await t.as('school1@test.vn').put(`/editions/${fixture}`, body)).statusCode).toBe(403);
      expect((await t.as('judge@test.vn').get(`/editions/${fixture}`)).statusCode).toBe(200);
      expect((await t.as('province@test.vn').get('/editions/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });
  });

  it('documents the definition, its two eligibility kinds and its errors in the API docs', async () => {
    const docs = (await t.request('GET', '/docs-json')).json();
    expect(Object.keys(docs.components.schemas)).toEqual(expect.arrayContaining(['YouthEligibilityDto', 'TechnicalEligibilityDto', 'TopNAdvancementDto', 'PrizeLevelDto']));
    const create = docs.paths['/contests/{id}/editions'].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409', '422']));
    expect(create.description).toMatch(/422 RULE_VIOLATION/);
    expect(docs.paths['/editions/{id}'].put.requestBody).toBeDefined();
  });

  describe('with entries registered', () => {
    it('refuses to remove a field or a stage that entries use, and names them', async () => {
      const { edition, fields, stages } = t.world.editions.get(YOUTH_EDITION)!;
      const school = t.world.units.get('ST-KS-01')!;
      const [entryId] = await registerEntries(t.db.source, t.world, [{ school: school.code, reference: 'KS01-001', field: 'MT', title: 'Máy tưới cây' }]);
      // Advanced to the district round (no write path for advancement yet).
      await t.db.source.query('INSERT INTO entry_stages (entry_id, stage_id, unit_id) VALUES ($1, $2, $3)', [entryId, stages[1].id, t.unitId('ST-KS')]);

      const province = t.as('province@test.vn');
      const body = editionBodyFrom((await province.get(`/editions/${edition.id}`)).json());
      const withoutUsed = { ...body, fields: body.fields.filter((f: { code: string }) => f.code !== 'MT'), stages: body.stages.filter((s: { levelCode: string }) => s.levelCode !== 'district') };
      const refused = await province.put(`/editions/${edition.id}`, withoutUsed);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().details.problems).toEqual([
        expect.objectContaining({ field: 'fields', reason: expect.stringContaining('"MT"') }),
        expect.objectContaining({ field: 'stages', reason: expect.stringContaining('"district"') }),
      ]);
      const unchanged = (await province.get(`/editions/${edition.id}`)).json();
      expect(unchanged.version).toBe(1);
      expect(unchanged.fields.map((f: { code: string }) => f.code)).toEqual(['HT', 'PM', 'MT']);

      const renamed = { ...body, fields: body.fields.map((f: { code: string; name: string }) => (f.code === 'MT' ? { ...f, name: 'Sản phẩm xanh' } : f)) };
      const accepted = await province.put(`/editions/${edition.id}`, renamed);
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json().fields.find((f: { code: string }) => f.code === 'MT')).toEqual(expect.objectContaining({ id: fields.get('MT')!.id, name: 'Sản phẩm xanh' }));
    });
  });
});

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
    for (const key of [
      'id',
      'contestId',
      'contestName',
      'kind',
      'unitId',
      'unitCode',
      'unitName',
      'openForRegistration',
      'state',
      'archivedAt',
      'archiveReason',
      'rubricTotal',
      'warnings',
      'frozen',
      'updatedAt',
    ])
      delete template[key];
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
    // The view says what it now keeps, as the refusals below name it, so the web form can lock those inputs.
    expect(judging.json().frozen).toEqual(expect.arrayContaining(['rubric[]', 'rubric[0].maxPoints', 'stages[1].judgesPerEntry']));
    expect(judging.json().frozen).not.toContain('stages[2].prizeScheme.levels[1].prizeMoney');
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

    const listed = async (query: Record<string, string>) =>
      (await t.as('province@test.vn').get('/editions', { query: { contestId, pageSize: '100', ...query } })).json().items.map((e: { id: string }) => e.id);
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

  it('warns about a prize level asking a lower minimum than the level below it, with a code, in Vietnamese unless English is asked', async () => {
    const edition = await createEdition(25, (b) => (b.stages[2].prizeScheme.levels[1].minScore = 40));
    const field = 'stages[2].prizeScheme.levels[1].minScore';
    const params = { code: 'first', nextCode: 'second', minScore: 40, nextMinScore: 70 };
    expect(edition.warnings).toEqual([{ field, code: 'PRIZE_MINIMUM_ORDER', params, reason: expect.stringMatching(/lower minimum \(40 < 70\)/) }]);
    const read = (headers: Record<string, string>) => t.as('province@test.vn').get(`/editions/${edition.id}`, { headers });
    expect((await read({ 'accept-language': 'vi-VN,vi;q=0.9' })).json().warnings).toEqual([
      { field, code: 'PRIZE_MINIMUM_ORDER', params, reason: expect.stringMatching(/điểm tối thiểu thấp hơn \(40 < 70\)/) },
    ]);
    // No Accept-Language at all: Vietnamese, as every message.
    const bare = await t.app.inject({ method: 'GET', url: `/editions/${edition.id}`, headers: { authorization: `Bearer ${await t.token('province@test.vn')}` } });
    expect(bare.json().warnings[0].reason).toMatch(/điểm tối thiểu thấp hơn/);
    const updated = await put(edition.id, (b) => (b.stages[2].prizeScheme.levels[1].minScore = 50));
    expect(updated.json().warnings).toEqual([
      expect.objectContaining({ code: 'PRIZE_MINIMUM_ORDER', params: { ...params, minScore: 50 }, reason: expect.stringMatching(/lower minimum \(50 < 70\)/) }),
    ]);
  });
});
