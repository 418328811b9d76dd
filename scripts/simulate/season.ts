/**
 * Plays a scenario's season against a running instance, through the public HTTP API only, as its users would:
 * the administrator imports the unit tree and creates organisers; organisers create the contest and edition, open
 * registration, form panels, publish prize lists and send entries up; schools upload their entry files and pick
 * their entries; judges score and confirm; chairs settle flags and close their panels.
 */
import { stringify } from 'csv-stringify/sync';
import { Api, ApiError, inPool } from './client';
import { describeRouteTimes, RouteTime, RouteTimes } from './route-times';
import { advanceInBulk, pinJudges, seatMembers, UnitPicks } from './bulk-calls';
import { DEFAULT_LEVELS, judgeBias, modelTotal, resolveEntries, resolveUnits, shareOut, SimEntry, splitTotal } from './generate';
import type { JudgeSpec, PanelPlan, Scenario, StagePlay, UnitSpec } from './scenario';

export interface SeasonOptions {
  baseUrl: string;
  admin: { email: string; password: string };
  /** Requests in flight at once (schools uploading side by side, organisers forming panels side by side). */
  concurrency?: number;
  /** Judges scoring at once (default: concurrency; the national bench uses 32): a province's judges score side by side, each one sheet at a time. */
  judgesAtOnce?: number;
  /** Overrides the scenario's `schoolAccounts`. */
  schoolAccounts?: 'all' | number;
  /** How long to wait for mail to stop arriving in the development mailbox, ms (0: do not count mail). */
  mailWaitMs?: number;
  log?: (line: string) => void;
}

export interface PhaseTime {
  phase: string;
  seconds: number;
  requests: number;
  /** The phase's requests by route, costliest first. */
  routes: RouteTime[];
}

export interface PublishedList {
  stage: number;
  unit: string;
  id: string;
  phase: string;
  awards: Record<string, string>;
}

export interface SeasonResult {
  scenario: string;
  editionId: string;
  report: any;
  phases: PhaseTime[];
  prizeLists: PublishedList[];
  /** Mails caught by the development mailbox during the run; null when the instance has none. */
  mails: number | null;
  requests: number;
  seconds: number;
  /** Expectations of the scenario that the run did not meet (empty when all held or none were stated). */
  mismatches: string[];
}

const DAY = 86_400_000;
const emailOf = (kind: string, code: string) => `${kind}.${code.toLowerCase()}@sim.local`;

interface ScoreTable {
  entries: Array<{ entryId: string; score: string | null; openFlag: boolean }>;
}

interface StageView {
  id: string;
  position: number;
  name: string;
  levelCode: string;
  judged: boolean;
  judgesPerEntry: number;
  advancement: { kind: string } | null;
  prizeScheme: unknown;
}

