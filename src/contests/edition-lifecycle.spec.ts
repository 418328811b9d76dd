import { socTrang2017 } from '../../test/support/fixtures';
import { EDITION_STATES, editionChangeProblems, EditionState, frozenPaths, resultsActionProblem, transitionProblems } from './edition-lifecycle';
import type { EditionDefinition } from './edition.types';

const definition = socTrang2017;

const changed = (change: (d: EditionDefinition) => void) => {
  const after = definition();
  change(after);
  return after;
};
const frozenIn = (change: (d: EditionDefinition) => void) =>
  Object.fromEntries(EDITION_STATES.map((state) => [state, editionChangeProblems(definition(), changed(change), state).map((p) => p.field)]));

describe('resultsActionProblem', () => {
  it('publishes prize lists only in results, and moves entries up only in judging or results', () => {
    const allowed = (action: 'publish' | 'advance') => EDITION_STATES.filter((state) => resultsActionProblem(action, state, false) === null);
    expect(allowed('publish')).toEqual(['results']);
    expect(allowed('advance')).toEqual(['judging', 'results']);
    expect(resultsActionProblem('publish', 'judging', false)).toEqual({ code: 'PUBLISH_NOT_IN_STATE', params: { state: 'judging' } });
    expect(resultsActionProblem('advance', 'registration', false)).toEqual({ code: 'ADVANCE_NOT_IN_STATE', params: { state: 'registration' } });
  });

  it('refuses both on an archived edition, whatever its state', () => {
    for (const state of EDITION_STATES) {
      expect(resultsActionProblem('publish', state, true)?.code).toBe('EDITION_ARCHIVED');
      expect(resultsActionProblem('advance', state, true)?.code).toBe('EDITION_ARCHIVED');
    }
  });
});

describe('transitionProblems', () => {
  it('moves one step forward only', () => {
    const allowed = EDITION_STATES.flatMap((from) => EDITION_STATES.filter((to) => transitionProblems(from, to, false).length === 0).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['draft→registration', 'registration→judging', 'judging→results', 'results→closed']);
  });

  it('says where the edition can go instead', () => {
    expect(transitionProblems('draft', 'judging', false)).toEqual([expect.objectContaining({ field: 'state', reason: 'from draft the edition can only move to registration' })]);
    expect(transitionProblems('closed', 'draft', false)).toEqual([expect.objectContaining({ field: 'state', reason: 'a closed edition stays closed' })]);
    expect(transitionProblems('judging', 'judging', false)[0].reason).toMatch(/already in state judging/);
  });

  it('moves no archived edition', () => {
    for (const from of EDITION_STATES) for (const to of EDITION_STATES) expect(transitionProblems(from, to, true)).toHaveLength(1);
  });
});

describe('editionChangeProblems', () => {
  const none: Record<EditionState, string[]> = { draft: [], registration: [], judging: [], results: [], closed: [] };

  it('lets names, money and minimums change until the edition closes', () => {
    expect(frozenIn((d) => (d.fields[0].name = 'Đồ dùng học tập'))).toEqual(none);
    expect(frozenIn((d) => (d.stages[2].prizeScheme!.levels[1].prizeMoney = 3_500_000))).toEqual({ ...none, closed: ['stages[2]'] });
    expect(frozenIn((d) => (d.stages[2].prizeScheme!.levels[1].minScore = 75))).toEqual({ ...none, closed: ['stages[2]'] });
  });

  it('freezes fields, rubric, judging rules and registration rules from judging on', () => {
    const fromJudging = (field: string) => ({ ...none, judging: [field], results: [field], closed: [field] });
    expect(frozenIn((d) => d.fields.push({ code: 'XX', name: 'Khác' }))).toEqual(fromJudging('fields'));
    expect(frozenIn((d) => (d.rubric[0].maxPoints = 25))).toEqual(fromJudging('rubric'));
    expect(frozenIn((d) => (d.rubric[0].code = 'creativity'))).toEqual(fromJudging('rubric'));
    expect(frozenIn((d) => (d.maxAuthors = 3))).toEqual(fromJudging('maxAuthors'));
    expect(frozenIn((d) => (d.registrationClosesAt = new Date('2017-08-15T17:00:00+07:00')))).toEqual(fromJudging('registrationClosesAt'));
    expect(frozenIn((d) => (d.stages[1].judgesPerEntry = 5))).toEqual(fromJudging('stages[1]'));
    expect(frozenIn((d) => (d.stages[2].aggregation = 'mean'))).toEqual(fromJudging('stages[2]'));
  });

  it('freezes tie-breaks and prize-level codes from results on', () => {
    const fromResults = (field: string) => ({ ...none, results: [field], closed: [field, 'stages[2]'] });
    expect(frozenIn((d) => (d.stages[2].tieBreak = ['science']))).toEqual(fromResults('stages[2].tieBreak'));
    expect(frozenIn((d) => (d.stages[2].prizeScheme!.levels[0].code = 'dac-biet'))).toEqual(fromResults('stages[2].prizeScheme.levels'));
  });

  it('freezes the rubric, judges per entry, aggregation and re-judging mode of a stage with confirmed scores, even before judging', () => {
    const district = definition().stages[1].levelCode;
    const scored = (change: (d: EditionDefinition) => void) => editionChangeProblems(definition(), changed(change), 'registration', new Set([district]));
    expect(scored((d) => (d.stages[1].judgesPerEntry = 5))).toEqual([
      expect.objectContaining({ field: 'stages[1]', code: 'FROZEN_BY_SCORES', reason: `cannot change once the stage at level ${district} has confirmed scores` }),
    ]);
    expect(scored((d) => (d.stages[1].aggregation = 'trimmed_mean')).map((p) => p.field)).toEqual(['stages[1]']);
    expect(scored((d) => (d.rubric[0].maxPoints = 25)).map((p) => p.field)).toEqual(['rubric']);
    expect(scored((d) => (d.stages[1].rejudgeMode = 'replace')).map((p) => p.field)).toEqual(['stages[1]']);
    expect(scored((d) => (d.stages[1].rejudgeMode = 'join'))).toEqual([]);
    expect(scored((d) => (d.stages[1].name = 'Vòng huyện'))).toEqual([]);
    expect(scored((d) => (d.stages[2].judgesPerEntry = 5))).toEqual([]);
  });

  it('compares codes without case and stored JSON without key order', () => {
    const after = changed((d) => {
      d.fields[0].code = d.fields[0].code.toLowerCase();
      d.eligibility = { bornTo: '2014-07-31', bornFrom: '2001-07-31', kind: 'youth' } as never;
    });
    expect(editionChangeProblems(definition(), after, 'judging')).toEqual([]);
  });
});

