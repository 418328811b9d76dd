import fc from 'fast-check';
import { aggregateTotals, closeProblems, formatHundredths, needsReview, normalisedTotals, panelProgress, sheetProblems, sheetTotal, spreadOf, toHundredths } from './aggregation';

const RUBRIC = [
  { code: 'novelty', maxPoints: 30 },
  { code: 'applicability', maxPoints: 35 },
  { code: 'effect', maxPoints: 35 },
];

describe('score sheets', () => {
  it('accepts points from 0 to the maximum in steps of 0.5', () => {
    expect(sheetProblems(RUBRIC, { novelty: 0, applicability: 35, effect: 17.5 }, 0.5, true)).toEqual([]);
  });

  it('names every criterion out of range, off the step, or unknown', () => {
    const problems = sheetProblems(RUBRIC, { novelty: 30.5, applicability: -1, effect: 12.25, design: 5 });
    expect(problems.map((p) => p.field).sort()).toEqual(['points.applicability', 'points.design', 'points.effect', 'points.novelty']);
    expect(problems.find((p) => p.field === 'points.effect')!.reason).toContain('0.5');
  });

  it('lets a draft miss criteria but not a sheet to confirm', () => {
    expect(sheetProblems(RUBRIC, { novelty: 20 })).toEqual([]);
    expect(sheetProblems(RUBRIC, { novelty: 20 }, 0.5, true).map((p) => p.field)).toEqual(['points.applicability', 'points.effect']);
  });

  it('honours a rubric step of 1 and of 0.25', () => {
    expect(sheetProblems(RUBRIC, { novelty: 20.5 }, 1)).toHaveLength(1);
    expect(sheetProblems(RUBRIC, { novelty: 20.25 }, 0.25)).toEqual([]);
  });

  it('refuses values that are not numbers', () => {
    expect(sheetProblems(RUBRIC, { novelty: Number.NaN })).toHaveLength(1);
    expect(sheetProblems(RUBRIC, { novelty: '12' as unknown as number })).toHaveLength(1);
  });

  it('adds points exactly, where a float sum of tenths drifts', () => {
    const points = { novelty: 0.5, applicability: 0.5, effect: 0.5 };
    expect(sheetTotal(points)).toBe(150);
    expect(toHundredths(0.1 + 0.2)).toBe(30);
    expect(toHundredths(1.005)).toBeNull();
    expect(formatHundredths(8250)).toBe('82.50');
    expect(formatHundredths(7)).toBe('0.07');
  });
});

describe('aggregation', () => {
  it('is the mean of the confirmed totals, rounded half up to two decimals', () => {
    expect(aggregateTotals([8000, 8050, 8100], 'mean')).toBe(8050);
    expect(aggregateTotals([8000, 8000, 8001], 'mean')).toBe(8000); // 8000.33
    expect(aggregateTotals([1, 2], 'mean')).toBe(2); // 1.5 rounds up
    expect(aggregateTotals([], 'mean')).toBeNull();
  });

  it('drops one highest and one lowest with a trimmed mean from five judges on, not before', () => {
    expect(aggregateTotals([5000, 8000, 8000, 8000, 10000], 'trimmed_mean')).toBe(8000);
    expect(aggregateTotals([5000, 8000, 10000, 8000], 'trimmed_mean')).toBe(7750);
    expect(aggregateTotals([9000, 9000, 9000, 9000, 9000, 0], 'trimmed_mean')).toBe(9000);
  });

  it('never leaves the range of the totals and does not depend on their order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10000 }), { minLength: 1, maxLength: 9 }), fc.constantFrom('mean' as const, 'trimmed_mean' as const), (totals, how) => {
        const score = aggregateTotals(totals, how)!;
        expect(score).toBeGreaterThanOrEqual(Math.min(...totals));
        expect(score).toBeLessThanOrEqual(Math.max(...totals));
        expect(aggregateTotals([...totals].reverse(), how)).toBe(score);
        expect(Number.isInteger(score)).toBe(true);
      }),
    );
  });

  it('flags an entry only once all k totals are in and they differ by more than the spread', () => {
    expect(needsReview([6000, 8100], 3, 20)).toBe(false);
    expect(needsReview([6000, 8000, 7000], 3, 20)).toBe(false); // exactly 20 apart
    expect(needsReview([6000, 8050, 7000], 3, 20)).toBe(true);
    expect(needsReview([0, 10000, 5000], 3, null)).toBe(false);
    expect(spreadOf([4200])).toBe(0);
  });
});

