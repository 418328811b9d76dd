import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/bootstrap';
import { Runtime, RUNTIME } from '../../src/core/core.module';
import { ScoringReminders } from '../../src/judging/scoring-reminders';
import { addEdition, registerEntries } from '../support/factories';
import { PASSWORD, smallWorld, technicalContest, TECHNICAL_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

/**
 * What a panel needs around scoring: the organiser moves its window, judges with unconfirmed sheets get one reminder
 * before it closes (even with two workers sweeping at once), judges download the dossier files of their entries
 * only, and entries close to a cut go to fresh judges whose scores replace the earlier ones (the stage says so).
 */
const HOUR = 3600 * 1000;
const JUDGES = ['gk1', 'gk2', 'gk3', 'gk4', 'gk5', 'gk6', 'gk7'].map((n) => `${n}@test.vn`);
const TINY_PDF = Buffer.from(
  ['%PDF-1.4', '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj', '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj', 'trailer << /Root 1 0 R >>', '%%EOF', ''].join('\n'),
);

function world() {
  const spec = smallWorld();
  const contest = technicalContest();
  Object.assign(contest.editions[0].stages[0], { judgesPerEntry: 3, aggregation: 'mean', discrepancySpread: null, blind: true, rejudgeMode: 'replace' });
  spec.contests.push(contest);
  spec.users.push(...JUDGES.map((email, i) => ({ email, fullName: `Giám khảo ${i + 1}`, password: PASSWORD, grants: [{ role: 'judge' as const, unit: 'ST' }] })), {
    email: 'chair@test.vn',
    fullName: 'Trưởng ban',
    password: PASSWORD,
    grants: [{ role: 'chair', unit: 'ST' }],
  });
  return spec;
}

describe('judging rounds: window, reminders, dossier files, cusp re-judging (e2e)', () => {
  let t: TestApp;
  let panelId: string;
  const entry: Record<string, string> = {};
  const user = (email: string) => t.world.users.get(email)!.id;
  const organiser = () => t.as('province@test.vn');
  const panelUrl = (panel = panelId) => `/panels/${panel}`;
  const sheetUrl = (entryId: string, panel = panelId) => `${panelUrl(panel)}/entries/${entryId}/sheet`;
  const judgeEmail = (id: string) => JUDGES.find((email) => user(email) === id)!;

  async function register(title: string): Promise<string> {
    const editionId = t.world.editions.get(TECHNICAL_EDITION)!.edition.id;
    const response = await t.as('school1@test.vn').post(`/editions/${editionId}/entries`, {
      unitId: t.unitId('ST-KS-01'),
      title,
      fieldCode: 'CNTT',
      summary: 'Giải pháp ứng dụng công nghệ thông tin.',
      createdYear: new Date().getUTCFullYear() - 1,
      contact: { name: 'Nguyễn Văn An', email: 'an@test.vn' },
      authors: [{ fullName: 'Nguyễn Văn An' }],
    });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  async function assignedTo(email: string, panel = panelId): Promise<Map<string, any>> {
    const response = await t.as(email).get(`${panelUrl(panel)}/entries`);
    expect(response.statusCode).toBe(200);
    return new Map(response.json().map((e: any) => [e.entryId, e]));
  }

  async function judgesOf(entryId: string, panel = panelId, seated = JUDGES): Promise<string[]> {
    const out: string[] = [];
    for (const email of seated) if ((await assignedTo(email, panel)).has(entryId)) out.push(email);
    return out;
  }

  /** The judge scores the entry `total` (novelty, applicability and effect in proportion) and confirms. */
  async function score(email: string, entryId: string, total: number, panel = panelId) {
    const sheet = (await assignedTo(email, panel)).get(entryId).sheet;
    const half = (x: number) => Math.round(x * 2) / 2;
    const points = { novelty: half(total * 0.3), applicability: half(total * 0.35), effect: total - half(total * 0.3) - half(total * 0.35) };
    const saved = await t.as(email).put(sheetUrl(entryId, panel), { version: sheet.version, points });
    expect(saved.statusCode).toBe(200);
    expect((await t.as(email).post(`${sheetUrl(entryId, panel)}/confirm`, { version: saved.json().version })).statusCode).toBe(200);
  }

  /** What every judge gives each entry: only entry a sits near the cuts of the last test. */
  const totals = () => ({ [entry.a]: 80, [entry.b]: 60, [entry.c]: 70 });
  const reminders = () => t.mailbox.messages.filter((m) => m.subject.startsWith('Nhắc hạn chấm'));

  beforeAll(async () => {
    t = await TestApp.start({ spec: world() });
    entry.a = await register('Phần mềm quản lý thư viện');
    entry.b = await register('Hệ thống tưới tiêu thông minh');
    entry.c = await register('Ứng dụng học tiếng Anh');
    const upload = multipart({ filename: 'Thuyết minh Trường THCS Kế Sách.pdf', contentType: 'application/pdf', content: TINY_PDF });
    const attached = await t.as('school1@test.vn').post(`/entries/${entry.a}/dossier`, upload.payload, { headers: upload.headers });
    expect(attached.statusCode).toBe(201);
    entry.file = attached.json().id;

    const stageId = t.world.editions.get(TECHNICAL_EDITION)!.stages[0].id;
    const created = await organiser().post(`/stages/${stageId}/panels`, {
      unitId: t.unitId('ST'),
      name: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin',
      fieldCodes: ['CNTT'],
      scoringOpensAt: new Date(Date.now() - HOUR).toISOString(),
      scoringClosesAt: new Date(Date.now() + 240 * HOUR).toISOString(),
    });
    expect(created.statusCode).toBe(201);
    panelId = created.json().id;
    for (const email of JUDGES) expect((await organiser().post(`${panelUrl()}/members`, { userId: user(email), role: 'judge', fieldCodes: ['CNTT'] })).statusCode).toBe(201);
    expect((await organiser().post(`${panelUrl()}/members`, { userId: user('chair@test.vn'), role: 'chair' })).statusCode).toBe(201);
    expect((await organiser().post(`${panelUrl()}/assignment`)).statusCode).toBe(200);
  });

  afterAll(() => t?.stop());

  it('lets the organiser move the scoring window, refusing a window that closes before it opens, a stale version and anyone else', async () => {
    const panel = (await organiser().get(panelUrl())).json();
    const opensAt = new Date(Date.now() - HOUR).toISOString();
    // Not due yet: 30 hours to go, reminded 24 hours before.
    const closesAt = new Date(Date.now() + 30 * HOUR).toISOString();
    const backwards = await organiser().put(`${panelUrl()}/window`, { version: panel.version, scoringOpensAt: closesAt, scoringClosesAt: opensAt });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().details.problems.map((p: any) => p.field)).toEqual(['scoringClosesAt']);
    expect((await organiser().put(`${panelUrl()}/window`, { version: panel.version + 1, scoringOpensAt: opensAt, scoringClosesAt: closesAt })).statusCode).toBe(409);
    expect((await t.as('chair@test.vn').put(`${panelUrl()}/window`, { version: panel.version, scoringOpensAt: opensAt, scoringClosesAt: closesAt })).statusCode).toBe(403);

    const moved = await organiser().put(`${panelUrl()}/window`, { version: panel.version, scoringOpensAt: opensAt, scoringClosesAt: closesAt, reminderLeadHours: 24 });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ scoringClosesAt: closesAt, reminderLeadHours: 24, version: panel.version + 1 });
    const [audit] = await t.db.source.query(`SELECT before, after FROM audit_log WHERE action = 'panel.window'`);
    expect(audit.before.scoringClosesAt).toBe(panel.scoringClosesAt);
    expect(audit.after.scoringClosesAt).toBe(closesAt);
  });

  it('lets a judge download the dossier files of their entries only, under a blind name on a blind stage', async () => {
    const earlier = await judgesOf(entry.a);
    const [judge] = earlier;
    const fileUrl = `${panelUrl()}/entries/${entry.a}/files/${entry.file}`;
    const shown = (await t.as(judge).get(`${panelUrl()}/entries/${entry.a}`)).json();
    expect(shown.files).toEqual([expect.objectContaining({ id: entry.file, name: `${shown.blindNumber}-tep-1.pdf` })]);
    const downloaded = await t.as(judge).get(fileUrl);
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.rawPayload.equals(TINY_PDF)).toBe(true);
    expect(String(downloaded.headers['content-disposition'])).toContain(`${shown.blindNumber}-tep-1.pdf`);
    expect(String(downloaded.headers['content-disposition'])).not.toContain('Thuy');

    const notAssigned = JUDGES.find((email) => !earlier.includes(email))!;
    expect((await t.as(notAssigned).get(fileUrl)).statusCode).toBe(404);
    expect((await t.as(judge).get(`${panelUrl()}/entries/${entry.a}/files/${entry.b}`)).statusCode).toBe(404);
    expect((await organiser().get(fileUrl)).statusCode).toBe(404);
    expect((await t.as('chair@test.vn').get(fileUrl)).statusCode).toBe(404);
  });

  it('reminds each judge with unconfirmed sheets once before scoring closes, even with two workers sweeping at once, and nobody who finished', async () => {
    const finished = (await judgesOf(entry.c))[0];
    for (const entryId of (await assignedTo(finished)).keys()) await score(finished, entryId, totals()[entryId]);
    const expected = JUDGES.filter((email) => email !== finished).sort();

    const written = async (closesAt: string) =>
      (await t.db.source.query(`SELECT payload->>'to' AS to FROM outbox WHERE payload->>'kind' = 'scoring-reminder' AND payload->'data'->>'scoringClosesAt' = $1`, [closesAt]))
        .map((r: any) => r.to)
        .sort();
    // Reminded 48 hours before: due from now on.
    const panel = (await organiser().get(panelUrl())).json();
    expect(
      (await organiser().put(`${panelUrl()}/window`, { version: panel.version, scoringOpensAt: panel.scoringOpensAt, scoringClosesAt: panel.scoringClosesAt, reminderLeadHours: 48 })).statusCode,
    ).toBe(200);

    const runtime = t.app.get<Runtime>(RUNTIME);
    const second: NestFastifyApplication = await createApp(runtime, { api: false, workers: true }, false);
    try {
      const sweeps = await Promise.all([t.app.get(ScoringReminders).sendDue(), second.get(ScoringReminders).sendDue(), t.app.get(ScoringReminders).sendDue()]);
      // One sweep claimed the panel (or the scheduled one of the workers got there first): never two.
      expect(sweeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(expected.length);
    } finally {
      await second.close();
    }
    expect(await written(panel.scoringClosesAt)).toEqual(expected);
    for (const email of expected) await t.mailbox.waitFor((m) => m.to.includes(email) && m.subject.startsWith('Nhắc hạn chấm'));
    expect(await t.app.get(ScoringReminders).sendDue()).toBe(0);
    expect(
      reminders()
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual(expected);
    const [mail] = reminders();
    expect(mail.text).toContain('chưa xác nhận');
    expect(mail.html).toContain('Hội đồng giám khảo lĩnh vực Công nghệ thông tin');

    // A later closing time is due again, once.
    const later = new Date(Date.parse(panel.scoringClosesAt) + HOUR).toISOString();
    expect((await organiser().put(`${panelUrl()}/window`, { version: panel.version + 1, scoringOpensAt: panel.scoringOpensAt, scoringClosesAt: later })).statusCode).toBe(200);
    await t.app.get(ScoringReminders).sendDue();
    expect(await written(later)).toEqual(expected);
    expect(await t.app.get(ScoringReminders).sendDue()).toBe(0);
  });

  it('sends the entries near a cut to fresh judges, whose scores replace the earlier ones, all kept on record', async () => {
    for (const [entryId, total] of Object.entries(totals())) {
      for (const email of await judgesOf(entryId)) if ((await assignedTo(email)).get(entryId).sheet.status !== 'confirmed') await score(email, entryId, total);
    }
    const badCut = await organiser().post(`${panelUrl()}/rejudge`, { cuts: [180], margin: 1 });
    expect(badCut.statusCode).toBe(400);
    expect(badCut.json().details.problems.map((p: any) => p.field)).toEqual(['cuts[0]']);
    expect((await t.as('chair@test.vn').post(`${panelUrl()}/rejudge`, { cuts: [80], margin: 1 })).statusCode).toBe(403);

    const earlier = await judgesOf(entry.a);
    const sent = await organiser().post(`${panelUrl()}/rejudge`, { cuts: [80.5, 50], margin: 1 });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ mode: 'replace', entries: [{ entryId: entry.a, score: '80.00', cut: '80.50', distance: '0.50', round: 2 }] });
    const fresh = sent.json().entries[0].judgeIds.map(judgeEmail);
    expect(fresh).toHaveLength(3);
    for (const email of fresh) expect(earlier).not.toContain(email);
    expect((await judgesOf(entry.a)).sort()).toEqual([...fresh].sort());
    const told = await t.db.source.query(`SELECT payload->>'to' AS to FROM outbox WHERE payload->>'kind' = 'judge-assigned' AND payload->'data'->>'newEntries' = '1'`);
    expect(told.map((m: any) => m.to).sort()).toEqual(expect.arrayContaining([...fresh].sort()));

    const scores = async () => (await organiser().get(`${panelUrl()}/scores`)).json().entries.find((e: any) => e.entryId === entry.a);
    expect(await scores()).toMatchObject({ confirmed: 0, score: null });
    for (const email of fresh) await score(email, entry.a, 90);
    expect(await scores()).toMatchObject({ confirmed: 3, score: '90.00' });
    const record = await t.db.source.query('SELECT round, active, status, total FROM score_sheets WHERE entry_id = $1 ORDER BY round, judge_id', [entry.a]);
    expect(record.map((r: any) => [r.round, r.active, r.status, r.total])).toEqual([...earlier.map(() => [1, false, 'confirmed', '80.00']), ...fresh.map(() => [2, true, 'confirmed', '90.00'])]);
    const [audit] = await t.db.source.query(`SELECT before, after FROM audit_log WHERE action = 'panel.rejudge'`);
    expect(audit.before.entries[0]).toMatchObject({ entryId: entry.a, score: '80.00' });
    expect(audit.after).toMatchObject({ mode: 'replace', cuts: [80.5, 50], margin: 1 });
    // Nothing else sits within the margin now; a panel that cannot find fresh judges says so and changes nothing.
    expect((await organiser().post(`${panelUrl()}/rejudge`, { cuts: [80.5], margin: 1 })).json().entries).toEqual([]);
    const short = await organiser().post(`${panelUrl()}/rejudge`, { cuts: [90], margin: 1 });
    expect(short.statusCode).toBe(422);
    expect(await scores()).toMatchObject({ confirmed: 3, score: '90.00' });
  });

  it('keeps a judge confirming while the chair closes consistent: the score counts, and the panel closes only with it', async () => {
    const [judge] = await judgesOf(entry.a);
    const reopened = await t.as('chair@test.vn').post(`${panelUrl()}/entries/${entry.a}/sheets/${user(judge)}/reopen`, { reason: 'Kiểm tra lại tiêu chí 2' });
    expect(reopened.statusCode).toBe(200);
    const [confirmed, closed] = await Promise.all([t.as(judge).post(`${sheetUrl(entry.a)}/confirm`, { version: reopened.json().version }), t.as('chair@test.vn').post(`${panelUrl()}/close`)]);
    // Either the confirmation came first and the panel closed with it, or closing came first and was refused.
    expect(confirmed.statusCode).toBe(200);
    expect([200, 422]).toContain(closed.statusCode);
    expect((await organiser().get(panelUrl())).json().state).toBe(closed.statusCode === 200 ? 'closed' : 'open');
    if (closed.statusCode === 422) expect((await t.as('chair@test.vn').post(`${panelUrl()}/close`)).statusCode).toBe(200);
    const scores = (await organiser().get(`${panelUrl()}/scores`)).json();
    expect(scores.state).toBe('closed');
    expect(scores.entries.find((e: any) => e.entryId === entry.a)).toMatchObject({ confirmed: 3, score: '90.00' });
  });

  it('lets re-judged scores join the earlier ones where the stage says so, and replaces a fresh judge removed later by another fresh one', async () => {
    // An edition of its own whose stage joins re-judged scores to the earlier ones.
    const contest = technicalContest();
    const stage = { ...contest.editions[0].stages[0], judgesPerEntry: 3, aggregation: 'mean' as const, discrepancySpread: null, rejudgeMode: 'join' as const };
    const key = await addEdition(t.db.source, t.world, { ...contest.editions[0], number: 11, stages: [stage] }, contest.name);
    const [near, far] = await registerEntries(t.db.source, t.world, [
      { edition: key, school: 'ST-KS-01', reference: 'J-1', field: 'CNTT', title: 'Máy bóc vỏ dừa' },
      { edition: key, school: 'ST-KS-01', reference: 'J-2', field: 'CNTT', title: 'Hệ thống cảnh báo mặn' },
    ]);
    const created = await organiser().post(`/stages/${t.world.editions.get(key)!.stages[0].id}/panels`, {
      unitId: t.unitId('ST'),
      name: 'Hội đồng chấm lại',
      fieldCodes: ['CNTT'],
      scoringOpensAt: new Date(Date.now() - HOUR).toISOString(),
      scoringClosesAt: new Date(Date.now() + 240 * HOUR).toISOString(),
    });
    expect(created.statusCode).toBe(201);
    const panel: string = created.json().id;
    for (const email of JUDGES) expect((await organiser().post(`${panelUrl(panel)}/members`, { userId: user(email), role: 'judge', fieldCodes: ['CNTT'] })).statusCode).toBe(201);
    expect((await organiser().post(`${panelUrl(panel)}/assignment`)).statusCode).toBe(200);
    for (const [entryId, total] of [
      [near, 80],
      [far, 60],
    ] as const) {
      for (const email of await judgesOf(entryId, panel)) await score(email, entryId, total, panel);
    }
    const earlier = await judgesOf(near, panel);

    const sent = await organiser().post(`${panelUrl(panel)}/rejudge`, { cuts: [80.5], margin: 1 });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ mode: 'join', entries: [{ entryId: near, score: '80.00', round: 2 }] });
    const fresh: string[] = sent.json().entries[0].judgeIds.map(judgeEmail);
    expect(fresh.filter((email) => earlier.includes(email))).toEqual([]);
    const scores = async () => (await organiser().get(`${panelUrl(panel)}/scores`)).json().entries.find((e: any) => e.entryId === near);
    // The earlier scores still count while the fresh judges score; then all six count.
    expect(await scores()).toMatchObject({ confirmed: 3, score: '80.00' });
    for (const email of fresh) await score(email, near, 90, panel);
    expect(await scores()).toMatchObject({ confirmed: 6, score: '85.00' });

    // A fresh judge leaves the panel: their score stays on record but stops counting, and the one judge of the
    // seven who never held the entry takes their place in the second round.
    const [leaving] = fresh;
    expect((await organiser().delete(`${panelUrl(panel)}/members/${user(leaving)}`)).statusCode).toBe(200);
    const [replacement] = JUDGES.filter((email) => !earlier.includes(email) && !fresh.includes(email));
    expect((await t.as(leaving).get(`${panelUrl(panel)}/entries`)).statusCode).toBe(404);
    expect(
      (
        await judgesOf(
          near,
          panel,
          JUDGES.filter((email) => email !== leaving),
        )
      ).sort(),
    ).toEqual([...earlier, ...fresh.slice(1), replacement].sort());
    expect(await scores()).toMatchObject({ confirmed: 5, score: '84.00' });
    const record = async () =>
      (await t.db.source.query('SELECT judge_id, round, active, status, total FROM score_sheets WHERE entry_id = $1', [near])).map((r: any) => [
        judgeEmail(r.judge_id),
        r.round,
        r.active,
        r.status,
        r.total,
      ]);
    expect(await record()).toContainEqual([leaving, 2, false, 'confirmed', '90.00']);
    expect(await record()).toContainEqual([replacement, 2, true, 'assigned', null]);
    await score(replacement, near, 90, panel);
    expect(await scores()).toMatchObject({ confirmed: 6, score: '85.00' });
    expect(
      (await record())
        .filter((r: any[]) => r[2])
        .map((r: any[]) => r[1])
        .sort(),
    ).toEqual([1, 1, 1, 2, 2, 2]);
  });
});
