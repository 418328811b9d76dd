import fc from 'fast-check';
import { assignJudges, PanelEntry, PanelJudge } from './assignment';
import { CountedSheet, cuspEntries, earlierJudges, entryProblems, roundedAssignment, RoundSheet, settledScores } from './rejudge';

const sheet = (entryId: string, judgeId: string, total: number | null, extra: Partial<CountedSheet> = {}): CountedSheet => ({
  entryId,
  judgeId,
  status: total === null ? 'draft' : 'confirmed',
  active: true,
  round: 1,
  total,
  ...extra,
});

describe('settled scores', () => {
  it('scores an entry once its k counting sheets are confirmed and no flag is open, by the stage’s aggregation', () => {
    const sheets = [
      sheet('a', 'j1', 8000),
      sheet('a', 'j2', 8200),
      sheet('a', 'j3', 8500),
      sheet('b', 'j1', 7000),
      sheet('b', 'j2', null),
      sheet('b', 'j3', 7000),
      sheet('c', 'j1', 6000),
      sheet('c', 'j2', 9000),
      sheet('c', 'j3', 6100),
      sheet('d', 'j1', 5000),
      sheet('d', 'j2', 5000),
      sheet('d', 'j9', 9900, { active: false }),
    ];
    const scores = settledScores(['a', 'b', 'c', 'd', 'e'], sheets, new Set(['c']), 3, 'mean');
    // b has a draft, c an open flag, d only two counting sheets (the third was set aside), e none at all.
    expect([...scores]).toEqual([['a', 8233]]);
  });

  it('counts a trimmed mean from five judges on', () => {
    const sheets = [9000, 8000, 8000, 8000, 1000].map((t, i) => sheet('a', `j${i}`, t));
    expect(settledScores(['a'], sheets, new Set(), 5, 'trimmed_mean').get('a')).toBe(8000);
    expect(settledScores(['a'], sheets, new Set(), 5, 'mean').get('a')).toBe(6800);
  });
});

describe('cusp entries', () => {
  const scores = new Map([
    ['a', 8450],
    ['b', 8500],
    ['c', 8650],
    ['d', 7400],
    ['e', 7000],
    ['f', 9990],
  ]);

  it('takes the entries within the margin of a cut, both ends included, closest first, with their nearest cut', () => {
    expect(cuspEntries(scores, [8500, 7500], 100, [])).toEqual([
      { entryId: 'b', score: 8500, cut: 8500, distance: 0, round: 2 },
      { entryId: 'a', score: 8450, cut: 8500, distance: 50, round: 2 },
      { entryId: 'd', score: 7400, cut: 7500, distance: 100, round: 2 },
    ]);
  });

  it('takes nothing without cuts, and only exact hits with a zero margin', () => {
    expect(cuspEntries(scores, [], 10_000, [])).toEqual([]);
    expect(cuspEntries(scores, [8500], 0, []).map((e) => e.entryId)).toEqual(['b']);
  });

  it('names the round after the entry’s last one', () => {
    const sheets = [sheet('a', 'j1', 8450, { round: 2 }), sheet('a', 'j0', 8000, { active: false })];
    expect(cuspEntries(scores, [8500], 50, sheets).find((e) => e.entryId === 'a')?.round).toBe(3);
  });

  it('picks exactly the entries within the margin of some cut, each with a nearest cut, whatever the input order', () => {
    const hundredths = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(fc.array(hundredths, { maxLength: 40 }), fc.array(hundredths, { maxLength: 5 }), fc.integer({ min: 0, max: 500 }), (values, cuts, margin) => {
        const map = new Map(values.map((v, i) => [`e${String(i).padStart(2, '0')}`, v]));
        const picked = cuspEntries(map, cuts, margin, []);
        const reversed = cuspEntries(new Map([...map].reverse()), [...cuts].reverse(), margin, []);
        expect(reversed).toEqual(picked);
        for (const [entryId, score] of map) {
          const nearest = Math.min(...cuts.map((c) => Math.abs(score - c)));
          const chosen = picked.find((p) => p.entryId === entryId);
          expect(Boolean(chosen)).toBe(cuts.length > 0 && nearest <= margin);
          if (chosen) expect(chosen.distance).toBe(nearest);
          if (chosen) expect(Math.abs(chosen.score - chosen.cut)).toBe(chosen.distance);
        }
        for (let i = 1; i < picked.length; i += 1) expect(picked[i - 1].distance).toBeLessThanOrEqual(picked[i].distance);
      }),
    );
  });
});

