import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Aggregation, PrizeScheme } from '../../src/contests/edition.types';
import { aggregateTotals, formatHundredths, toHundredths } from '../../src/judging/aggregation';
import { assignJudges } from '../../src/judging/assignment';
import { allocatePrizes } from '../../src/results/allocation';
import { DEFAULT_LEVELS, judgeBias, modelTotal, resolveEntries, resolveUnits, SimEntry, splitTotal } from './generate';
import { checkScenario, loadScenario, Scenario, ScenarioError } from './scenario';

const SCENARIOS = join(__dirname, '..', '..', 'scenarios');
const shipped = (name: string) => loadScenario(join(SCENARIOS, `${name}.json`));

describe('scenario check', () => {
  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')))('accepts the shipped scenario %s', (file) => {
    expect(() => loadScenario(join(SCENARIOS, file))).not.toThrow();
  });

  it('refuses a judge pool larger than the judges per entry when the prizes of that stage are expected', () => {
    const scenario = shipped('binh-thuan-2022');
    const wider = { ...scenario, play: [{ ...scenario.play[0], panels: { per: 'field', judges: 4 } }, ...scenario.play.slice(1)] };
    expect(() => checkScenario(wider)).toThrow(ScenarioError);
    expect(() => checkScenario(wider)).toThrow(/play\[0\]\.panels\.judges \(4\) exceeds the stage's 3 judges per entry/);
  });

  it('lets a wider pool play when no prize is expected of it', () => {
    const scenario = shipped('binh-thuan-2022');
    const wider = { ...scenario, play: [{ ...scenario.play[0], panels: { per: 'field', judges: 4 } }], expect: { ...scenario.expect, prizes: undefined } };
    expect(() => checkScenario(wider)).not.toThrow();
  });
});

/**
 * What the simulator's judges give each entry at the first stage, scored by the judges the assignment picks when the
 * database draws `ids` for entries and judges, and the prize counts that follows (as judging aggregates and results
 * allocates).
 */
function firstStagePrizes(scenario: Scenario): string {
  const units = resolveUnits(scenario);
  const leaf = new Set((scenario.levels ?? DEFAULT_LEVELS).filter((l) => l.isLeaf).map((l) => l.code));
  const fields = (scenario.edition.fields as Array<{ code: string }>).map((f) => f.code);
  const stage = scenario.edition.stages[0] as unknown as { judgesPerEntry: number; aggregation: Aggregation; tieBreak: string[]; prizeScheme: PrizeScheme };
  const plan = scenario.play[0].panels as { judges?: number };
  const keys = Array.from({ length: plan.judges ?? stage.judgesPerEntry }, (_, j) => `gk1.${scenario.contest.unit}.${j + 1}`);
  const judgeIds = new Map<string, string>(keys.map((key) => [randomUUID(), key]));
  const rubric = scenario.edition.rubric;
  const rubricTotal = rubric.reduce((a, c) => a + c.maxPoints, 0);
  const entries = new Map<string, SimEntry>(resolveEntries(scenario, units, leaf, fields).map((e) => [randomUUID(), e]));
  const scored = fields.flatMap((field) => {
    const mine = [...entries].filter(([, e]) => e.field === field);
    const result = assignJudges({
      entries: mine.map(([id]) => ({ id, fieldCode: field, unitPath: `/${id}/` })),
      judges: [...judgeIds.keys()].map((id) => ({ id, affiliationPath: null, fieldCodes: [field], active: true })),
      stageUnitPath: '/',
      judgesPerEntry: stage.judgesPerEntry,
    });
    if (!result.ok) throw new Error('the panel cannot be assigned');
    return result.assignments.map(({ entryId, judgeIds: seated }) => {
      const sheets = seated.map((judgeId) => {
        const key = judgeIds.get(judgeId)!;
        return splitTotal(modelTotal(scenario.scoreModel, scenario.seed ?? 1, 0, entries.get(entryId)!, key, judgeBias(scenario, key), rubricTotal, 0.5), rubric, 0.5);
      });
      const mean = (values: number[]) =>
        Number(
          formatHundredths(
            aggregateTotals(
              values.map((v) => toHundredths(v)!),
              stage.aggregation,
            )!,
          ),
        );
      const criteria = Object.fromEntries(stage.tieBreak.map((code) => [code, mean(sheets.map((s) => s[code]))]));
      return { entryId, fieldCode: field, score: mean(sheets.map((s) => Object.values(s).reduce((a, b) => a + b, 0))), criteria };
    });
  });
  const list = allocatePrizes(scored, stage.tieBreak, stage.prizeScheme);
  return stage.prizeScheme.levels.map((level) => list.entries.filter((e) => e.prize === level.code).length).join('/');
}

describe('a scenario season is the same on every run', () => {
  it('gives Bình Thuận 2022 its 0/2/3/10 prizes whatever ids the database draws', () => {
    const scenario = shipped('binh-thuan-2022');
    const seen = new Set(Array.from({ length: 25 }, () => firstStagePrizes(scenario)));
    expect([...seen]).toEqual(['0/2/3/10']);
  });
});