describe('bias normalisation', () => {
  it('puts a strict and a lenient judge who rank entries alike on the same scale', () => {
    const sheets = [
      { id: 'a1', judgeId: 'strict', total: 4000 },
      { id: 'a2', judgeId: 'strict', total: 6000 },
      { id: 'b1', judgeId: 'lenient', total: 8000 },
      { id: 'b2', judgeId: 'lenient', total: 10000 },
    ];
    const normalised = normalisedTotals(sheets);
    expect(normalised.get('a1')).toBe(normalised.get('b1'));
    expect(normalised.get('a2')).toBe(normalised.get('b2'));
    expect(normalised.get('a2')! - normalised.get('a1')!).toBeGreaterThan(0);
  });

  it('keeps the panel mean', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ judge: fc.constantFrom('x', 'y', 'z'), total: fc.integer({ min: 0, max: 10000 }) }), { minLength: 1, maxLength: 30 }), (rows) => {
        const sheets = rows.map((r, i) => ({ id: String(i), judgeId: r.judge, total: r.total }));
        const normalised = [...normalisedTotals(sheets).values()];
        const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
        expect(Math.abs(mean(normalised) - mean(sheets.map((s) => s.total)))).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('progress and closing', () => {
  const sheets = [
    { entryId: 'e1', judgeId: 'j1', status: 'confirmed' as const, active: true },
    { entryId: 'e1', judgeId: 'j2', status: 'confirmed' as const, active: true },
    { entryId: 'e2', judgeId: 'j1', status: 'draft' as const, active: true },
    { entryId: 'e2', judgeId: 'j2', status: 'assigned' as const, active: true },
    // A removed judge's confirmed sheet stays on record and no longer counts.
    { entryId: 'e2', judgeId: 'j3', status: 'confirmed' as const, active: false },
  ];

  it('counts per judge assigned, drafted, confirmed and per entry confirmed scores and flags', () => {
    const progress = panelProgress(['e1', 'e2'], ['j1', 'j2'], sheets, new Set(['e1']));
    expect(progress.judges).toEqual([
      { judgeId: 'j1', assigned: 2, drafted: 1, confirmed: 1 },
      { judgeId: 'j2', assigned: 2, drafted: 0, confirmed: 1 },
    ]);
    expect(progress.entries).toEqual([
      { entryId: 'e1', judges: 2, confirmed: 2, openFlag: true },
      { entryId: 'e2', judges: 2, confirmed: 0, openFlag: false },
    ]);
  });

  it('closes only when every entry has k confirmed scores and no flag is open', () => {
    expect(closeProblems(panelProgress(['e1', 'e2'], ['j1', 'j2'], sheets, new Set(['e1'])), 2).map((p) => p.field)).toEqual(['entries', 'flags']);
    expect(closeProblems(panelProgress(['e1'], ['j1', 'j2'], sheets, new Set()), 2)).toEqual([]);
    expect(closeProblems(panelProgress(['e1'], ['j1', 'j2'], sheets, new Set()), 3).map((p) => p.field)).toEqual(['entries']);
  });

  it('waits for a judge the chair added beyond k', () => {
    const added = [...sheets, { entryId: 'e1', judgeId: 'j3', status: 'assigned' as const, active: true }];
    expect(closeProblems(panelProgress(['e1'], ['j1', 'j2', 'j3'], added, new Set()), 2).map((p) => p.field)).toEqual(['entries']);
    added[added.length - 1] = { ...added[added.length - 1], status: 'confirmed' };
    expect(closeProblems(panelProgress(['e1'], ['j1', 'j2', 'j3'], added, new Set()), 2)).toEqual([]);
  });
});