export async function playSeason(scenario: Scenario, options: SeasonOptions): Promise<SeasonResult> {
  const api = new Api(options.baseUrl.replace(/\/$/, ''));
  const log = options.log ?? (() => undefined);
  const concurrency = options.concurrency ?? 8;
  const seed = scenario.seed ?? 1;
  const password = scenario.password ?? 'sim-season-password';
  const phases: PhaseTime[] = [];
  const routeTimes = new RouteTimes();
  api.onAnswer = (method, path, ms) => routeTimes.record(method, path, ms);
  const started = performance.now();
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r0 = api.requests;
    log(`· ${name}…`);
    routeTimes.take();
    const result = await work();
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    const routes = routeTimes.take();
    phases.push({ phase: name, seconds, requests: api.requests - r0, routes });
    log(`  ${name}: ${seconds.toFixed(2)} s, ${(api.requests - r0).toLocaleString('en')} requests`);
    for (const line of describeRouteTimes(routes)) log(line);
    return result;
  };

  // ---------------------------------------------------------------- what the season holds, resolved up front
  const levels = scenario.levels ?? DEFAULT_LEVELS;
  const leafLevels = new Set(levels.filter((l) => l.isLeaf).map((l) => l.code));
  const units = resolveUnits(scenario);
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  const ancestorAt = (code: string, level: string): UnitSpec | undefined => {
    for (let u = unitByCode.get(code); u; u = u.parent ? unitByCode.get(u.parent) : undefined) if (u.level === level) return u;
    return undefined;
  };
  const fieldCodes = (scenario.edition.fields as Array<{ code: string }>).map((f) => f.code);
  const entries = resolveEntries(scenario, units, leafLevels, fieldCodes);
  const entryByRef = new Map(entries.map((e) => [e.reference, e]));
  const stagesDef = scenario.edition.stages;
  const rubric = scenario.edition.rubric;
  const rubricTotal = rubric.reduce((a, c) => a + c.maxPoints, 0);
  const leaves = units.filter((u) => leafLevels.has(u.level) && entries.some((e) => e.unit === u.code));
  const accountCount = options.schoolAccounts ?? scenario.schoolAccounts ?? 'all';
  // Schools with their own account, spread evenly over the tree; the others' files and picks go through their parent's organiser.
  const withAccount = new Set(
    accountCount === 'all'
      ? leaves.map((u) => u.code)
      : leaves.filter((_, i) => Math.floor((i * accountCount) / leaves.length) !== Math.floor(((i + 1) * accountCount) / leaves.length)).map((u) => u.code),
  );
  const organised = new Set<string>([scenario.contest.unit]);
  for (const stage of stagesDef) for (const u of units) if (u.level === stage.levelCode && !leafLevels.has(u.level)) organised.add(u.code);
  for (const leaf of leaves) if (!withAccount.has(leaf.code) && leaf.parent) organised.add(leaf.parent);

  const tokens = new Map<string, string>();
  const tokenOf = async (email: string, pass = password) => {
    if (!tokens.has(email)) tokens.set(email, await api.login(email, pass));
    return tokens.get(email)!;
  };
  const as = (email: string) => ({
    get: async <T = any>(path: string) => api.call<T>('GET', path, { token: await tokenOf(email) }),
    post: async <T = any>(path: string, body: unknown = {}, accept?: number[]) => api.call<T>('POST', path, { token: await tokenOf(email), body, accept }),
    put: async <T = any>(path: string, body: unknown) => api.call<T>('PUT', path, { token: await tokenOf(email), body }),
  });
  const organiserOf = (code: string) => emailOf('btc', code);
  const admin = () => as(options.admin.email);
  const unitIds = new Map<string, string>();
  const idOf = (code: string) => {
    const id = unitIds.get(code.toUpperCase());
    if (!id) throw new Error(`Unit ${code} is not in the tree the API lists`);
    return id;
  };
  const userIds = new Map<string, string>();
  /** Creates an account with its first grant (a repeat run finds it there and reuses it). */
  const createUser = async (by: string, email: string, fullName: string, role: string, unitCode: string) => {
    const created = await as(by).post('/users', { email, fullName, password, grant: { role, unitId: idOf(unitCode) } }, [409]);
    if (created?.id) userIds.set(email, created.id);
    else {
      // A repeat run against the same instance: the account is there already; the administrator finds it by e-mail.
      const found = await admin().get<{ items: Array<{ id: string; email: string }> }>(`/users?email=${encodeURIComponent(email)}`);
      const id = found.items.find((u) => u.email === email)?.id;
      if (!id) throw new Error(`${email} exists but the administrator cannot find it`);
      userIds.set(email, id);
    }
  };
  const mailsBefore = await mailCount(api);

  // ---------------------------------------------------------------- the tree and the accounts
  await phase('units and accounts', async () => {
    tokens.set(options.admin.email, await api.login(options.admin.email, options.admin.password));
    const known = new Set((await admin().get<Array<{ code: string }>>('/unit-levels')).map((l) => l.code));
    for (const level of levels) if (!known.has(level.code)) await admin().post('/unit-levels', level);
    const csv = stringify([['code', 'name', 'level', 'parent_code'], ...units.map((u) => [u.code, u.name, u.level, u.parent ?? ''])]);
    const imported = await api.upload<{ units: Array<{ id: string; code: string }> }>('/units/import', tokens.get(options.admin.email)!, 'don-vi.csv', csv);
    for (const u of imported.units) unitIds.set(u.code.toUpperCase(), u.id);
    await inPool([...organised], concurrency, (code) => createUser(options.admin.email, organiserOf(code), `Ban tổ chức ${unitByCode.get(code)?.name ?? code}`, 'organiser', code));
    await inPool([...withAccount], concurrency, (code) => createUser(options.admin.email, emailOf('truong', code), unitByCode.get(code)!.name, leafRole(unitByCode.get(code)!.level), code));
  });

  // ---------------------------------------------------------------- the contest and its edition
  const contestOrganiser = organiserOf(scenario.contest.unit);
  const { editionId, stages } = await phase('contest and edition', async () => {
    const contest = await as(contestOrganiser).post('/contests', { kind: scenario.contest.kind, name: scenario.contest.name, unitId: idOf(scenario.contest.unit) });
    const now = Date.now();
    const edition = await as(contestOrganiser).post(`/contests/${contest.id}/editions`, {
      registrationOpensAt: new Date(now - DAY).toISOString(),
      registrationClosesAt: new Date(now + 30 * DAY).toISOString(),
      ...scenario.edition,
    });
    await as(contestOrganiser).post(`/editions/${edition.id}/state`, { state: 'registration' });
    const stages = (edition.stages as StageView[]).sort((a, b) => a.position - b.position);
    return { editionId: edition.id as string, stages };
  });

  // ---------------------------------------------------------------- registration: bulk files
  const entryIds = new Map<string, string>();
  const referenceOf = new Map<string, string>();
  await phase('registration (bulk files)', async () => {
    const byUploader = new Map<string, SimEntry[]>();
    for (const e of entries) {
      const uploader = withAccount.has(e.unit) ? emailOf('truong', e.unit) : organiserOf(unitByCode.get(e.unit)?.parent ?? scenario.contest.unit);
      addTo(byUploader, uploader, e);
    }
    // A national season's 150,000 entries are too many to spread into Math.max's arguments.
    const maxAuthors = entries.reduce((most, e) => Math.max(most, e.authors.length), 1);
    const technical = scenario.contest.kind === 'technical';
    const header = ['unit_code', 'reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', ...(technical ? ['created_year'] : [])];
    for (let a = 1; a <= maxAuthors; a++) header.push(`author${a}_name`, ...(technical ? [] : [`author${a}_birth_date`]), `author${a}_class`);
    await inPool([...byUploader], concurrency, async ([uploader, list]) => {
      const rows = list.map((e) => {
        const row = [e.unit, e.reference, e.title, e.field, `${e.title}: mô hình dự thi của ${unitByCode.get(e.unit)?.name ?? e.unit}.`, e.contactName, e.contactEmail];
        if (technical) row.push(String(new Date().getUTCFullYear() - 1));
        for (let a = 0; a < maxAuthors; a++) {
          const author = e.authors[a];
          row.push(author?.fullName ?? '', ...(technical ? [] : [author ? author.birthDate.split('-').reverse().join('/') : '']), author?.classOrJob ?? '');
        }
        return row;
      });
      const result = await api.upload(`/editions/${editionId}/entries/import`, await tokenOf(uploader), 'danh-sach-du-thi.csv', stringify([header, ...rows]));
      for (const e of result.entries as Array<{ reference: string; id: string }>) {
        entryIds.set(e.reference, e.id);
        referenceOf.set(e.id, e.reference);
      }
    });
    if (entryIds.size !== entries.length) throw new Error(`${entryIds.size} of ${entries.length} entries were registered`);
    await as(contestOrganiser).post(`/editions/${editionId}/state`, { state: 'judging' });
  });

  // ---------------------------------------------------------------- the stages, in order
  /** Where each entry is now: its stage (index) and the code of the unit running it there. */
  const firstLevel = stages[0].levelCode;
  let atStage = new Map<string, string>(entries.map((e) => [e.reference, (ancestorAt(e.unit, firstLevel) ?? unitByCode.get(scenario.contest.unit)!).code]));
  const prizeLists: PublishedList[] = [];
  let inResults = false;

  for (let s = 0; s < stages.length; s++) {
    const stage = stages[s];
    const play: StagePlay | undefined = scenario.play[s];
    if (!play || atStage.size === 0) break;
    const label = `${s + 1}. ${stage.name}`;
    const byUnit = new Map<string, SimEntry[]>();
    for (const [ref, unit] of atStage) addTo(byUnit, unit, entryByRef.get(ref)!);
    const score = new Map<string, number>();

    if (stage.judged) {
      const panels = await phase(`${label}: panels formed and assigned`, () => formPanels(s, stage, play.panels, byUnit));
      await phase(`${label}: judges score and confirm`, () => scoreAll(s, play, panels));
      await phase(`${label}: chairs close panels`, async () => {
        await inPool(panels, concurrency, async (panel) => {
          const chair = as(panel.chair);
          const table = await chair.get<ScoreTable>(`/panels/${panel.id}/scores`);
          for (const row of table.entries.filter((r) => r.openFlag)) {
            await chair.post(`/panels/${panel.id}/entries/${row.entryId}/flag/settle`, { action: 'accepted', note: 'Hội đồng thống nhất giữ nguyên điểm.' });
          }
          await chair.post(`/panels/${panel.id}/close`);
          for (const row of (await chair.get<ScoreTable>(`/panels/${panel.id}/scores`)).entries) {
            if (row.score !== null) score.set(referenceOf.get(row.entryId)!, Number(row.score));
          }
        });
      });
    }

    if (play.prizes && stage.prizeScheme) {
      if (!inResults) {
        await as(contestOrganiser).post(`/editions/${editionId}/state`, { state: 'results' });
        inResults = true;
      }
      await phase(`${label}: prize lists published`, () =>
        inPool([...byUnit.keys()], concurrency, async (unit) => {
          const by = as(organiserOf(unit));
          const base = `/stages/${stage.id}/units/${idOf(unit)}`;
          await by.get(`${base}/prize-list/preview`);
          let list = await by.post(`${base}/prize-list`, { objectionDays: play.prizes!.objectionDays ?? 0 });
          if ((play.prizes!.objectionDays ?? 0) === 0) list = await by.post(`/prize-lists/${list.id}/final`);
          const awards = Object.fromEntries((list.entries as Array<{ reference: string; prizeCode: string }>).map((e) => [e.reference, e.prizeCode]));
          prizeLists.push({ stage: s + 1, unit, id: list.id, phase: list.phase, awards });
        }),
      );
    }

    const next = stages[s + 1];
    if (!next || !stage.advancement) break;
    const moved = await phase(`${label}: entries sent up`, () => advance(s, stage, next, play, byUnit, score));
    atStage = moved;
  }

  if (!inResults) await as(contestOrganiser).post(`/editions/${editionId}/state`, { state: 'results' });
  await as(contestOrganiser).post(`/editions/${editionId}/state`, { state: 'closed' });

  const mails = await phase('notifications delivered', async () => {
    if (mailsBefore === null || !(options.mailWaitMs ?? 120_000)) return null;
    return (await settledMailCount(api, options.mailWaitMs ?? 120_000)) - mailsBefore;
  });
  const report = await phase('season report', () => as(contestOrganiser).get(`/editions/${editionId}/report?unitId=${idOf(scenario.reportUnit ?? scenario.contest.unit)}`));
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  return { scenario: scenario.name, editionId, report, phases, prizeLists, mails, requests: api.requests, seconds, mismatches: mismatches(scenario, report, prizeLists) };

  // ---------------------------------------------------------------- judging

  interface Panel {
    id: string;
    unit: string;
    chair: string;
    /** Judge e-mail → the scenario's key for them. */
    judges: Map<string, string>;
  }

  async function formPanels(s: number, stage: StageView, plan: PanelPlan | undefined, byUnit: Map<string, SimEntry[]>): Promise<Panel[]> {
    const window = { scoringOpensAt: new Date(Date.now() - 3600_000).toISOString(), scoringClosesAt: new Date(Date.now() + 10 * DAY).toISOString() };
    const specs: Array<{ unit: string; fields: string[]; judges: JudgeSpec[]; chair: JudgeSpec; name: string; scoreStep?: number }> = [];
    if (Array.isArray(plan)) {
      const judges = new Map((scenario.judges ?? []).map((j) => [j.key, j]));
      for (const p of plan) specs.push({ unit: p.unit, fields: p.fields, judges: p.judges.map((k) => judges.get(k)!), chair: judges.get(p.chair)!, name: p.name ?? `Hội đồng ${p.fields.join(', ')}` });
    } else {
      const per = plan?.per ?? 'unit';
      for (const [unit, list] of byUnit) {
        const pool = plan?.judges ?? stage.judgesPerEntry;
        const judges = Array.from({ length: pool }, (_, j) => ({ key: `gk${s + 1}.${unit}.${j + 1}`, name: `Giám khảo ${j + 1} ${unit}`, unit, bias: undefined as number | undefined }));
        const chair = { key: `ct${s + 1}.${unit}`, name: `Trưởng ban ${unit}`, unit, role: 'chair' as const };
        const fields = fieldCodes.filter((f) => list.some((e) => e.field === f));
        const groups = per === 'field' ? fields.map((f) => [f]) : [fields];
        for (const g of groups) specs.push({ unit, fields: g, judges, chair, name: `Hội đồng ${stage.name} ${unit} ${g.join(', ')}`, scoreStep: plan?.scoreStep });
      }
    }
    const emailOfJudge = (j: JudgeSpec) => (j.key.includes('@') ? j.key : `${j.key.toLowerCase()}@sim.local`);
    const people = new Map<string, { j: JudgeSpec; by: string }>();
    for (const spec of specs) for (const j of [...spec.judges, spec.chair]) people.set(emailOfJudge(j), { j, by: organised.has(spec.unit) ? organiserOf(spec.unit) : options.admin.email });
    await inPool([...people], concurrency, async ([email, { j, by }]) => {
      if (!userIds.has(email)) await createUser(by, email, j.name, j.role === 'chair' || specs.some((p) => p.chair === j) ? 'chair' : 'judge', j.unit);
    });
    const panels: Panel[] = [];
    await inPool(specs, concurrency, async (spec) => {
      const organiser = as(organised.has(spec.unit) ? organiserOf(spec.unit) : options.admin.email);
      const created = await organiser.post(`/stages/${stage.id}/panels`, {
        unitId: idOf(spec.unit),
        name: spec.name,
        fieldCodes: spec.fields,
        ...window,
        ...(spec.scoreStep ? { scoreStep: spec.scoreStep } : {}),
      });
      await seatMembers((path, body) => organiser.post(path, body), created.id, [
        ...spec.judges.map((j) => ({
          userId: userIds.get(emailOfJudge(j))!,
          role: 'judge' as const,
          affiliationUnitId: j.affiliation ? idOf(j.affiliation) : null,
          fieldCodes: j.fields ?? spec.fields,
        })),
        { userId: userIds.get(emailOfJudge(spec.chair))!, role: 'chair' },
      ]);
      // Explicit scores name the judges of an entry: the organiser pins them to it, and the assignment fills the rest.
      const explicit = scenario.play[s]?.scores ?? {};
      const pins = (byUnit.get(spec.unit) ?? [])
        .filter((x) => spec.fields.includes(x.field) && explicit[x.reference])
        .map((e) => ({ entryId: entryIds.get(e.reference)!, judgeIds: spec.judges.filter((j) => j.key in explicit[e.reference]).map((j) => userIds.get(emailOfJudge(j))!) }));
      await pinJudges((path, body) => organiser.put(path, body), created.id, pins);
      await organiser.post(`/panels/${created.id}/assignment`);
      panels.push({ id: created.id, unit: spec.unit, chair: emailOfJudge(spec.chair), judges: new Map(spec.judges.map((j) => [emailOfJudge(j), j.key])) });
    });
    return panels;
  }

  async function scoreAll(s: number, play: StagePlay, panels: Panel[]): Promise<void> {
    const judgesByKey = new Map((scenario.judges ?? []).map((j) => [j.key, j]));
    const sheets: Array<{ panel: Panel; email: string; key: string; entryId: string; version: number; step: number }> = [];
    await inPool(
      panels.flatMap((panel) => [...panel.judges].map(([email, key]) => ({ panel, email, key }))),
      concurrency,
      async ({ panel, email, key }) => {
        const view = await as(email).get<{ scoreStep: number }>(`/panels/${panel.id}`);
        for (const e of await as(email).get<Array<{ entryId: string; sheet: { version: number; status: string } }>>(`/panels/${panel.id}/entries`)) {
          if (e.sheet.status !== 'confirmed') sheets.push({ panel, email, key, entryId: e.entryId, version: e.sheet.version, step: view.scoreStep });
        }
      },
    );
    await inPool(interleaveByJudge(sheets), options.judgesAtOnce ?? concurrency, async ({ panel, email, key, entryId, version, step }) => {
      const entry = entryByRef.get(referenceOf.get(entryId)!)!;
      const given = play.scores?.[entry.reference]?.[key];
      const points =
        typeof given === 'object'
          ? given
          : splitTotal(given ?? modelTotal(scenario.scoreModel, seed, s, entry, key, judgeBias(scenario, key, judgesByKey.get(key)?.bias), rubricTotal, step), rubric, step);
      const judge = as(email);
      const saved = await judge.put<{ version: number }>(`/panels/${panel.id}/entries/${entryId}/sheet`, { version, points });
      await judge.post(`/panels/${panel.id}/entries/${entryId}/sheet/confirm`, { version: saved.version });
    });
  }

  // ---------------------------------------------------------------- advancement

  async function advance(s: number, stage: StageView, next: StageView, play: StagePlay, byUnit: Map<string, SimEntry[]>, score: Map<string, number>): Promise<Map<string, string>> {
    const select = play.select;
    const unitsHere = [...byUnit.keys()];
    const merit = (e: SimEntry) => (stage.judged ? (score.get(e.reference) ?? -1) : e.quality);
    const quota =
      select?.total !== undefined
        ? shareOut(
            select.total,
            unitsHere.map((u) => byUnit.get(u)!.length),
          )
        : unitsHere.map((u) => Math.min(select?.perUnit ?? 0, byUnit.get(u)!.length));
    const moved = new Map<string, string>();
    const bySchool = !stage.judged && (select?.by ?? 'school') === 'school';
    if (bySchool) {
      // The schools' organisers open a pick window once for the schools under them.
      const now = Date.now();
      const parents = [
        ...new Set(
          unitsHere
            .filter((u) => withAccount.has(u))
            .map((u) => unitByCode.get(u)?.parent)
            .filter((p): p is string => !!p && organised.has(p)),
        ),
      ];
      await inPool(parents, concurrency, (parent) =>
        as(organiserOf(parent)).put(`/stages/${stage.id}/units/${idOf(parent)}/pick-window`, { opensAt: new Date(now - 3600_000).toISOString(), closesAt: new Date(now + 7 * DAY).toISOString() }),
      );
    }
    // Who sends each unit's entries up, and which: a school with its own account calls for itself; an organiser
    // sends up every unit it acts for in one call.
    const byCaller = new Map<string, Array<{ unit: string; picks: UnitPicks }>>();
    unitsHere.forEach((unit, u) => {
      const list = byUnit.get(unit)!;
      let picks: string[] | undefined;
      if (select?.entries) picks = list.filter((e) => select.entries!.includes(e.reference)).map((e) => e.reference);
      else if (select)
        picks = [...list]
          .sort((a, b) => merit(b) - merit(a) || a.reference.localeCompare(b.reference))
          .slice(0, quota[u])
          .map((e) => e.reference);
      if (picks && !picks.length) return;
      const by = bySchool && withAccount.has(unit) ? emailOf('truong', unit) : organised.has(unit) ? organiserOf(unit) : organiserOf(unitByCode.get(unit)?.parent ?? scenario.contest.unit);
      const caller = byCaller.get(by) ?? byCaller.set(by, []).get(by)!;
      caller.push({ unit, picks: { unitId: idOf(unit), ...(picks ? { entryIds: picks.map((r) => entryIds.get(r)!) } : {}) } });
    });
    const sentUp = (unit: string, ids: string[]) => {
      const to = ancestorAt(unit, next.levelCode)?.code;
      if (!to) throw new Error(`${unit} has no unit of level ${next.levelCode} above it`);
      for (const id of ids) moved.set(referenceOf.get(id)!, to);
    };
    await inPool([...byCaller], concurrency, async ([by, list]) => {
      if (list.length === 1) {
        const [{ unit, picks }] = list;
        const result = await as(by).post(`/stages/${stage.id}/units/${picks.unitId}/advancement`, picks.entryIds ? { entryIds: picks.entryIds } : {});
        sentUp(unit, [...result.moved, ...result.alreadyAdvanced]);
        // A count is a maximum: the entries tied at the cut stay behind together, and the unit sends fewer up.
        const tied = (result.lines as Array<{ outcome: string }>).filter((line) => line.outcome === 'tie_at_cut').length;
        if (tied) log(`  ${unit}: ${tied} entries tied at the cut stay behind, ${result.moved.length + result.alreadyAdvanced.length} go up`);
        return;
      }
      const codeOf = new Map(list.map((l) => [l.picks.unitId, l.unit]));
      const results = await advanceInBulk(
        (path, body) => as(by).post(path, body),
        stage.id,
        list.map((l) => l.picks),
      );
      for (const r of results) sentUp(codeOf.get(r.unitId)!, [...r.moved, ...r.alreadyAdvanced]);
    });
    return moved;
  }
}

