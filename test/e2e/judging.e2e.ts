import { editionBodyFrom, PASSWORD, smallWorld, technicalContest } from '../support/fixtures';
import { readTable } from '../../src/core/spreadsheet';
import { addEdition, registerEntries } from '../support/factories';
import { TestApp } from '../support/test-app';
import { Actor } from '../../src/core/auth/actor';
import { JudgingRepository } from '../../src/judging/judging.repository';
import { JudgingService } from '../../src/judging/judging.service';
import { DataSource } from 'typeorm';
import { JudgedStages } from '../../src/contests/stage-scores';
import { AuditService } from '../../src/core/audit/audit.service';

/**
 * A provincial technical contest judged by one panel (k = 3, mean, spread 20): the organiser forms and staffs it,
 * assigns, judges score and confirm, the chair settles discrepancies and closes. Each test builds the panel it starts
 * from (`scenario`) in an edition of its own, so it passes alone.
 */
const HOUR = 3600 * 1000;

function judgedContest() {
  const contest = technicalContest();
  Object.assign(contest.editions[0].stages[0], { judgesPerEntry: 3, aggregation: 'mean', discrepancySpread: 20, blind: true });
  return contest;
}

function world() {
  const spec = smallWorld();
  spec.contests.push({ ...judgedContest(), editions: [] });
  const judge = (email: string, fullName: string, role: 'judge' | 'chair' = 'judge') => ({ email, fullName, password: PASSWORD, grants: [{ role, unit: 'ST' }] });
  spec.users.push(
    judge('gk1@test.vn', 'Giám khảo Một'),
    judge('gk2@test.vn', 'Giám khảo Hai (Kế Sách)'),
    judge('gk3@test.vn', 'Giám khảo Ba'),
    judge('gk4@test.vn', 'Giám khảo Bốn'),
    judge('gk5@test.vn', 'Giám khảo Năm'),
    judge('chair@test.vn', 'Trưởng ban', 'chair'),
    { email: 'nobody@test.vn', fullName: 'Không có quyền', password: PASSWORD, grants: [] },
  );
  return spec;
}

const FULL = (novelty: number, applicability: number, effect: number) => ({ novelty, applicability, effect });