describe('frozenPaths', () => {
  const frozen = (state: EditionState, scored: string[] = []) => frozenPaths(definition(), state, new Set(scored));

  it('freezes nothing of a draft or a registration', () => {
    expect(frozen('draft')).toEqual([]);
    expect(frozen('registration')).toEqual([]);
  });

  it('from judging, freezes the rubric, fields, registration rules and how stages judge, but not names, money or quotas', () => {
    const paths = frozen('judging');
    expect(paths).toEqual(
      expect.arrayContaining([
        'fields[]',
        'fields[0].code',
        'rubric[]',
        'rubric[0].maxPoints',
        'rubric[0].code',
        'registrationOpensAt',
        'eligibility.bornFrom',
        'maxAuthors',
        'stages[]',
        'stages[1].judgesPerEntry',
        'stages[1].levelCode',
      ]),
    );
    expect(paths).not.toEqual(expect.arrayContaining(['rubric[0].name']));
    for (const editable of [
      'rubric[0].name',
      'fields[0].name',
      'stages[1].name',
      'stages[2].prizeScheme.levels[0].prizeMoney',
      'stages[2].prizeScheme.levels[0].quota',
      'stages[2].prizeScheme.levels[0].code',
      'number',
      'seasonLabel',
    ])
      expect(paths).not.toContain(editable);
  });

  it('from results, freezes prize-level codes and tie-breaks too; a closed edition keeps all but names', () => {
    const results = frozen('results');
    expect(results).toEqual(expect.arrayContaining(['stages[2].prizeScheme.levels[]', 'stages[2].prizeScheme.levels[0].code', 'stages[1].tieBreak[]']));
    expect(results).not.toContain('stages[2].prizeScheme.levels[0].prizeMoney');
    const closed = frozen('closed');
    expect(closed).toEqual(expect.arrayContaining(['number', 'plannedEntries', 'stages[2].prizeScheme.levels[0].prizeMoney', 'stages[1].advancement.kind']));
    for (const editable of ['seasonLabel', 'stages[1].name', 'rubric[0].name', 'fields[0].name']) expect(closed).not.toContain(editable);
  });

  it("freezes a scored level's judging and the rubric before judging starts", () => {
    const level = definition().stages[1].levelCode;
    const paths = frozen('registration', [level]);
    expect(paths).toEqual(expect.arrayContaining(['rubric[]', 'rubric[0].maxPoints', 'stages[1].judgesPerEntry']));
    for (const editable of ['rubric[0].name', 'stages[2].judgesPerEntry', 'stages[1].discrepancySpread', 'fields[]']) expect(paths).not.toContain(editable);
  });

  it('keeps a stage whose level has confirmed scores from being removed, while the other stages may go', () => {
    const paths = frozen('registration', ['district']);
    expect(paths).toContain('stages[1]:remove');
    for (const removable of ['stages[]', 'stages[0]:remove', 'stages[2]:remove']) expect(paths).not.toContain(removable);
    const without = (i: number) => changed((d) => d.stages.splice(i, 1));
    expect(editionChangeProblems(definition(), without(1), 'registration', new Set(['district'])).map((p) => p.field)).toEqual(['stages']);
    expect(editionChangeProblems(definition(), without(0), 'registration', new Set(['district']))).toEqual([]);
  });

  it('from results, keeps a stage without prizes from starting to award them', () => {
    const level = { code: 'nhat', name: 'Giải Nhất', quotaKind: 'count' as const, quota: 1, minScore: 80, scope: 'stage' as const, prizeMoney: 0 };
    const withPrizes = changed((d) => (d.stages[1].prizeScheme = { levels: [level], tiePolicy: 'all_get_level', passUnusedQuotaDown: false }));
    expect(editionChangeProblems(definition(), withPrizes, 'results').map((p) => p.field)).toEqual(['stages[1].prizeScheme.levels']);
    expect(frozen('results')).toEqual(expect.arrayContaining(['stages[0].prizeScheme', 'stages[1].prizeScheme']));
    expect(editionChangeProblems(definition(), withPrizes, 'judging')).toEqual([]);
    expect(frozen('judging')).not.toContain('stages[1].prizeScheme');
  });

  it('names only what PUT refuses: changing any path it leaves out is accepted', () => {
    for (const state of EDITION_STATES) {
      const paths = new Set(frozen(state));
      for (const path of ['seasonLabel', 'rubric[0].name', 'fields[0].name', 'stages[0].name']) {
        expect(paths.has(path)).toBe(false);
        const after = definition();
        const [list, index, key] = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path)?.slice(1) ?? [];
        if (list) (after as unknown as Record<string, Array<Record<string, string>>>)[list][Number(index)][key] += '~';
        else after.seasonLabel += '~';
        expect(editionChangeProblems(definition(), after, state)).toEqual([]);
      }
    }
  });
});