/** The judges' sheets in turns (each judge's first, then each one's second…), so judges score side by side, one sheet each at a time. */
function interleaveByJudge<T extends { email: string }>(sheets: T[]): T[] {
  const byJudge = new Map<string, T[]>();
  for (const sheet of sheets) (byJudge.get(sheet.email) ?? byJudge.set(sheet.email, []).get(sheet.email)!).push(sheet);
  const queues = [...byJudge.values()];
  const out: T[] = [];
  for (let turn = 0; out.length < sheets.length; turn++) for (const queue of queues) if (turn < queue.length) out.push(queue[turn]);
  return out;
}

function leafRole(level: string): string {
  return level === 'organisation' ? 'organisation' : 'school';
}

/** Mails in the development mailbox; null when the instance sends real mail (no mailbox route). */
async function mailCount(api: Api): Promise<number | null> {
  try {
    return (await api.call<{ total: number }>('GET', '/dev/mailbox?pageSize=1')).total;
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) return null;
    throw error;
  }
}

/** The mailbox's count once it has stopped growing for a few seconds (the outbox relay and mail workers caught up). */
async function settledMailCount(api: Api, maxWaitMs: number): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const now = (await mailCount(api)) ?? 0;
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 3000 || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** What the report and the published lists show against what the scenario expects. */
export function mismatches(scenario: Scenario, report: any, lists: PublishedList[]): string[] {
  const out: string[] = [];
  const want = scenario.expect;
  if (!want) return out;
  // Objects compare by content, whatever the order of their keys.
  const canonical = (x: unknown): unknown =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, canonical(v)]),
        )
      : x;
  const check = (what: string, actual: unknown, expected: unknown) => {
    const [a, e] = [JSON.stringify(canonical(actual)), JSON.stringify(canonical(expected))];
    if (expected !== undefined && a !== e) out.push(`${what}: expected ${e}, got ${a}`);
  };
  check('units taking part', report.unitsTakingPart, want.unitsTakingPart);
  check('entries registered', report.entriesRegistered, want.entriesRegistered);
  check('achievement against plan, %', report.achievementPercent, want.achievementPercent);
  check(
    'entries per stage',
    report.stages.map((st: any) => st.entries),
    want.stageEntries,
  );
  check(
    'entries sent up per stage',
    report.stages.map((st: any) => st.sentUp),
    want.sentUp,
  );
  for (const [position, byLevel] of Object.entries(want.prizes ?? {})) {
    const stage = report.stages.find((st: any) => String(st.position) === position);
    for (const [code, expected] of Object.entries(byLevel)) {
      const level = stage?.prizes.byLevel.find((l: any) => l.code === code);
      check(`stage ${position} prize ${code}`, typeof expected === 'number' ? (level?.count ?? 0) : (level?.byField ?? {}), expected);
    }
  }
  for (const [position, expected] of Object.entries(want.prizeList ?? {})) {
    const actual: Record<string, string> = Object.assign({}, ...lists.filter((l) => String(l.stage) === position).map((l) => l.awards));
    check(`stage ${position} prize list`, actual, expected);
  }
  return out;
}