describe('judging panels (e2e)', () => {
  let t: TestApp;
  // The scenario the running test built: its edition, the stage judged, the panel and its three entries.
  let editionId: string;
  let stageId: string;
  let panelId: string;
  let entry: Record<'ks1' | 'ks2' | 'mt', string>;
  let editions = 10;
  const user = (email: string) => t.world.users.get(email)!.id;
  const organiser = () => t.as('province@test.vn');
  const panelUrl = () => `/panels/${panelId}`;
  const sheetUrl = (entryId: string) => `${panelUrl()}/entries/${entryId}/sheet`;

  async function seat(email: string, role: 'judge' | 'chair', affiliation: string | null) {
    const response = await organiser().post(`${panelUrl()}/members`, { userId: user(email), role, affiliationUnitId: affiliation && t.unitId(affiliation), fieldCodes: ['CNTT'] });
    expect(response.statusCode).toBe(201);
  }

  /** The entries a judge has, by entry id, with their sheet. */
  async function assignedTo(email: string): Promise<Map<string, any>> {
    const response = await t.as(email).get(`${panelUrl()}/entries`);
    expect(response.statusCode).toBe(200);
    return new Map(response.json().map((e: any) => [e.entryId, e]));
  }

  async function judgesOf(entryId: string): Promise<string[]> {
    const out: string[] = [];
    const members = (await organiser().get(panelUrl())).json().members.filter((m: any) => m.role === 'judge');
    const emails = [...t.world.users.values()].filter((u) => members.some((m: any) => m.userId === u.id)).map((u) => u.email);
    for (const email of emails.sort()) if ((await assignedTo(email)).has(entryId)) out.push(email);
    return out;
  }

  async function score(email: string, entryId: string, points: Record<string, number>): Promise<number> {
    const sheet = (await assignedTo(email)).get(entryId).sheet;
    const saved = await t.as(email).put(sheetUrl(entryId), { version: sheet.version, points, comment: 'Giải pháp có tính ứng dụng.' });
    expect(saved.statusCode).toBe(200);
    const confirmed = await t.as(email).post(`${sheetUrl(entryId)}/confirm`, { version: saved.json().version });
    expect(confirmed.statusCode).toBe(200);
    return confirmed.json().version;
  }

  /** Audit rows of the panel and its sheets. */
  const auditRows = (action: string) =>
    t.db.source.query(
      `SELECT actor_id, unit_path, entity_id, before, after FROM audit_log
        WHERE action = $1 AND (entity_id = $2 OR entity_id IN (SELECT id::text FROM score_sheets WHERE panel_id = $2::uuid)) ORDER BY id`,
      [action, panelId],
    );
  /** Mails about the panel. */
  const panelMails = (kind: string) => t.db.source.query(`SELECT payload FROM outbox WHERE payload->>'kind' = $1 AND payload->'data'->>'panelId' = $2`, [kind, panelId]);

  const panelBody = () => ({
    unitId: t.unitId('ST'),
    name: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin',
    fieldCodes: ['CNTT'],
    scoringOpensAt: new Date(Date.now() - HOUR).toISOString(),
    scoringClosesAt: new Date(Date.now() + 240 * HOUR).toISOString(),
  });

  const STAFF = {
    judges: [
      ['gk1@test.vn', 'ST'],
      ['gk2@test.vn', 'ST-KS'],
      ['gk3@test.vn', null],
      ['gk4@test.vn', null],
    ] as Array<[string, string | null]>,
    chair: true,
  };

  /**
   * A fresh edition of the judged contest with three entries (two of a Kế Sách school, one of Ngã Năm) at the province
   * round, then as far as asked: its panel, the judges and chair seated (gk2 affiliated with Kế Sách), the assignment.
   */
  async function scenario(
    upTo: 'entries' | 'panel' | 'assigned',
    seated: { judges: Array<[string, string | null]>; chair: boolean } = STAFF,
    stageOptions: { normaliseBias?: boolean } = {},
  ): Promise<void> {
    editions += 1;
    const contest = judgedContest();
    Object.assign(contest.editions[0].stages[0], stageOptions);
    const key = await addEdition(t.db.source, t.world, { ...contest.editions[0], number: editions }, contest.name);
    ({ id: editionId } = t.world.editions.get(key)!.edition);
    stageId = t.world.editions.get(key)!.stages[0].id;
    const [ks1, ks2, mt] = await registerEntries(t.db.source, t.world, [
      { edition: key, school: 'ST-KS-01', reference: `${editions}-KS-1`, field: 'CNTT', title: 'Phần mềm quản lý thư viện' },
      { edition: key, school: 'ST-KS-01', reference: `${editions}-KS-2`, field: 'CNTT', title: 'Hệ thống tưới tiêu thông minh' },
      { edition: key, school: 'ST-MT-01', reference: `${editions}-MT-1`, field: 'CNTT', title: 'Ứng dụng học tiếng Anh' },
    ]);
    entry = { ks1, ks2, mt };
    if (upTo === 'entries') return;
    const created = await organiser().post(`/stages/${stageId}/panels`, panelBody());
    expect(created.statusCode).toBe(201);
    panelId = created.json().id;
    if (upTo === 'panel') return;
    for (const [email, affiliation] of seated.judges) await seat(email, 'judge', affiliation);
    if (seated.chair) await seat('chair@test.vn', 'chair', null);
    expect((await organiser().post(`${panelUrl()}/assignment`)).statusCode).toBe(200);
  }

  /** The running scenario's edition as its organiser sends it back to change it. */
  async function editionBody() {
    return editionBodyFrom((await organiser().get(`/editions/${editionId}`)).json());
  }

  /** Every entry of the panel scored alike by each of its judges, so no flag is raised. */
  async function scoreAll(): Promise<void> {
    for (const entryId of Object.values(entry)) {
      for (const email of await judgesOf(entryId)) {
        if ((await assignedTo(email)).get(entryId).sheet.status !== 'confirmed') await score(email, entryId, FULL(21, 22, 23));
      }
    }
  }

  beforeAll(async () => {
    t = await TestApp.start({ spec: world(), workers: false });
  });

  afterAll(() => t?.stop());

  it('lets the province organiser form a blind panel of the province round, and no district organiser', async () => {
    await scenario('entries');
    const body = panelBody();
    expect((await t.as('ks@test.vn').post(`/stages/${stageId}/panels`, body)).statusCode).toBe(404);
    const wrongLevel = await organiser().post(`/stages/${stageId}/panels`, { ...body, unitId: t.unitId('ST-KS') });
    expect(wrongLevel.statusCode).toBe(422);
    expect(wrongLevel.json().details.problems[0].field).toBe('unitId');
    const created = await organiser().post(`/stages/${stageId}/panels`, body);
    expect(created.statusCode).toBe(201);
    panelId = created.json().id;
    expect(created.json()).toMatchObject({ fieldCodes: ['CNTT'], blind: true, judgesPerEntry: 3, state: 'open' });
    // One panel per field of a stage at a unit.
    expect((await organiser().post(`/stages/${stageId}/panels`, body)).statusCode).toBe(409);
  });

  it('seats judges and one chair from accounts under the province, each with an affiliation', async () => {
    await scenario('panel');
    await seat('gk1@test.vn', 'judge', 'ST');
    await seat('gk2@test.vn', 'judge', 'ST-KS');
    await seat('chair@test.vn', 'chair', null);
    const noGrant = await organiser().post(`${panelUrl()}/members`, { userId: user('nobody@test.vn'), role: 'judge' });
    expect(noGrant.statusCode).toBe(404);
    expect(noGrant.json().details.problems[0].field).toBe('userId');
    const secondChair = await organiser().post(`${panelUrl()}/members`, { userId: user('gk5@test.vn'), role: 'chair' });
    expect(secondChair.statusCode).toBe(409);
  });

  it('seats several members in one call, all or nothing, naming the refused one by its place; one audit row each', async () => {
    await scenario('panel');
    await seat('gk1@test.vn', 'judge', 'ST');
    const batch = (members: object[]) => organiser().post(`${panelUrl()}/members/batch`, { members });
    const member = (email: string, role = 'judge', affiliation: string | null = null) => ({ userId: user(email), role, affiliationUnitId: affiliation && t.unitId(affiliation), fieldCodes: ['CNTT'] });
    const refusedWith = async (members: object[], status: number, field: string) => {
      const refused = await batch(members);
      expect(refused.statusCode).toBe(status);
      expect(refused.json().details.problems.map((p: { field: string }) => p.field)).toContain(field);
    };
    await refusedWith([member('gk2@test.vn'), member('gk2@test.vn')], 400, 'members[1].userId');
    await refusedWith([member('gk2@test.vn'), member('nobody@test.vn')], 404, 'members[1].userId');
    await refusedWith([member('gk2@test.vn'), member('gk1@test.vn')], 409, 'members[1].userId');
    await refusedWith([member('chair@test.vn', 'chair'), member('gk5@test.vn', 'chair')], 409, 'members[1].role');
    expect((await organiser().get(panelUrl())).json().members).toHaveLength(1);

    const seated = await batch([member('gk2@test.vn', 'judge', 'ST-KS'), member('gk3@test.vn'), member('chair@test.vn', 'chair')]);
    expect(seated.statusCode).toBe(201);
    expect(
      seated
        .json()
        .members.map((m: { userId: string; role: string }) => [m.userId, m.role])
        .sort(),
    ).toEqual(
      [
        [user('gk1@test.vn'), 'judge'],
        [user('gk2@test.vn'), 'judge'],
        [user('gk3@test.vn'), 'judge'],
        [user('chair@test.vn'), 'chair'],
      ].sort(),
    );
    expect((await auditRows('panel.member-add')).map((r: { after: { userId: string } }) => r.after.userId)).toEqual([
      user('gk1@test.vn'),
      user('gk2@test.vn'),
      user('gk3@test.vn'),
      user('chair@test.vn'),
    ]);
    // The panel has its chair now; a judge taken off comes back through a batch, seated again.
    await refusedWith([member('gk4@test.vn'), member('gk5@test.vn', 'chair')], 409, 'members[1].role');
    expect((await organiser().delete(`${panelUrl()}/members/${user('gk3@test.vn')}`)).statusCode).toBe(200);
    const again = await batch([member('gk3@test.vn', 'judge', 'ST-MT'), member('gk4@test.vn')]);
    expect(again.statusCode).toBe(201);
    expect(again.json().members.filter((m: { role: string }) => m.role === 'judge')).toHaveLength(4);
  });

  it('refuses an infeasible assignment with 422 naming the entries and why, and writes nothing', async () => {
    await scenario('panel');
    await seat('gk1@test.vn', 'judge', 'ST');
    await seat('gk2@test.vn', 'judge', 'ST-KS');
    await seat('chair@test.vn', 'chair', null);
    const refused = await organiser().post(`${panelUrl()}/assignment`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().message).toContain('3 are needed per entry');
    const [{ n }] = await t.db.source.query('SELECT count(*)::int AS n FROM score_sheets WHERE panel_id = $1', [panelId]);
    expect(n).toBe(0);
  });

  it('assigns every entry 3 judges, none affiliated with the entry’s district, and tells each judge', async () => {
    await scenario('panel');
    await seat('gk1@test.vn', 'judge', 'ST');
    await seat('gk2@test.vn', 'judge', 'ST-KS');
    await seat('chair@test.vn', 'chair', null);
    await seat('gk3@test.vn', 'judge', null);
    await seat('gk4@test.vn', 'judge', null);
    const assigned = await organiser().post(`${panelUrl()}/assignment`);
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().added).toHaveLength(9);
    for (const id of Object.values(entry)) expect(await judgesOf(id)).toHaveLength(3);
    expect(await judgesOf(entry.ks1)).not.toContain('gk2@test.vn');
    expect(await judgesOf(entry.ks2)).not.toContain('gk2@test.vn');
    const mails = await panelMails('judge-assigned');
    expect(mails.map((m: any) => m.payload.to).sort()).toEqual(['gk1@test.vn', 'gk2@test.vn', 'gk3@test.vn', 'gk4@test.vn']);
    // Assigning again keeps every pair.
    const again = await organiser().post(`${panelUrl()}/assignment`);
    expect(again.json()).toMatchObject({ added: [], dropped: [] });
  });

  it('lets the organiser pin judges to entries: assignment keeps the pins, and a pin must be a panel judge without a conflict', async () => {
    await scenario('panel');
    for (const [email, affiliation] of STAFF.judges) await seat(email, 'judge', affiliation);
    await seat('chair@test.vn', 'chair', null);
    const pin = (as: ReturnType<typeof organiser>, pins: Array<{ entryId: string; judgeIds: string[] }>) => as.put(`${panelUrl()}/pins`, { entries: pins });
    const refused = async (pins: Array<{ entryId: string; judgeIds: string[] }>, status: number, field: string) => {
      const response = await pin(organiser(), pins);
      expect(response.statusCode).toBe(status);
      expect(response.json().details.problems.map((p: { field: string }) => p.field)).toContain(field);
    };
    // gk2 is affiliated with Kế Sách; gk5 is no judge of the panel; four pins exceed the 3 judges per entry.
    await refused([{ entryId: entry.ks1, judgeIds: [user('gk2@test.vn')] }], 422, 'entries[0].judgeIds[0]');
    await refused([{ entryId: entry.mt, judgeIds: [user('gk5@test.vn')] }], 404, 'entries[0].judgeIds[0]');
    await refused([{ entryId: entry.mt, judgeIds: ['gk1', 'gk2', 'gk3', 'gk4'].map((g) => user(`${g}@test.vn`)) }], 422, 'entries[0].judgeIds');
    await refused([{ entryId: t.world.users.get('gk1@test.vn')!.id, judgeIds: [] }], 404, 'entries[0].entryId');
    await refused([{ entryId: entry.mt, judgeIds: ['not-a-uuid'] }], 400, 'entries[0].judgeIds');
    expect((await pin(t.as('ks@test.vn'), [{ entryId: entry.mt, judgeIds: [] }])).statusCode).toBe(404);
    const [{ n }] = await t.db.source.query('SELECT count(*)::int AS n FROM judging_pins WHERE panel_id = $1', [panelId]);
    expect(n).toBe(0);

    // Without pins Ngã Năm's entry would take gk2 (the judge the Kế Sách entries cannot have): pinned, it takes gk1, gk3 and gk4.
    const pinned = await pin(organiser(), [{ entryId: entry.mt, judgeIds: [user('gk4@test.vn')] }]);
    expect(pinned.statusCode).toBe(200);
    expect(pinned.json()).toEqual({ pins: [{ entryId: entry.mt, judgeId: user('gk4@test.vn') }], assignment: null });
    expect((await organiser().post(`${panelUrl()}/assignment`)).statusCode).toBe(200);
    expect(await judgesOf(entry.mt)).toContain('gk4@test.vn');
    // On an assigned panel a pin re-assigns at once, the unpinned judge giving way.
    const repinned = await pin(organiser(), [{ entryId: entry.mt, judgeIds: ['gk1', 'gk3', 'gk4'].map((g) => user(`${g}@test.vn`)) }]);
    expect(repinned.statusCode).toBe(200);
    expect(await judgesOf(entry.mt)).toEqual(['gk1@test.vn', 'gk3@test.vn', 'gk4@test.vn']);
    expect(repinned.json().assignment.dropped).toEqual([expect.objectContaining({ entryId: entry.mt, judgeId: user('gk2@test.vn'), reason: 'surplus' })]);
    // An empty list unpins; the judges stay as assigned.
    expect((await pin(organiser(), [{ entryId: entry.mt, judgeIds: [] }])).json().pins).toEqual([]);
    expect(await judgesOf(entry.mt)).toEqual(['gk1@test.vn', 'gk3@test.vn', 'gk4@test.vn']);
  });

  it('shows a judge only their entries, blind, and nothing of other judges or entries (404)', async () => {
    await scenario('assigned');
    const mine = await assignedTo('gk1@test.vn');
    expect(mine.size).toBeGreaterThan(0);
    const [entryId] = [...mine.keys()];
    const shown = await t.as('gk1@test.vn').get(`${panelUrl()}/entries/${entryId}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ blindNumber: expect.stringMatching(/^SBD-\d{4}$/), school: null, authors: null });
    expect(shown.json().rubric.map((c: any) => c.code)).toEqual(['novelty', 'applicability', 'effect']);
    expect((await t.as('gk2@test.vn').get(`${panelUrl()}/entries/${entry.ks1}`)).statusCode).toBe(404);
    expect((await t.as('gk2@test.vn').put(sheetUrl(entry.ks1), { version: 1, points: { novelty: 10 } })).statusCode).toBe(404);
    expect((await t.as('judge@test.vn').get(panelUrl())).statusCode).toBe(404);
    expect((await t.as('judge@test.vn').get('/panels')).json().items).toEqual([]);
    // Other tests' panels seat gk1 too: each is listed with the seat gk1 holds there, never as organiser.
    const judgesPanels = (await t.as('gk1@test.vn').get('/panels')).json().items;
    expect(judgesPanels).toContainEqual(expect.objectContaining({ id: panelId, role: 'judge', organiser: false }));
    expect(judgesPanels.every((p: any) => p.role === 'judge' && p.organiser === false)).toBe(true);
    const organisersPanels = (await organiser().get('/panels')).json().items;
    expect(organisersPanels).toContainEqual(expect.objectContaining({ id: panelId, role: null, organiser: true }));
    expect(organisersPanels.every((p: any) => p.role === null && p.organiser === true)).toBe(true);
    expect((await t.as('judge@test.vn').get(`${panelUrl()}/entries`)).statusCode).toBe(404);
    expect((await t.as('gk1@test.vn').get(`${panelUrl()}/scores`)).statusCode).toBe(404);
    expect((await t.as('gk1@test.vn').get(`${panelUrl()}/progress`)).statusCode).toBe(404);
    expect((await t.as('school1@test.vn').get(`${panelUrl()}/entries/${entry.ks1}`)).statusCode).toBe(404);
  });

  it('refuses bad scores, unknown criteria and stale versions with a clear 4xx and writes nothing', async () => {
    await scenario('assigned');
    const [entryId, { sheet }] = [...(await assignedTo('gk1@test.vn'))][0];
    const put = (payload: unknown) => t.as('gk1@test.vn').put(sheetUrl(entryId), payload);
    const outOfRange = await put({ version: sheet.version, points: { novelty: 31, applicability: 10.25 } });
    expect(outOfRange.statusCode).toBe(400);
    expect(
      outOfRange
        .json()
        .details.problems.map((p: any) => p.field)
        .sort(),
    ).toEqual(['points.applicability', 'points.novelty']);
    const unknown = await put({ version: sheet.version, points: { design: 5 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.problems[0].field).toBe('points.design');
    const stale = await put({ version: sheet.version + 5, points: { novelty: 10 } });
    expect(stale.statusCode).toBe(409);
    const incomplete = await put({ version: sheet.version, points: { novelty: 10 } });
    expect(incomplete.statusCode).toBe(200);
    const notYet = await t.as('gk1@test.vn').post(`${sheetUrl(entryId)}/confirm`, { version: incomplete.json().version });
    expect(notYet.statusCode).toBe(422);
    expect(notYet.json().details.problems.map((p: any) => p.field)).toEqual(['points.applicability', 'points.effect']);
    expect((await assignedTo('gk1@test.vn')).get(entryId).sheet).toMatchObject({ status: 'draft', points: { novelty: 10 } });
    const [draft] = await auditRows('score.draft');
    // Who and where, though the row was written by a statement gathered from several judges' saves.
    expect(draft).toMatchObject({ actor_id: user('gk1@test.vn'), unit_path: t.world.units.get('ST')!.path });
    expect(draft.before).toMatchObject({ status: 'assigned', points: {} });
    expect(draft.after).toMatchObject({ status: 'draft', points: { novelty: 10 } });
  });

  it('checks a draft against the rubric as it stands when the organiser changes it before any score is confirmed', async () => {
    await scenario('assigned');
    const [entryId, { sheet }] = [...(await assignedTo('gk1@test.vn'))][0];
    const first = await t.as('gk1@test.vn').put(sheetUrl(entryId), { version: sheet.version, points: { effect: 20 } });
    expect(first.statusCode).toBe(200);
    // The effect criterion goes, a design criterion comes, and novelty is now out of 20.
    const body = await editionBody();
    body.rubric = [
      { code: 'novelty', name: 'Tính mới, tính sáng tạo', maxPoints: 20 },
      { code: 'applicability', name: 'Khả năng áp dụng', maxPoints: 40 },
      { code: 'design', name: 'Thiết kế', maxPoints: 40 },
    ];
    expect((await organiser().put(`/editions/${editionId}`, body)).statusCode).toBe(200);
    const stale = await t.as('gk1@test.vn').put(sheetUrl(entryId), { version: first.json().version, points: { effect: 20, novelty: 25 } });
    expect(stale.statusCode).toBe(400);
    expect(
      stale
        .json()
        .details.problems.map((p: any) => p.field)
        .sort(),
    ).toEqual(['points.effect', 'points.novelty']);
    expect((await assignedTo('gk1@test.vn')).get(entryId).sheet).toMatchObject({ version: first.json().version, points: { effect: 20 } });
    const saved = await t.as('gk1@test.vn').put(sheetUrl(entryId), { version: first.json().version, points: { design: 30, novelty: 20 } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ points: { design: 30, novelty: 20 }, total: '50.00' });
  });

  it('shows each judge’s raw and normalised totals where the stage normalises judge bias, and files both', async () => {
    await scenario('assigned', STAFF, { normaliseBias: true });
    // Each entry has its own level; gk2 is strict and gk3 lenient on every entry.
    const level = { [entry.ks1]: 60, [entry.ks2]: 70, [entry.mt]: 80 };
    const bias: Record<string, number> = { 'gk1@test.vn': 0, 'gk2@test.vn': -12, 'gk3@test.vn': 8, 'gk4@test.vn': -4 };
    const half = (x: number) => Math.round(x * 2) / 2;
    for (const entryId of Object.values(entry)) {
      for (const email of await judgesOf(entryId)) {
        const total = level[entryId] + bias[email];
        await score(email, entryId, FULL(half(total * 0.3), half(total * 0.35), total - half(total * 0.3) - half(total * 0.35)));
      }
    }
    const table = (await organiser().get(`${panelUrl()}/scores`)).json();
    expect(table.normaliseBias).toBe(true);
    const cents = (text: string) => Math.round(Number(text) * 100);
    const mean = (values: number[]) => Math.floor((2 * values.reduce((a, b) => a + b, 0) + values.length) / (2 * values.length));
    for (const row of table.entries) {
      expect(row.judges.every((j: any) => j.total !== null && j.normalisedTotal !== null)).toBe(true);
      expect(cents(row.score)).toBe(mean(row.judges.map((j: any) => cents(j.total))));
      expect(cents(row.normalisedScore)).toBe(mean(row.judges.map((j: any) => cents(j.normalisedTotal))));
    }
    // Normalised, a strict judge and a lenient one count alike: every judge's totals average the panel's.
    const sheets = table.entries.flatMap((row: any) => row.judges);
    const panelMean = sheets.reduce((sum: number, j: any) => sum + Number(j.total), 0) / sheets.length;
    for (const judgeId of new Set(sheets.map((j: any) => j.judgeId))) {
      const own = sheets.filter((j: any) => j.judgeId === judgeId);
      expect(Math.abs(own.reduce((sum: number, j: any) => sum + Number(j.normalisedTotal), 0) / own.length - panelMean)).toBeLessThan(0.02);
    }
    expect(table.entries.some((row: any) => row.normalisedScore !== row.score)).toBe(true);
    const xlsx = await readTable((await organiser().get(`${panelUrl()}/scores.xlsx`)).rawPayload);
    expect(xlsx.headers).toEqual(expect.arrayContaining(['điểm tổng hợp', 'điểm chuẩn hóa']));
  });

  it('lets a judge declare a conflict before confirming: the entry goes to another judge', async () => {
    await scenario('assigned');
    const judges = await judgesOf(entry.mt);
    const leaving = judges[0];
    const declared = await t.as(leaving).post(`${panelUrl()}/entries/${entry.mt}/conflict`, { note: 'Tôi là người hướng dẫn nhóm tác giả' });
    expect(declared.statusCode).toBe(200);
    expect(declared.json().reassigned).toBe(true);
    const now = await judgesOf(entry.mt);
    expect(now).toHaveLength(3);
    expect(now).not.toContain(leaving);
    expect((await t.as(leaving).get(`${panelUrl()}/entries/${entry.mt}`)).statusCode).toBe(404);
  });

  it('counts confirmed scores only, flags a spread over 20, and the chair has the outlier rescore', async () => {
    await scenario('assigned');
    const [a, b, c] = await judgesOf(entry.mt);
    const scoredAt = async () => (await t.db.source.query('SELECT scores_locked_at FROM stages WHERE id = $1', [stageId]))[0].scores_locked_at;
    expect(await scoredAt()).toBeNull();
    await score(a, entry.mt, FULL(25, 30, 30)); // 85
    // The stage's first confirmed score marks it scored: its rubric is fixed from then on.
    expect(await scoredAt()).not.toBeNull();
    await score(b, entry.mt, FULL(24, 30, 29)); // 83
    const scores = async () => (await t.as('chair@test.vn').get(`${panelUrl()}/scores`)).json().entries.find((e: any) => e.entryId === entry.mt);
    expect((await scores()).score).toBe('84.00');
    const last = (await assignedTo(c)).get(entry.mt).sheet;
    const draft = await t.as(c).put(sheetUrl(entry.mt), { version: last.version, points: FULL(10, 20, 30) }); // 60
    expect((await scores()).confirmed).toBe(2);
    const confirmed = await t.as(c).post(`${sheetUrl(entry.mt)}/confirm`, { version: draft.json().version });
    expect(confirmed.json().flagged).toBe(true);
    expect(await scores()).toMatchObject({ confirmed: 3, score: '76.00', spread: '25.00', openFlag: true });
    // Each confirmation is audited as written (draft before, confirmed after, the next version); the flag with its spread.
    const confirms = await auditRows('score.confirm');
    expect(
      confirms.map((r: { before: { status: string; version: number }; after: { status: string; version: number } }) => [r.before.status, r.after.status, r.after.version - r.before.version]),
    ).toEqual([
      ['draft', 'confirmed', 1],
      ['draft', 'confirmed', 1],
      ['draft', 'confirmed', 1],
    ]);
    expect(confirms.at(-1)).toMatchObject({ actor_id: user(c), unit_path: t.world.units.get('ST')!.path, after: { version: confirmed.json().version, total: 60 } });
    expect(await auditRows('score.flag')).toEqual([expect.objectContaining({ entity_id: panelId, after: { entryId: entry.mt, spread: '25.00' } })]);

    const rescore = await t.as('chair@test.vn').post(`${panelUrl()}/entries/${entry.mt}/flag/settle`, { action: 'rescore', judgeId: user(c), note: 'Đề nghị xem lại tiêu chí tính mới' });
    expect(rescore.statusCode).toBe(200);
    const [mail] = await panelMails('rescore-asked');
    expect(mail.payload.to).toEqual(c);
    expect((await assignedTo(c)).get(entry.mt).sheet.status).toBe('draft');
    await score(c, entry.mt, FULL(22, 28, 29)); // 79
    expect(await scores()).toMatchObject({ confirmed: 3, score: '82.33', openFlag: false });
  });

  it('lets only the chair reopen a confirmed sheet, with the reason audited', async () => {
    await scenario('assigned');
    const [a, b, c] = await judgesOf(entry.mt);
    for (const email of [a, b, c]) await score(email, entry.mt, FULL(25, 30, 30));
    expect((await t.as(a).put(sheetUrl(entry.mt), { version: (await assignedTo(a)).get(entry.mt).sheet.version, points: FULL(1, 1, 1) })).statusCode).toBe(422);
    const reopenUrl = `${panelUrl()}/entries/${entry.mt}/sheets/${user(a)}/reopen`;
    expect((await t.as(a).post(reopenUrl, { reason: 'Tự mở' })).statusCode).toBe(404);
    expect((await organiser().post(reopenUrl, { reason: 'Ban tổ chức mở' })).statusCode).toBe(404);
    const reopened = await t.as('chair@test.vn').post(reopenUrl, { reason: 'Giám khảo nhập nhầm tiêu chí 2' });
    expect(reopened.statusCode).toBe(200);
    const audits = await auditRows('score.reopen');
    expect(audits.at(-1).after).toMatchObject({ status: 'draft', reason: 'Giám khảo nhập nhầm tiêu chí 2' });
    expect(audits.at(-1).before).toMatchObject({ status: 'confirmed' });
    await t.as(a).post(`${sheetUrl(entry.mt)}/confirm`, { version: reopened.json().version });
  });

  it('keeps concurrent confirmations consistent: both judges’ count, a double submit is one 200 and one 409', async () => {
    await scenario('assigned');
    const [a, b, c] = await judgesOf(entry.ks1);
    const ready = async (email: string, points: Record<string, number>) => {
      const sheet = (await assignedTo(email)).get(entry.ks1).sheet;
      return (await t.as(email).put(sheetUrl(entry.ks1), { version: sheet.version, points })).json().version as number;
    };
    const va = await ready(a, FULL(20, 30, 30));
    const vb = await ready(b, FULL(20, 25, 25));
    const vc = await ready(c, FULL(5, 10, 10)); // 25 against 80 and 70: a flag, raised once
    const results = await Promise.all([
      t.as(a).post(`${sheetUrl(entry.ks1)}/confirm`, { version: va }),
      t.as(a).post(`${sheetUrl(entry.ks1)}/confirm`, { version: va }),
      t.as(b).post(`${sheetUrl(entry.ks1)}/confirm`, { version: vb }),
      t.as(c).post(`${sheetUrl(entry.ks1)}/confirm`, { version: vc }),
    ]);
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.slice(0, 2).sort()).toEqual([200, 409]);
    expect(statuses.slice(2)).toEqual([200, 200]);
    const flags = await t.db.source.query('SELECT status FROM score_flags WHERE entry_id = $1', [entry.ks1]);
    expect(flags).toEqual([{ status: 'open' }]);
  });

  it('answers each draft save gathered into one statement on its own, and of two saves of one sheet at one version writes one', async () => {
    await scenario('assigned');
    const judging = t.app.get(JudgingService);
    const repo = t.app.get(JudgingRepository);
    const [a, b, c] = await judgesOf(entry.ks1);
    const [d] = await judgesOf(entry.ks2);
    const judgesOfMt = await judgesOf(entry.mt);
    const [e] = judgesOfMt;
    const outsider = STAFF.judges.map(([email]) => email).find((email) => email !== e && !judgesOfMt.includes(email))!;
    const confirmedVersion = await score(e, entry.mt, FULL(20, 20, 20));
    const version = async (email: string, entryId: string) => (await assignedTo(email)).get(entryId).sheet.version as number;
    const [va, vb, vc, vd] = [await version(a, entry.ks1), await version(b, entry.ks1), await version(c, entry.ks1), await version(d, entry.ks2)];
    const actor = (email: string) => new Actor(user(email), email, []);
    const batches: number[] = [];
    const run = repo.saveDrafts.bind(repo);
    const spy = jest.spyOn(repo, 'saveDrafts').mockImplementation((manager, saves, parts) => {
      batches.push(saves.length);
      return run(manager, saves, parts);
    });
    const before = await auditRows('score.draft');
    const outcomes = await Promise.allSettled([
      judging.saveDraft(actor(a), panelId, entry.ks1, { version: va, points: FULL(10, 11, 12) }),
      judging.saveDraft(actor(b), panelId, entry.ks1, { version: vb + 5, points: FULL(1, 1, 1) }),
      judging.saveDraft(actor(c), panelId, entry.ks1, { version: vc, points: FULL(2, 2, 2) }),
      judging.saveDraft(actor(c), panelId, entry.ks1, { version: vc, points: FULL(3, 3, 3) }),
      judging.saveDraft(actor(d), panelId, entry.ks2, { version: vd, points: { novelty: 31 } }),
      judging.saveDraft(actor(outsider), panelId, entry.mt, { version: 1, points: FULL(4, 4, 4) }),
      judging.saveDraft(actor(e), panelId, entry.mt, { version: confirmedVersion, points: FULL(5, 5, 5) }),
    ]).finally(() => spy.mockRestore());
    expect(batches).toEqual([7]);
    const answer = (o: PromiseSettledResult<any>) => (o.status === 'fulfilled' ? { total: o.value.total } : { error: o.reason.reason });
    const [saved, stale, twiceFirst, twiceSecond, invalid, notTheirs, confirmed] = outcomes.map(answer);
    expect(saved).toEqual({ total: '33.00' });
    expect(stale).toEqual({ error: 'STALE_SHEET' });
    expect([twiceFirst, twiceSecond].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([{ error: 'STALE_SHEET' }, { total: expect.any(String) }]);
    expect(invalid).toEqual({ error: 'SCORES_INVALID' });
    expect(notTheirs).toEqual({ error: 'NOT_FOUND' });
    expect(confirmed).toEqual({ error: 'SHEET_CONFIRMED_CHAIR_REOPENS' });
    // Written: a's points and one of c's two, each at the next version and audited once; nothing else.
    const cWon = twiceFirst.total ? FULL(2, 2, 2) : FULL(3, 3, 3);
    expect((await assignedTo(a)).get(entry.ks1).sheet).toMatchObject({ version: va + 1, points: FULL(10, 11, 12) });
    expect((await assignedTo(b)).get(entry.ks1).sheet.version).toBe(vb);
    expect((await assignedTo(c)).get(entry.ks1).sheet).toMatchObject({ version: vc + 1, points: cWon });
    expect((await assignedTo(d)).get(entry.ks2).sheet.version).toBe(vd);
    expect((await assignedTo(e)).get(entry.mt).sheet).toMatchObject({ version: confirmedVersion, status: 'confirmed', points: FULL(20, 20, 20) });
    const audited = (await auditRows('score.draft')).slice(before.length);
    expect(audited.map((row: any) => [row.before.version, row.after.version, row.after.points])).toEqual(
      expect.arrayContaining([
        [va, va + 1, FULL(10, 11, 12)],
        [vc, vc + 1, cWon],
      ]),
    );
    expect(audited).toHaveLength(2);
  });

  it('locks the sheets of concurrent batches in one order: two batches saving the same sheets in opposite orders never deadlock', async () => {
    await scenario('assigned');
    const repo = t.app.get(JudgingRepository);
    const manager = t.app.get(DataSource).manager;
    const stages = t.app.get(JudgedStages);
    const parts = {
      rubricUnchanged: (stage: string, rubric: string) => stages.rubricUnchanged(stage, rubric),
      audit: (rows: string) => t.app.get(AuditService).insertionOf({ action: 'score.draft', entityType: 'score_sheet' }, rows),
    };
    const rubric = stages.rubricKey((await stages.get(manager, stageId))!.rubric);
    const unitPath = (await t.db.source.query('SELECT unit_path FROM judging_panels WHERE id = $1', [panelId]))[0].unit_path;
    for (let round = 1; round <= 3; round += 1) {
      const sheets: Array<{ entry_id: string; judge_id: string; version: number }> = await t.db.source.query(
        'SELECT entry_id, judge_id, version FROM score_sheets WHERE panel_id = $1 AND active ORDER BY id',
        [panelId],
      );
      const saves = sheets.map((sheet) => ({
        panelId,
        entryId: sheet.entry_id,
        judgeId: sheet.judge_id,
        version: sheet.version,
        valid: true,
        points: FULL(round, round, round),
        total: `${3 * round}.00`,
        comment: undefined,
        stageId,
        rubric,
        unitPath,
      }));
      const [forward, backward] = await Promise.all([repo.saveDrafts(manager, saves, parts), repo.saveDrafts(manager, [...saves].reverse(), parts)]);
      // Whichever batch locked first wrote every sheet; the other found each at a newer version.
      const writes = saves.map((_, i) => Number(forward[i].written !== null) + Number(backward[saves.length - 1 - i].written !== null));
      expect(writes).toEqual(saves.map(() => 1));
    }
  });

  it('keeps every judge’s points when all judges save, save again and confirm every sheet at once, and ranks and awards by them', async () => {
    await scenario('assigned');
    const ids = [entry.ks1, entry.ks2, entry.mt];
    const sheets = (await Promise.all(ids.map(async (entryId, e) => (await judgesOf(entryId)).map((email, j) => ({ entryId, email, points: FULL(18 + 5 * e, 25 + j, 25) }))))).flat();
    // Points differ by entry and by judge (within the flag spread), so a lost, stale or crossed write shows.
    const answers = await Promise.all(
      sheets.map(async ({ entryId, email, points }) => {
        const { version } = (await assignedTo(email)).get(entryId).sheet;
        const draft = await t.as(email).put(sheetUrl(entryId), { version, points: FULL(1, 1, 1) });
        const saved = await t.as(email).put(sheetUrl(entryId), { version: draft.json().version, points });
        const confirmed = await t.as(email).post(`${sheetUrl(entryId)}/confirm`, { version: saved.json().version });
        return [draft.statusCode, saved.statusCode, confirmed.statusCode];
      }),
    );
    expect(answers).toEqual(sheets.map(() => [200, 200, 200]));
    const emailOf = new Map([...t.world.users.values()].map((u) => [u.id, u.email]));
    const stored: Array<{ entry_id: string; judge_id: string; status: string; points: Record<string, number> }> = await t.db.source.query(
      'SELECT entry_id, judge_id, status, points FROM score_sheets WHERE panel_id = $1 AND active',
      [panelId],
    );
    const key = (entryId: string, email: string) => `${entryId} ${email}`;
    expect(new Map(stored.map((s) => [key(s.entry_id, emailOf.get(s.judge_id)!), { status: s.status, points: s.points }]))).toEqual(
      new Map(sheets.map((s) => [key(s.entryId, s.email), { status: 'confirmed', points: s.points }])),
    );
    expect((await t.as('chair@test.vn').post(`${panelUrl()}/close`)).statusCode).toBe(200);
    // Means of 69, 74 and 79 (each entry's judges give 25, 26 and 27 for applicability): two Third prizes and a Second.
    const preview = await organiser().get(`/stages/${stageId}/units/${t.unitId('ST')}/prize-list/preview`);
    expect(preview.json().entries.map((e: any) => [e.entryId, e.rank, Number(e.score), e.prizeCode])).toEqual([
      [entry.mt, 1, 79, 'second'],
      [entry.ks2, 2, 74, 'third'],
      [entry.ks1, 3, 69, 'third'],
    ]);
  });

  it('lets the chair settle a flag by adding a judge, who is told and must score before the panel closes', async () => {
    await scenario('assigned');
    const [a, b, c] = await judgesOf(entry.ks1);
    await score(a, entry.ks1, FULL(20, 30, 30)); // 80
    await score(b, entry.ks1, FULL(20, 25, 25)); // 70
    await score(c, entry.ks1, FULL(5, 10, 10)); // 25: a flag
    await seat('gk5@test.vn', 'judge', null);
    const settled = await t.as('chair@test.vn').post(`${panelUrl()}/entries/${entry.ks1}/flag/settle`, { action: 'add_judge', judgeId: user('gk5@test.vn'), note: 'Thêm một giám khảo' });
    expect(settled.statusCode).toBe(200);
    expect(await judgesOf(entry.ks1)).toContain('gk5@test.vn');
    const mails = (await panelMails('judge-assigned')).filter((m: any) => m.payload.to === 'gk5@test.vn');
    expect(mails).toHaveLength(1);
    const progress = (await organiser().get(`${panelUrl()}/progress`)).json();
    expect(progress.entries.find((e: any) => e.entryId === entry.ks1)).toMatchObject({ judges: 4, confirmed: 3, openFlag: false });
    // Assigning again leaves the added judge alone.
    expect((await organiser().post(`${panelUrl()}/assignment`)).json()).toMatchObject({ added: [], dropped: [] });
  });

  it('reassigns a judge’s entries when the organiser removes them, keeping their confirmed scores on record', async () => {
    await scenario('assigned', { ...STAFF, judges: [...STAFF.judges, ['gk5@test.vn', null]] });
    const leaving = (await judgesOf(entry.ks2))[0];
    const confirmed = await score(leaving, entry.ks2, FULL(20, 20, 20));
    expect(confirmed).toBeGreaterThan(0);
    const removed = await organiser().delete(`${panelUrl()}/members/${user(leaving)}`);
    expect(removed.statusCode).toBe(200);
    const now = await judgesOf(entry.ks2);
    expect(now).toHaveLength(3);
    expect(now).not.toContain(leaving);
    const kept = await t.db.source.query('SELECT status, active, total FROM score_sheets WHERE entry_id = $1 AND judge_id = $2', [entry.ks2, user(leaving)]);
    expect(kept).toEqual([{ status: 'confirmed', active: false, total: '60.00' }]);
  });

  it('closes only when every entry has 3 confirmed scores and no open flag, then freezes scores', async () => {
    await scenario('assigned');
    // One entry fully scored, with a flag (80, 70 and 25); the others not yet.
    const [x, y, z] = await judgesOf(entry.ks1);
    await score(x, entry.ks1, FULL(20, 30, 30));
    await score(y, entry.ks1, FULL(20, 25, 25));
    await score(z, entry.ks1, FULL(5, 10, 10));
    const early = await t.as('chair@test.vn').post(`${panelUrl()}/close`);
    expect(early.statusCode).toBe(422);
    expect(early.json().details.problems[0].field).toBe('entries');
    const progress = (await organiser().get(`${panelUrl()}/progress`)).json();
    expect(progress.entries.map((e: any) => e.judges)).toEqual([3, 3, 3]);
    expect(progress.closable.map((p: any) => p.field).sort()).toEqual(['entries', 'flags']);

    // The others are scored now; a flag that raises is accepted.
    await scoreAll();
    for (const open of (await organiser().get(`${panelUrl()}/progress`)).json().entries.filter((e: any) => e.openFlag)) {
      expect((await t.as('chair@test.vn').post(`${panelUrl()}/entries/${open.entryId}/flag/settle`, { action: 'accepted', note: 'Chấp nhận' })).statusCode).toBe(200);
    }
    expect((await organiser().post(`${panelUrl()}/close`)).statusCode).toBe(404);
    const closed = await t.as('chair@test.vn').post(`${panelUrl()}/close`);
    expect(closed.statusCode).toBe(200);
    expect(closed.json().state).toBe('closed');

    const [a] = await judgesOf(entry.ks2);
    const late = await t.as(a).put(sheetUrl(entry.ks2), { version: (await assignedTo(a)).get(entry.ks2).sheet.version, points: FULL(1, 1, 1) });
    expect(late.statusCode).toBe(422);
    const table = await t.as(a).get(`${panelUrl()}/scores`);
    expect(table.statusCode).toBe(200);
    expect(table.json().entries.every((e: any) => e.confirmed === 3 && e.score !== null)).toBe(true);

    const xlsx = await organiser().get(`${panelUrl()}/scores.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const sheet = await readTable(xlsx.rawPayload);
    expect(sheet.headers).toEqual(expect.arrayContaining(['số báo danh', 'điểm tổng hợp', 'cờ chênh lệch', expect.stringMatching(/^gk1 .* - tính mới, tính sáng tạo$/)]));
    expect(sheet.rows).toHaveLength(3);
    const mt = table.json().entries.find((e: any) => e.entryId === entry.mt);
    expect(sheet.rows.find((r: any) => r.values['số báo danh'] === mt.blindNumber)?.values['điểm tổng hợp']).toBe(mt.score.replace(/0+$/, '').replace(/\.$/, ''));
    // Results rank the closed panel's scores, read through the judging seam.
    const preview = await organiser().get(`/stages/${stageId}/units/${t.unitId('ST')}/prize-list/preview`);
    expect({ status: preview.statusCode, body: preview.statusCode === 200 ? 'ok' : preview.json() }).toEqual({ status: 200, body: 'ok' });
    const judged = new Map(table.json().entries.map((e: any) => [e.entryId, Number(e.score)]));
    const ranked = preview.json().entries.map((e: any) => [e.entryId, Number(e.score)]);
    expect(new Map(ranked)).toEqual(judged);
  });

  it('refuses to change judges per entry of the stage once it has scores', async () => {
    await scenario('assigned');
    const [judge] = await judgesOf(entry.mt);
    await score(judge, entry.mt, FULL(25, 30, 30));
    const body = await editionBody();
    body.stages[0].judgesPerEntry = 5;
    const refused = await organiser().put(`/editions/${editionId}`, body);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.problems).toEqual([
      { field: 'stages[0]', code: 'FROZEN_BY_SCORES', params: { level: 'province' }, reason: 'cannot change once the stage at level province has confirmed scores' },
    ]);
  });

  it('lets the chair reopen the closed panel, with the reason audited', async () => {
    await scenario('assigned');
    await scoreAll();
    expect((await t.as('chair@test.vn').post(`${panelUrl()}/close`)).statusCode).toBe(200);
    const reopened = await t.as('chair@test.vn').post(`${panelUrl()}/reopen`, { reason: 'Khiếu nại về điểm bài SBD' });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json().state).toBe('open');
    const [audit] = await auditRows('panel.reopen');
    expect(audit.after).toEqual({ state: 'open', reason: 'Khiếu nại về điểm bài SBD' });
  });
});
