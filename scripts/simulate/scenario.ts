/**
 * The scenario file of `npm run simulate`: what a season holds (units, accounts, the edition, entries, judges, scores)
 * and how it is played, stated explicitly or asked to be generated. The README documents it with an example.
 */
import { readFileSync } from 'node:fs';

export interface LevelSpec {
  code: string;
  name: string;
  rank: number;
  isLeaf?: boolean;
}

export interface UnitSpec {
  code: string;
  name: string;
  level: string;
  parent?: string;
}

/** Children generated under every unit of level `under`: `perParent` each, or `total` spread evenly. */
export interface UnitGeneration {
  level: string;
  under: string;
  perParent?: number;
  total?: number;
  /** Name of the n-th child; `{n}` and `{parent}` (the parent's name) are replaced. */
  name?: string;
}

export interface EntrySpec {
  reference: string;
  /** Code of the registering unit (a school or organisation). */
  unit: string;
  field: string;
  title?: string;
  /** True merit on the rubric's scale, for the score model and for schools' own screening. */
  quality?: number;
}

export interface EntryGeneration {
  total: number;
  /** Relative weight of each field code; every field weighs 1 when left out. */
  fieldWeights?: Record<string, number>;
  /** Fewest and most authors per entry. */
  authors?: [number, number];
}

export interface JudgeSpec {
  /** How the scenario names the judge in panels and scores. */
  key: string;
  name: string;
  /** The unit of the judge's grant (at or under the panel's unit). */
  unit: string;
  role?: 'judge' | 'chair';
  affiliation?: string;
  fields?: string[];
  /** Points this judge adds to every total of the score model (explicit scores are taken as they are). */
  bias?: number;
}

export interface Normal {
  mean?: number;
  sd: number;
  min?: number;
  max?: number;
}

export interface ScoreModel {
  quality: Normal;
  judgeBias?: { sd: number };
  noise?: { sd: number };
}

/** Explicit panels, or panels the simulator forms at every unit of the stage's level that has entries there. */
export type PanelPlan = Array<{ unit: string; fields: string[]; judges: string[]; chair: string; name?: string }> | { per: 'unit' | 'field'; judges?: number; scoreStep?: 0.25 | 0.5 | 1 };

export interface SelectPlan {
  /** Entries sent up, by reference (explicit). */
  entries?: string[];
  /** Entries sent up over all units of the stage, shared out in proportion to each unit's entries. */
  total?: number;
  perUnit?: number;
  /** Who confirms an unjudged stage's picks: the school itself (when it has an account) or its organiser. */
  by?: 'school' | 'organiser';
}

export interface StagePlay {
  panels?: PanelPlan;
  /** Per entry reference, per judge key: a total (split over the rubric) or points per criterion. */
  scores?: Record<string, Record<string, number | Record<string, number>>>;
  /** Publish the stage's prize lists; `objectionDays` 0 makes them final at once. */
  prizes?: { objectionDays?: number };
  /** How entries go up; left out, the stage's own rule decides (nothing is sent from a pick stage). */
  select?: SelectPlan;
}

export interface Expectation {
  unitsTakingPart?: number;
  entriesRegistered?: number;
  achievementPercent?: number | null;
  /** Entries at each stage, in order. */
  stageEntries?: number[];
  /** Entries sent up from each stage, in order. */
  sentUp?: number[];
  /** Per stage position (1-based, as text), per prize level code: the count, or per field code counts. */
  prizes?: Record<string, Record<string, number | Record<string, number>>>;
  /** Per stage position: prize code of each entry reference that must be awarded (no other entry is). */
  prizeList?: Record<string, Record<string, string>>;
}

export interface Scenario {
  name: string;
  description?: string;
  seed?: number;
  /** Password of every account the simulator creates (at least 10 characters). */
  password?: string;
  levels?: LevelSpec[];
  units?: UnitSpec[];
  generate?: { units?: UnitGeneration[]; entries?: EntryGeneration };
  contest: { kind: 'youth' | 'technical'; name: string; unit: string };
  /** The edition's definition as `POST /contests/{id}/editions` takes it; the registration window defaults to around now. */
  edition: Record<string, unknown> & { stages: Array<Record<string, unknown> & { levelCode: string; judged: boolean }>; rubric: Array<{ code: string; maxPoints: number }> };
  entries?: EntrySpec[];
  judges?: JudgeSpec[];
  scoreModel?: ScoreModel;
  /** Schools with an account of their own (they register and pick themselves); the rest go through their organiser. Default: all. */
  schoolAccounts?: 'all' | number;
  /** One per stage, in order; a stage without one (or without entries) is not played. */
  play: StagePlay[];
  /** The unit whose season report is printed (default: the contest's unit). */
  reportUnit?: string;
  expect?: Expectation;
}