/** The report as organisers quote it, and the time each phase took. */
export function formatSeason(result: SeasonResult): string {
  const r = result.report;
  const n = (x: number) => x.toLocaleString('en');
  const lines = [
    `Season report: ${r.edition.contestName}, lần thứ ${r.edition.number} (${r.edition.seasonLabel}), ${r.unit.name}`,
    `  units taking part      ${n(r.unitsTakingPart)}`,
    `  entries registered     ${n(r.entriesRegistered)}${r.edition.plannedEntries ? ` against a plan of ${n(r.edition.plannedEntries)} (${r.achievementPercent}%)` : ''}`,
  ];
  for (const st of r.stages) {
    lines.push(
      `  stage ${st.position} ${st.name}: ${n(st.entries)} entries, ${n(st.sentUp)} sent up${st.prizes.byLevel.length ? `, ${n(st.prizes.total)} prizes (${n(st.prizes.prizeMoney)} VND)` : ''}`,
    );
    for (const level of st.prizes.byLevel) {
      const fields = Object.entries(level.byField as Record<string, number>)
        .map(([f, c]) => `${f} ${c}`)
        .join(', ');
      lines.push(`      ${level.name.padEnd(24)} ${String(level.count).padStart(4)}${fields ? `  (${fields})` : ''}`);
    }
  }
  lines.push(`  prize money            ${n(r.prizeMoney)} VND`, '', 'Phases:');
  const width = Math.max(...result.phases.map((p) => p.phase.length));
  for (const p of result.phases) lines.push(`  ${p.phase.padEnd(width)}  ${p.seconds.toFixed(2).padStart(8)} s  ${n(p.requests).padStart(9)} requests`);
  lines.push(`  ${'total'.padEnd(width)}  ${result.seconds.toFixed(2).padStart(8)} s  ${n(result.requests).padStart(9)} requests`);
  if (result.mails !== null) lines.push(`Mails delivered to the development mailbox: ${n(result.mails)}`);
  lines.push(result.mismatches.length ? `Expectations NOT met:\n${result.mismatches.map((m) => `  - ${m}`).join('\n')}` : result.report && 'Expectations of the scenario: all met');
  return lines.join('\n');
}

/** Appends to the key's list in place: copying the list on every entry is quadratic in a national season. */
function addTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