describe('fresh judges', () => {
  const ST = '/VN/ST/';
  const entries: PanelEntry[] = ['a', 'b', 'c'].map((id) => ({ id, fieldCode: 'PM', unitPath: `${ST}KS/${id}/` }));
  const judges: PanelJudge[] = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'].map((id) => ({ id, affiliationPath: null, fieldCodes: ['PM'], active: true }));

  it('lists every judge who ever held a sheet of a re-judged entry, set aside ones too, once each', () => {
    const sheets = [sheet('a', 'j1', 8000), sheet('a', 'j1', 8000, { round: 2 }), sheet('a', 'j9', null, { active: false }), sheet('b', 'j2', 7000)];
    const cusp = cuspEntries(new Map([['a', 8000]]), [8000], 0, sheets);
    expect(earlierJudges(cusp, sheets)).toEqual([
      { entryId: 'a', judgeId: 'j1', kind: 'other' },
      { entryId: 'a', judgeId: 'j9', kind: 'other' },
    ]);
  });

  it('gives every re-judged entry k judges none of whom scored it before, or says it cannot', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.subarray(
            judges.map((j) => j.id),
            { minLength: 0, maxLength: 5 },
          ),
          { minLength: 3, maxLength: 3 },
        ),
        fc.integer({ min: 1, max: 3 }),
        (earlier, k) => {
          const sheets = earlier.flatMap((ids, i) => ids.map((judgeId) => sheet(entries[i].id, judgeId, 7000)));
          const cusp = entries.map((e) => ({ entryId: e.id, score: 7000, cut: 7000, distance: 0, round: 2 }));
          const result = assignJudges({ entries, judges, stageUnitPath: ST, judgesPerEntry: k, conflicts: earlierJudges(cusp, sheets), current: [] });
          const feasible = earlier.every((ids) => judges.length - ids.length >= k);
          expect(result.ok).toBe(feasible);
          if (!result.ok) return;
          for (const [i, e] of entries.entries()) {
            const given = result.assignments.find((a) => a.entryId === e.id)!.judgeIds;
            expect(new Set(given).size).toBe(k);
            for (const judgeId of given) expect(earlier[i]).not.toContain(judgeId);
          }
        },
      ),
    );
  });
});

describe('re-assignment round by round', () => {
  const ST = '/VN/ST/';
  const entries: PanelEntry[] = ['a', 'b'].map((id) => ({ id, fieldCode: 'PM', unitPath: `${ST}KS/${id}/` }));
  const judges: PanelJudge[] = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7', 'j8'].map((id) => ({ id, affiliationPath: null, fieldCodes: ['PM'], active: true }));
  let clock = 0;
  const held = (entryId: string, judgeId: string, round: number, extra: Partial<RoundSheet> = {}): RoundSheet => ({
    entryId,
    judgeId,
    status: 'confirmed',
    active: true,
    round,
    createdAt: new Date((clock += 1000)),
    ...extra,
  });
  /** Entry a scored in round 1 by j1-j3 and re-judged in round 2 by j4-j6, whose j5 was then removed; b scored by j1-j3 alone. */
  const panel = (activeRoundOne: boolean) => [
    ...['j1', 'j2', 'j3'].map((j) => held('a', j, 1, { active: activeRoundOne })),
    held('a', 'j4', 2),
    held('a', 'j5', 2, { active: false }),
    held('a', 'j6', 2),
    ...['j1', 'j2', 'j3'].map((j) => held('b', j, 1)),
  ];
  const assign = (sheets: RoundSheet[], mode: 'replace' | 'join') => {
    const rounds = roundedAssignment(entries, sheets, [], mode, 3);
    const result = assignJudges({ entries: rounds.entries, judges, stageUnitPath: ST, judgesPerEntry: 3, conflicts: rounds.conflicts, current: rounds.current });
    if (!result.ok) throw new Error('infeasible');
    return { added: result.added.map((a) => ({ ...rounds.slotOf(a.entryId), judgeId: a.judgeId })), dropped: result.dropped };
  };

  it('replaces a removed judge of the latest round by a fresh one in that round, when re-judged scores replace the earlier', () => {
    const { added, dropped } = assign(panel(false), 'replace');
    expect(dropped).toEqual([]);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ entryId: 'a', round: 2 });
    expect(['j1', 'j2', 'j3', 'j4', 'j5', 'j6']).not.toContain(added[0].judgeId);
  });

  it('keeps every round counting when re-judged scores join the earlier, and fills the one short of a judge', () => {
    const { added, dropped } = assign(panel(true), 'join');
    expect(dropped).toEqual([]);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ entryId: 'a', round: 2 });
    expect(['j1', 'j2', 'j3', 'j4', 'j5', 'j6']).not.toContain(added[0].judgeId);
    // A removed judge of the first round is replaced in the first round, by someone who judged neither round.
    const roundOneShort = panel(true).map((s) => (s.entryId === 'a' && s.judgeId === 'j1' ? { ...s, active: false } : s));
    const again = assign(roundOneShort, 'join');
    expect(again.added.map((a) => [a.entryId, a.round])).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    expect(again.added.map((a) => a.judgeId).filter((j) => ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'].includes(j))).toEqual([]);
  });

  it('leaves a judge the chair added beyond k alone, drops the sheets of an entry that left the panel, and names entries, not rounds', () => {
    const sheets = [...panel(true), held('a', 'j7', 2, { status: 'assigned' }), held('c', 'j8', 1, { status: 'draft' })];
    const rounds = roundedAssignment(entries, sheets, [{ entryId: 'a', judgeId: 'j8', kind: 'relative' }], 'join', 3);
    expect(rounds.current.filter((p) => p.entryId === 'a#2').map((p) => p.judgeId)).toEqual(['j4', 'j6', 'j7']);
    expect(rounds.current).toContainEqual({ entryId: 'c', judgeId: 'j8', scores: 'draft' });
    expect(rounds.conflicts).toContainEqual({ entryId: 'a#2', judgeId: 'j8', kind: 'relative' });
    const problems = entryProblems([{ code: 'CONFIRMED_BEYOND_K', message: '', entryIds: ['a', 'a#2', 'b'], confirmed: 4, needed: 3 }], rounds.slotOf);
    expect(problems).toEqual([{ code: 'CONFIRMED_BEYOND_K', message: '', entryIds: ['a', 'b'], confirmed: 4, needed: 3 }]);
  });
});