export class ScenarioError extends Error {}

/** Reads and checks a scenario file (JSON), naming the first thing wrong with it. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`${path}: not a readable JSON file (${(error as Error).message})`);
  }
  return checkScenario(raw, path);
}

export function checkScenario(raw: unknown, where = 'scenario'): Scenario {
  const fail = (field: string, reason: string): never => {
    throw new ScenarioError(`${where}: ${field} ${reason}`);
  };
  if (!raw || typeof raw !== 'object') fail('(top level)', 'must be an object');
  const s = raw as Scenario;
  if (typeof s.name !== 'string' || !s.name) fail('name', 'must be a non-empty string');
  if (!s.contest || typeof s.contest.name !== 'string' || typeof s.contest.unit !== 'string') fail('contest', 'must give kind, name and unit');
  if (!s.edition || !Array.isArray(s.edition.stages) || !s.edition.stages.length) fail('edition.stages', 'must list at least one stage');
  if (!Array.isArray(s.edition.rubric) || !s.edition.rubric.length) fail('edition.rubric', 'must list at least one criterion');
  if (!Array.isArray(s.play)) fail('play', 'must be an array with one entry per stage');
  if (s.play.length > s.edition.stages.length) fail('play', `has ${s.play.length} entries for ${s.edition.stages.length} stages`);
  if (!s.entries?.length && !s.generate?.entries) fail('entries', 'or generate.entries is needed');
  if (s.generate?.entries && !(s.generate.entries.total > 0)) fail('generate.entries.total', 'must be a positive number');
  if (s.password !== undefined && (typeof s.password !== 'string' || s.password.length < 10)) fail('password', 'must have at least 10 characters');
  if (s.schoolAccounts !== undefined && s.schoolAccounts !== 'all' && !(Number.isInteger(s.schoolAccounts) && s.schoolAccounts >= 0)) {
    fail('schoolAccounts', 'must be "all" or a whole number');
  }
  const judgeKeys = new Set((s.judges ?? []).map((j) => j.key));
  s.play.forEach((play, i) => {
    const stage = s.edition.stages[i];
    if (play.panels && !stage.judged) fail(`play[${i}].panels`, 'is for judged stages only');
    if (Array.isArray(play.panels)) {
      play.panels.forEach((panel, p) => {
        for (const key of [...panel.judges, panel.chair]) if (!judgeKeys.has(key)) fail(`play[${i}].panels[${p}]`, `names judge "${key}", who is not in judges`);
      });
    }
    for (const [reference, byJudge] of Object.entries(play.scores ?? {})) {
      for (const key of Object.keys(byJudge)) {
        if (Array.isArray(play.panels) && !judgeKeys.has(key)) fail(`play[${i}].scores.${reference}`, `names judge "${key}", who is not in judges`);
      }
    }
    if (play.select && [play.select.entries, play.select.total, play.select.perUnit].filter((x) => x !== undefined).length !== 1) {
      fail(`play[${i}].select`, 'must give exactly one of entries, total or perUnit');
    }
  });
  // The seed fixes a judge's generated total for an entry, not which judges get the entry: with more judges than
  // each entry needs, the assignment chooses by the ids the database draws, so scores, ranks and prizes differ
  // from run to run (a tie straddling a prize's quota comes and goes), and an expected prize cannot hold every time.
  const expected = Math.max(0, ...Object.keys({ ...s.expect?.prizes, ...s.expect?.prizeList }).map(Number));
  s.play.slice(0, expected).forEach((play, i) => {
    const pool = play.panels && !Array.isArray(play.panels) ? play.panels.judges : undefined;
    const perEntry = s.edition.stages[i].judgesPerEntry;
    if (pool !== undefined && typeof perEntry === 'number' && pool > perEntry) {
      fail(
        `play[${i}].panels.judges`,
        `(${pool}) exceeds the stage's ${perEntry} judges per entry: each entry's judges, so its scores and the prizes, would follow ids the database draws, and expect.prizes of stage ${expected} could not hold on every run (give ${perEntry} judges, or drop the prize expectations)`,
      );
    }
  });
  return s;
}
