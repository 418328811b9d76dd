import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { AdvancementRule } from '../../src/contests/edition.types';
import { STAGE_SCORE_READER, StageScore, StageScoreReader } from '../../src/results/stage-scores';
import { PASSWORD, smallWorld, YOUTH_EDITION } from '../support/fixtures';
import { TestApp } from '../support/test-app';

/** Judging's scores as the test sets them, per stage (judging itself is another module's). */
class FakeScores implements StageScoreReader {
  readonly byStage = new Map<string, Map<string, string | null>>();
  constructor(private readonly entries: () => Map<string, { fieldId: string; unitId: string }>) {}

  set(stageId: string, entryId: string, score: string | null): void {
    if (!this.byStage.has(stageId)) this.byStage.set(stageId, new Map());
    this.byStage.get(stageId)!.set(entryId, score);
  }

  async scoresAt(stageId: string): Promise<StageScore[]> {
    const scores = this.byStage.get(stageId) ?? new Map<string, string | null>();
    return [...scores].map(([entryId, score]) => ({ entryId, score, tieBreak: [], ...this.entries().get(entryId)! }));
  }
}

const FIELDS = ['HT', 'PM', 'MT', 'HT', 'PM', 'MT'];

describe('results (e2e)', () => {
  let t: TestApp;
  const known = new Map<string, { fieldId: string; unitId: string }>();
  const scores = new FakeScores(() => known);
  let editionId: string;
  let stage: { school: string; district: string; province: string; national: string };
  /** Entry ids by school code, in registration order. */
  const entries: Record<string, string[]> = {};

  const unit = (code: string) => t.unitId(code);
  const province = () => t.as('province@test.vn');
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.source.query(sql, params))[0].count);
  /** The stage's rule as an organiser set it in the edition (the edition's own editing is tested with contests). */
  const setRule = (stageId: string, rule: AdvancementRule) => t.db.source.query('UPDATE stages SET advancement = $2 WHERE id = $1', [stageId, JSON.stringify(rule)]);

  beforeAll(async () => {
    const spec = smallWorld();
    spec.users.push({ email: 'nation@test.vn', fullName: 'Ban tổ chức toàn quốc', password: PASSWORD, grants: [{ role: 'organiser', unit: 'VN' }] });
    t = await TestApp.start({ spec, workers: false, overrides: [{ provide: STAGE_SCORE_READER, useValue: scores }] });
    const edition = t.world.editions.get(YOUTH_EDITION)!;
    editionId = edition.edition.id;
    const [school, district, prov, national] = edition.stages.sort((a, b) => a.position - b.position).map((s) => s.id);
    stage = { school, district, province: prov, national };
    const perSchool: Record<string, { email: string; n: number }> = {
      'ST-KS-01': { email: 'school1@test.vn', n: 6 },
      'ST-KS-02': { email: 'school2@test.vn', n: 6 },
      'ST-MT-01': { email: 'school3@test.vn', n: 4 },
    };
    for (const [code, { email, n }] of Object.entries(perSchool)) {
      entries[code] = [];
      for (let i = 0; i < n; i++) {
        const response = await t.as(email).post(`/editions/${editionId}/entries`, {
          unitId: unit(code),
          reference: `${code}-${i + 1}`,
          title: `Sản phẩm ${i + 1} của ${code}`,
          fieldCode: FIELDS[i],
          summary: 'Mô hình dự thi.',
          contact: { name: 'Giáo viên', email: `gv-${code.toLowerCase()}@test.vn` },
          authors: [{ fullName: `Học sinh ${i + 1}`, birthDate: '2008-03-05' }],
        });
        expect(response.statusCode).toBe(201);
        entries[code].push(response.json().id);
        known.set(response.json().id, { fieldId: edition.fields.get(FIELDS[i])!.id, unitId: unit(code) });
      }
    }
    // Entries go up only once the rounds run: not while registration is open.
    const early = await t.as('ks@test.vn').post(`/stages/${stage.school}/units/${unit('ST-KS-01')}/advancement`, { entryIds: entries['ST-KS-01'].slice(0, 1) });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'RULE_VIOLATION', reason: 'ADVANCE_NOT_IN_STATE', details: { problems: [expect.objectContaining({ field: 'editionState' })] } });
    expect((await t.as('province@test.vn').post(`/editions/${editionId}/state`, { state: 'judging' })).statusCode).toBe(200);
    // District round scores: Kế Sách's twelve, Ngã Năm's four (an unjudged one each).
    const districtScores = { 'ST-KS-01': ['95', '88', '80', '75', '65', '55'], 'ST-KS-02': ['91', '85', '78', '70', '60', null], 'ST-MT-01': ['82', '77', '66', null] } as const;
    for (const [code, list] of Object.entries(districtScores)) list.forEach((score, i) => scores.set(stage.district, entries[code][i], score));
    // Province round: the 95 scores 93 there, the rest keep their district score.
    for (const [code, list] of Object.entries(districtScores)) list.forEach((score, i) => scores.set(stage.province, entries[code][i], score === '95' ? '93' : score));
  });
  afterAll(() => t?.stop());

  /** Every entry goes from its school to its district (organisers pick for the schools); repeating moves nothing. */
  async function toDistrict() {
    for (const [code, organiser] of [
      ['ST-KS-01', 'ks@test.vn'],
      ['ST-KS-02', 'ks@test.vn'],
      ['ST-MT-01', 'mt@test.vn'],
    ] as const) {
      const response = await t.as(organiser).post(`/stages/${stage.school}/units/${unit(code)}/advancement`, { entryIds: entries[code] });
      expect(response.statusCode).toBe(200);
    }
  }

  /** Each district's top 5 go to the province: Kế Sách's 95, 91, 88, 85, 80 and Ngã Năm's three scored ones. */
  async function toProvince() {
    await toDistrict();
    await setRule(stage.district, { kind: 'top_n', count: 5 });
    for (const [code, organiser] of [
      ['ST-KS', 'ks@test.vn'],
      ['ST-MT', 'mt@test.vn'],
    ] as const) {
      const response = await t.as(organiser).post(`/stages/${stage.district}/units/${unit(code)}/advancement`, {});
      expect(response.statusCode).toBe(200);
    }
  }

  describe('advancement', () => {
    it('a school picks its entries for the district only inside the window its organiser set', async () => {
      const pick = () => t.as('school2@test.vn').post(`/stages/${stage.school}/units/${unit('ST-KS-02')}/advancement`, { entryIds: entries['ST-KS-02'].slice(0, 2) });
      const closed = await pick();
      expect(closed.statusCode).toBe(422);

      const past = await t.as('ks@test.vn').put(`/stages/${stage.school}/units/${unit('ST-KS')}/pick-window`, { opensAt: '2017-08-01T00:00:00+07:00', closesAt: '2017-08-15T17:00:00+07:00' });
      expect(past.statusCode).toBe(200);
      expect((await pick()).json().message).toContain('15/08/2017 17:00');

      const now = Date.now();
      await t.as('ks@test.vn').put(`/stages/${stage.school}/units/${unit('ST-KS')}/pick-window`, { opensAt: new Date(now - 3600_000).toISOString(), closesAt: new Date(now + 3600_000).toISOString() });
      const picked = await pick();
      expect(picked.statusCode).toBe(200);
      expect(picked.json().to).toMatchObject({ stageId: stage.district, unitId: unit('ST-KS') });
      expect(picked.json().moved).toHaveLength(2);

      // Another school's entries are not this school's to pick; the school itself cannot act for another.
      const other = await t.as('school2@test.vn').post(`/stages/${stage.school}/units/${unit('ST-KS-01')}/advancement`, { entryIds: entries['ST-KS-01'].slice(0, 1) });
      expect(other.statusCode).toBe(404);
      const foreign = await pick().then(() => t.as('school2@test.vn').post(`/stages/${stage.school}/units/${unit('ST-KS-02')}/advancement`, { entryIds: entries['ST-KS-01'].slice(0, 1) }));
      expect(foreign.statusCode).toBe(422);
      expect(foreign.json().details.problems[0]).toMatchObject({ field: 'entryIds[0]', code: 'UNKNOWN_ENTRY' });

      const digest = await t.db.source.query(`SELECT payload FROM outbox WHERE event_key LIKE 'advancement-digest:%' AND payload->'data'->>'schoolName' = 'Trường Tiểu học An Lạc Tây'`);
      expect(digest).toHaveLength(1);
      expect(digest[0].payload).toMatchObject({ kind: 'advancement-digest', to: 'gv-st-ks-02@test.vn', data: { stageName: 'Cấp huyện' } });
      expect(digest[0].payload.data.entries).toHaveLength(2);
    });

    it('top N per unit: preview explains every entry, confirm moves exactly those, a repeat moves nothing', async () => {
      await toDistrict();
      await setRule(stage.district, { kind: 'top_n', count: 3 });
      const url = `/stages/${stage.district}/units/${unit('ST-MT')}/advancement`;
      const preview = await t.as('mt@test.vn').post(`${url}/preview`, {});
      expect(preview.statusCode).toBe(200);
      const lines = preview.json().lines;
      expect(lines.map((l: any) => [l.score, l.outcome])).toEqual([
        ['82', 'advances'],
        ['77', 'advances'],
        ['66', 'advances'],
        [null, 'not_scored'],
      ]);
      expect(lines[0].reason).toBe('Hạng 1: được chọn vào vòng sau');
      expect(await count('SELECT count(*) FROM entry_stages WHERE stage_id = $1', [stage.province])).toBe(await count('SELECT count(*) FROM advancements WHERE to_stage_id = $1', [stage.province]));

      const before = await count('SELECT count(*) FROM entry_stages WHERE stage_id = $1', [stage.province]);
      const first = await t.as('mt@test.vn').post(url, {});
      const again = await t.as('mt@test.vn').post(url, {});
      expect(first.json().moved.length + before).toBe(await count('SELECT count(*) FROM entry_stages WHERE stage_id = $1', [stage.province]));
      expect(again.json().moved).toEqual([]);
      expect(again.json().alreadyAdvanced).toHaveLength(3);
      expect(await count(`SELECT count(*) FROM audit_log WHERE action = 'entry.advance' AND after->>'stageId' = $1 AND entity_id = ANY($2)`, [stage.province, entries['ST-MT-01']])).toBe(3);

      // The list names each entry's furthest stage: the province for those sent up, the district for the one left.
      const listed = (await t.as('mt@test.vn').get('/entries', { query: { editionId, unitId: unit('ST-MT-01') } })).json();
      const current = new Map<string, unknown>(listed.items.map((e: { id: string; currentStage: { id: string; unitId: string } }) => [e.id, e.currentStage]));
      const movedIds = new Set<string>(again.json().alreadyAdvanced);
      expect(current.size).toBe(4);
      for (const [id, at] of current) {
        expect(at).toMatchObject(movedIds.has(id) ? { id: stage.province, name: 'Cấp tỉnh', unitId: unit('ST') } : { id: stage.district, unitId: unit('ST-MT') });
      }
    });

    it('a score threshold, a top percentage and a per-field cap each decide the preview by the rule', async () => {
      await toDistrict();
      const url = `/stages/${stage.district}/units/${unit('ST-KS')}/advancement/preview`;
      const outcomes = async () => (await t.as('ks@test.vn').post(url, {})).json().lines.map((l: any) => `${l.score}:${l.outcome}`);

      await setRule(stage.district, { kind: 'threshold', minScore: 80 });
      expect((await outcomes()).filter((o: string) => o.endsWith(':advances'))).toEqual(['95:advances', '91:advances', '88:advances', '85:advances', '80:advances']);
      expect(await outcomes()).toContain('78:below_threshold');

      // 25% of Kế Sách's 12 entries at the district stage is 3.
      await setRule(stage.district, { kind: 'top_percent', percent: 25 });
      expect((await outcomes()).slice(0, 4)).toEqual(['95:advances', '91:advances', '88:advances', '85:beyond_count']);

      // At most one per field: the best HT, PM and MT.
      await setRule(stage.district, { kind: 'top_n', count: 10, perFieldCap: 1 });
      expect((await outcomes()).filter((o: string) => o.endsWith(':advances'))).toEqual(['95:advances', '88:advances', '80:advances']);
      expect(await outcomes()).toContain('91:beyond_field_cap');

      // An organiser's pick beyond the rule's count is refused with the reason, and nothing moves.
      await setRule(stage.district, { kind: 'top_n', count: 1 });
      const before = await count('SELECT count(*) FROM advancements');
      const refused = await t.as('ks@test.vn').post(`/stages/${stage.district}/units/${unit('ST-KS')}/advancement`, { entryIds: entries['ST-KS-01'].slice(4, 6) });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().details.problems.map((p: any) => p.code)).toContain('QUOTA_EXCEEDED');
      expect(await count('SELECT count(*) FROM advancements')).toBe(before);
    });

    it('two organisers advancing the same district at once move each entry once', async () => {
      await toDistrict();
      await setRule(stage.district, { kind: 'top_n', count: 5 });
      const url = `/stages/${stage.district}/units/${unit('ST-KS')}/advancement`;
      const [a, b] = await Promise.all([t.as('ks@test.vn').post(url, {}), t.as('province@test.vn').post(url, {})]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      const moved = [...a.json().moved, ...b.json().moved];
      expect(new Set(moved).size).toBe(moved.length);
      const atProvince = await count(`SELECT count(*) FROM entry_stages es JOIN entries e ON e.id = es.entry_id WHERE es.stage_id = $1 AND e.unit_path LIKE $2`, [
        stage.province,
        `${t.world.units.get('ST-KS')!.path}%`,
      ]);
      expect(atProvince).toBe(5);
      expect(await count('SELECT count(*) FROM advancements WHERE from_stage_id = $1 AND from_unit_id = $2', [stage.district, unit('ST-KS')])).toBe(5);
    });

    it('many districts sent up by the rule in one call, raced by a reversed call and a single one: each entry moves, is audited and mailed once', async () => {
      await toDistrict();
      await setRule(stage.district, { kind: 'top_n', count: 5 });
      // From scratch at the province stage, so that this race moves what it checks.
      await t.db.source.query('DELETE FROM advancements WHERE to_stage_id = $1', [stage.province]);
      await t.db.source.query('DELETE FROM entry_stages WHERE stage_id = $1', [stage.province]);
      const digests = () => count(`SELECT count(*) FROM outbox WHERE event_key LIKE 'advancement-digest:%' AND payload->'data'->>'stageName' = 'Cấp tỉnh'`);
      const audited = () => count(`SELECT count(*) FROM audit_log WHERE action = 'entry.advance' AND after->>'stageId' = $1`, [stage.province]);
      const [digestsBefore, auditedBefore] = [await digests(), await audited()];
      const districts = [unit('ST-KS'), unit('ST-MT')];
      const bulk = `/stages/${stage.district}/advancement`;
      const answers = await Promise.all([
        province().post(bulk, { units: districts.map((unitId) => ({ unitId })) }),
        province().post(bulk, { units: [...districts].reverse().map((unitId) => ({ unitId })) }),
        t.as('ks@test.vn').post(`/stages/${stage.district}/units/${unit('ST-KS')}/advancement`, {}),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
      const [a, b, single] = answers.map((r) => r.json());
      const moved: string[] = [...a.units, ...b.units, single].flatMap((u: { moved: string[] }) => u.moved);
      // Kế Sách's top 5 and Ngã Năm's three scored entries.
      expect(moved.sort()).toEqual([...entries['ST-KS-01'].slice(0, 3), ...entries['ST-KS-02'].slice(0, 2), ...entries['ST-MT-01'].slice(0, 3)].sort());
      // Each answer names every unit's selection in the order it was asked: what it moved and what was there before.
      const sentOf = (answer: { units: Array<{ unitId: string; moved: string[]; alreadyAdvanced: string[] }> }) => answer.units.map((u) => [u.unitId, u.moved.length + u.alreadyAdvanced.length]);
      expect(sentOf(a)).toEqual([
        [districts[0], 5],
        [districts[1], 3],
      ]);
      expect(sentOf(b)).toEqual([
        [districts[1], 3],
        [districts[0], 5],
      ]);
      expect(await count('SELECT count(*) FROM advancements WHERE to_stage_id = $1', [stage.province])).toBe(8);
      expect((await audited()) - auditedBefore).toBe(8);
      // One digest per school: its unit's selection moves in one call, whichever won the race.
      expect((await digests()) - digestsBefore).toBe(3);
    });

    it('sends up the picks of many schools in one call, or nothing when one of them is refused', async () => {
      const url = `/stages/${stage.school}/advancement`;
      const picks = { 'ST-KS-01': entries['ST-KS-01'].slice(2, 4), 'ST-KS-02': entries['ST-KS-02'].slice(2, 4) };
      const before = await count('SELECT count(*) FROM advancements');
      const refusedWith = async (as: string, body: object, status: number, field: string) => {
        const refused = await t.as(as).post(url, body);
        expect(refused.statusCode).toBe(status);
        expect(refused.json().details.problems.map((p: { field: string }) => p.field)).toContain(field);
      };
      // A school listed twice; another school's entry in a school's picks; a school outside the organiser's district.
      await refusedWith(
        'ks@test.vn',
        {
          units: [
            { unitId: unit('ST-KS-01'), entryIds: picks['ST-KS-01'] },
            { unitId: unit('ST-KS-01'), entryIds: [] },
          ],
        },
        400,
        'units[1].unitId',
      );
      await refusedWith(
        'ks@test.vn',
        {
          units: [
            { unitId: unit('ST-KS-01'), entryIds: picks['ST-KS-01'] },
            { unitId: unit('ST-KS-02'), entryIds: entries['ST-KS-01'].slice(0, 1) },
          ],
        },
        422,
        'units[1].entryIds[0]',
      );
      await refusedWith(
        'mt@test.vn',
        {
          units: [
            { unitId: unit('ST-MT-01'), entryIds: entries['ST-MT-01'].slice(0, 1) },
            { unitId: unit('ST-KS-01'), entryIds: picks['ST-KS-01'] },
          ],
        },
        404,
        'units[1].unitId',
      );
      await refusedWith('ks@test.vn', { units: [{ unitId: 'not-a-unit' }] }, 400, 'units[0].unitId');
      expect(await count('SELECT count(*) FROM advancements')).toBe(before);

      const body = { units: Object.entries(picks).map(([code, entryIds]) => ({ unitId: unit(code), entryIds })) };
      const sent = await t.as('ks@test.vn').post(url, body);
      expect(sent.statusCode).toBe(200);
      expect(sent.json().units.map((u: { unitId: string; moved: string[]; alreadyAdvanced: string[] }) => [u.unitId, [...u.moved, ...u.alreadyAdvanced].sort()])).toEqual(
        Object.entries(picks).map(([code, ids]) => [unit(code), [...ids].sort()]),
      );
      const atDistrict = Object.values(picks).flat();
      expect(await count('SELECT count(*) FROM entry_stages WHERE stage_id = $1 AND entry_id = ANY($2)', [stage.district, atDistrict])).toBe(4);
      const again = await t.as('ks@test.vn').post(url, body);
      expect(again.json().units.flatMap((u: { moved: string[] }) => u.moved)).toEqual([]);
    });

    it('stays out of reach outside the organiser’s unit, and refuses schools at judged stages', async () => {
      const url = `/stages/${stage.district}/units/${unit('ST-KS')}/advancement/preview`;
      expect((await t.as('mt@test.vn').post(url, {})).statusCode).toBe(404);
      expect((await t.as('school1@test.vn').post(url, {})).statusCode).toBe(404);
      expect((await t.as('judge@test.vn').post(url, {})).statusCode).toBe(403);
    });
  });

  describe('prize lists', () => {
    const listUrl = () => `/stages/${stage.province}/units/${unit('ST')}/prize-list`;

    it('preview shows every entry with rank, score, prize and the reason, and writes nothing', async () => {
      await toProvince();
      const response = await province().get(`${listUrl()}/preview`);
      expect(response.statusCode).toBe(200);
      const list = response.json();
      expect(list.entries.map((e: any) => [e.score, e.prizeCode])).toEqual([
        ['93', 'special'],
        ['91', 'first'],
        ['88', 'first'],
        ['85', 'second'],
        ['82', 'second'],
        ['80', 'first'],
        ['77', 'second'],
        ['66', 'third'],
      ]);
      const second = list.entries.find((e: any) => e.score === '82');
      expect(second.reason.text).toContain('Giải Nhất lĩnh vực HT: đã hết số lượng giải (tối thiểu 80; đã trao 1/1, còn 0)');
      expect(second.reason.decisions.at(-1)).toMatchObject({ level: 'second', scope: 'HT', outcome: 'awarded', quota: 2, usedBefore: 0, left: 1 });
      expect(list.levels.find((l: any) => l.level === 'special')).toMatchObject({ quota: 1, awarded: 1 });
      expect(await count('SELECT count(*) FROM prize_lists')).toBe(0);
      expect((await t.as('ks@test.vn').get(`${listUrl()}/preview`)).statusCode).toBe(404);
    });

    it('publishes provisional, corrects as a new version with its reason, then final; every version stays readable without login', async () => {
      await toProvince();
      // While the rounds are judged no list goes out: the prize levels are frozen only from results on.
      const tooEarly = await province().post(listUrl(), { objectionDays: 0 });
      expect(tooEarly.statusCode).toBe(422);
      expect(tooEarly.json()).toMatchObject({ code: 'RULE_VIOLATION', reason: 'PUBLISH_NOT_IN_STATE' });
      expect((await province().get(listUrl())).statusCode).toBe(404);
      expect((await province().post(`/editions/${editionId}/state`, { state: 'results' })).statusCode).toBe(200);
      const published = await province().post(listUrl(), { objectionDays: 0 });
      expect(published.statusCode).toBe(201);
      const id = published.json().id;
      expect(published.json()).toMatchObject({ version: 1, phase: 'provisional', reason: null });
      expect((await province().post(listUrl(), { objectionDays: 15 })).statusCode).toBe(409);
      // The organiser finds the published list again by its stage and unit.
      expect((await province().get(listUrl())).json()).toMatchObject({ id, version: 1, phase: 'provisional' });

      const v1 = await t.request('GET', `/public/prize-lists/${id}`);
      expect(v1.statusCode).toBe(200);
      expect(v1.json().entries.map((e: any) => e.prize)).toEqual(['Giải Đặc biệt', 'Giải Nhất', 'Giải Nhất', 'Giải Nhất', 'Giải Nhì', 'Giải Nhì', 'Giải Nhì', 'Giải Ba']);
      expect(v1.body).not.toContain('gv-st-');
      expect(v1.json().totals.find((l: any) => l.prizeCode === 'encouragement')).toEqual({ prizeCode: 'encouragement', prizeName: 'Giải Khuyến khích', count: 0, prizeMoney: 0 });
      const mails = await t.db.source.query(`SELECT payload FROM outbox WHERE event_key LIKE 'prize-list-published:%'`);
      expect(mails.map((m: any) => m.payload.to).sort()).toEqual(['gv-st-ks-01@test.vn', 'gv-st-ks-02@test.vn', 'gv-st-mt-01@test.vn']);

      // After an objection the 77 is re-judged at 50: a correction recomputes and publishes version 2.
      scores.set(stage.province, entries['ST-MT-01'][1], '50');
      const corrected = await province().post(`/prize-lists/${id}/corrections`, { reason: 'Phúc khảo sản phẩm ST-MT-01-2' });
      expect(corrected.statusCode).toBe(201);
      expect(corrected.json()).toMatchObject({ version: 2, phase: 'provisional', reason: 'Phúc khảo sản phẩm ST-MT-01-2' });
      expect(corrected.json().entries.at(-1)).toMatchObject({ prize: 'Giải Khuyến khích', reference: 'ST-MT-01-2', score: '50' });

      const final = await province().post(`/prize-lists/${id}/final`);
      expect(final.statusCode).toBe(201);
      expect(final.json()).toMatchObject({ version: 3, phase: 'final' });
      expect(final.json().entries).toEqual(corrected.json().entries);
      expect((await province().post(`/prize-lists/${id}/final`)).statusCode).toBe(422);

      const old = await t.request('GET', `/public/prize-lists/${id}?version=1`);
      expect(old.json()).toMatchObject({ version: 1, phase: 'provisional' });
      expect(old.json().entries).toEqual(v1.json().entries);
      expect(old.json().versions.map((v: any) => [v.version, v.phase])).toEqual([
        [1, 'provisional'],
        [2, 'provisional'],
        [3, 'final'],
      ]);
      expect((await t.request('GET', `/public/prize-lists/${id}?version=4`)).statusCode).toBe(404);
      expect((await province().get(listUrl())).json()).toMatchObject({ id, version: 3, phase: 'final' });
      await expect(t.db.source.query(`UPDATE prize_list_items SET prize_code = 'first'`)).rejects.toThrow(/never change/);
      expect(await count(`SELECT count(*) FROM audit_log WHERE entity_type = 'prize-list' AND entity_id = $1`, [id])).toBe(3);
    });

    it('nothing unpublished is readable at the public route', async () => {
      await toProvince();
      // A stage whose list was only previewed has no list to read.
      await province().get(`${listUrl()}/preview`);
      const missing = await t.request('GET', `/public/prize-lists/${stage.province}`);
      expect(missing.statusCode).toBe(404);
      const [list] = await t.db.source.query('SELECT id FROM prize_lists WHERE stage_id = $1', [stage.province]);
      const id = list?.id ?? (await province().post(listUrl(), { objectionDays: 0 })).json().id;
      const read = await t.request('GET', `/public/prize-lists/${id}`);
      expect(read.statusCode).toBe(200);
      // Only awarded entries of published versions, without the organiser's reasons or the schools' contacts.
      const [{ awarded }] = await t.db.source.query(
        `SELECT count(*)::int AS awarded FROM prize_list_items i JOIN prize_list_versions v ON v.id = i.version_id
          WHERE v.prize_list_id = $1 AND v.version = $2 AND i.prize_code IS NOT NULL`,
        [id, read.json().version],
      );
      expect(read.json().entries).toHaveLength(awarded);
      expect(read.json().entries.every((e: any) => e.prize && e.prizeCode)).toBe(true);
      expect(read.json().entries.every((e: any) => !('reason' in e) && !('entryId' in e))).toBe(true);
      expect(read.body).not.toMatch(/gv-st-|đã trao|decisions/);
    });

    it('exports the published list by prize then rank with the money per level, in XLSX and CSV', async () => {
      await toProvince();
      const [list] = await t.db.source.query('SELECT id FROM prize_lists WHERE stage_id = $1', [stage.province]);
      const id = list?.id ?? (await province().post(listUrl(), { objectionDays: 0 })).json().id;
      const csv = await t.request('GET', `/public/prize-lists/${id}/export.csv`);
      expect(csv.statusCode).toBe(200);
      const rows: string[][] = parse(csv.body.replace(/^\uFEFF/, ''));
      expect(rows[0]).toEqual(['Giải', 'Mã hồ sơ', 'Tên sản phẩm dự thi', 'Tác giả', 'Trường / đơn vị', 'Huyện', 'Lĩnh vực', 'Điểm', 'Tiền thưởng (đồng)']);
      expect(rows[1]).toEqual(['Giải Đặc biệt', 'ST-KS-01-1', 'Sản phẩm 1 của ST-KS-01', 'Học sinh 1', 'Trường THCS Kế Sách', 'Huyện Kế Sách', 'Đồ dùng dành cho học tập', '93', '5000000']);
      expect(rows.find((r) => r[0] === 'Tổng Giải Đặc biệt')).toEqual(['Tổng Giải Đặc biệt', '', '1 giải', '', '', '', '', '', '5000000']);
      const grand = rows.at(-1)!;
      expect(grand[0]).toBe('Tổng cộng');
      expect(Number(grand[8])).toBe(
        rows
          .slice(1)
          .filter((r) => r[1])
          .reduce((sum, r) => sum + Number(r[8]), 0),
      );

      const xlsx = await t.request('GET', `/public/prize-lists/${id}/export.xlsx`);
      expect(xlsx.statusCode).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as never);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(2).getCell(1).value).toBe('Giải Đặc biệt');
      expect(sheet.getRow(1).getCell(9).value).toBe('Tiền thưởng (đồng)');
    });
  });

  describe('national selection and history', () => {
    it('the province picks for the national stage within the per-field cap; the national organiser sees every province’s picks', async () => {
      await toProvince();
      await setRule(stage.province, { kind: 'pick', perFieldCap: 1 });
      const url = `/stages/${stage.province}/units/${unit('ST')}/advancement`;
      const [best, secondHt] = [entries['ST-KS-01'][0], entries['ST-KS-02'][0]];
      const refused = await province().post(url, { entryIds: [best, secondHt] });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().details.problems).toEqual([expect.objectContaining({ field: 'entryIds[1]', code: 'FIELD_CAP_EXCEEDED' })]);

      const chosen = await province().post(url, { entryIds: [best, entries['ST-KS-01'][1]] });
      expect(chosen.statusCode).toBe(200);
      expect(chosen.json().to).toMatchObject({ stageId: stage.national, unitId: unit('VN') });
      const notice = await t.db.source.query(`SELECT payload FROM outbox WHERE event_key LIKE 'national-selection:%'`);
      expect(notice).toHaveLength(1);
      expect(notice[0].payload.data.entries).toHaveLength(2);

      const seen = await t.as('nation@test.vn').get(`/stages/${stage.national}/selections`);
      expect(seen.statusCode).toBe(200);
      expect(seen.json().senders).toEqual([expect.objectContaining({ unit: expect.objectContaining({ code: 'ST' }), entries: expect.any(Array) })]);
      expect(seen.json().senders[0].entries.map((e: any) => e.score)).toEqual(['93', '88']);
      expect((await t.as('ks@test.vn').get(`/stages/${stage.national}/selections`)).json().senders).toEqual([]);
    });

    it('an entry keeps every stage it reached, with its score and prize there', async () => {
      await toProvince();
      const history = await t.as('school1@test.vn').get(`/entries/${entries['ST-KS-01'][0]}/stages`);
      expect(history.statusCode).toBe(200);
      const stages = history.json().stages;
      expect(stages.slice(0, 3).map((s: any) => [s.stageName, s.score])).toEqual([
        ['Cấp trường', null],
        ['Cấp huyện', '95'],
        ['Cấp tỉnh', stages[2].prizeCode ? '93' : null],
      ]);
      expect((await t.as('school3@test.vn').get(`/entries/${entries['ST-KS-01'][0]}/stages`)).statusCode).toBe(404);
    });
  });

  it('the season report counts units, entries per stage, prizes, entries sent up and the plan, in JSON and XLSX', async () => {
    await toProvince();
    const response = await province().get(`/editions/${editionId}/report?unitId=${unit('ST')}`);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ unitsTakingPart: 3, entriesRegistered: 16, achievementPercent: 0.5 });
    expect(report.stages.slice(0, 3).map((s: any) => [s.name, s.entries])).toEqual([
      ['Cấp trường', 16],
      ['Cấp huyện', 16],
      ['Cấp tỉnh', 8],
    ]);
    expect(report.stages.map((s: any) => s.name)).toEqual(['Cấp trường', 'Cấp huyện', 'Cấp tỉnh', 'Toàn quốc']);
    expect(report.stages[1].sentUp).toBe(8);
    // The province's published list (8 prizes) and its 2 entries chosen for the national stage.
    expect(report.stages[2]).toMatchObject({ sentUp: 2, prizes: { total: 8 } });
    const district = await t.as('ks@test.vn').get(`/editions/${editionId}/report?unitId=${unit('ST-KS')}`);
    expect(district.json()).toMatchObject({ unitsTakingPart: 2, entriesRegistered: 12, achievementPercent: null });
    // Of the province's list, only Kế Sách's own entries count in Kế Sách's report.
    expect(district.json().stages[2]).toMatchObject({ entries: 5, sentUp: 2, prizes: { total: 5 } });
    expect((await t.as('mt@test.vn').get(`/editions/${editionId}/report?unitId=${unit('ST-KS')}`)).statusCode).toBe(404);
    const xlsx = await province().get(`/editions/${editionId}/report.xlsx?unitId=${unit('ST')}`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Giải thưởng']);
  });
});
