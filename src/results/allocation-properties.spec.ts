import fc from 'fast-check';
import type { PrizeScheme } from '../contests/edition.types';
import { YOUTH_STAGES } from '../seed/demo-world';
import { allocatePrizes, WHOLE_STAGE } from './allocation';
import type { ScoredEntry } from './ranking';

/** Further properties of allocation, beside those in allocation.spec.ts. */

const FIELDS = ['HT', 'PM', 'MT', 'SH', 'KT'];
const socTrang = YOUTH_STAGES.find((s) => s.prizeScheme)!.prizeScheme!;

const entriesArb = (scores: fc.Arbitrary<number | null>, maxLength = 120) =>
  fc
    .array(fc.record({ fieldCode: fc.constantFrom(...FIELDS), score: scores, novelty: fc.integer({ min: 0, max: 30 }) }), { maxLength })
    .map((rows): ScoredEntry[] => rows.map((r, i) => ({ entryId: `e${i}`, fieldCode: r.fieldCode, score: r.score, criteria: { novelty: r.novelty } })));

describe('allocatePrizes properties (more)', () => {
  it('Sóc Trăng scheme on any scores: at most 1 Special in the stage and 1/2/3/4 per field, each at its minimum', () => {
    fc.assert(
      fc.property(
        entriesArb(
          fc.option(
            fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
            { nil: null, freq: 8 },
          ),
        ),
        (entries) => {
          const list = allocatePrizes(entries, ['novelty'], socTrang);
          const awarded = (code: string, field?: string) => list.entries.filter((e) => e.prize === code && (!field || e.fieldCode === field)).length;
          expect(awarded('special')).toBeLessThanOrEqual(1);
          for (const field of FIELDS) {
            expect([awarded('first', field), awarded('second', field), awarded('third', field), awarded('encouragement', field)].map((n, i) => n <= i + 1)).toEqual([true, true, true, true]);
          }
          for (const e of list.entries.filter((x) => x.prize)) expect(e.score!).toBeGreaterThanOrEqual(socTrang.levels.find((l) => l.code === e.prize)!.minScore);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with distinct scores, no minimums and carry-over off, every count quota is filled exactly while entries remain', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 500, max: 1000 }), { maxLength: 80 }), (scores) => {
        const entries = scores.map((s, i): ScoredEntry => ({ entryId: `e${i}`, fieldCode: FIELDS[i % FIELDS.length], score: s / 10, criteria: {} }));
        const noMinimums = { ...socTrang, levels: socTrang.levels.map((l) => ({ ...l, minScore: 0 })) };
        const list = allocatePrizes(entries, [], noMinimums);
        const order = noMinimums.levels.map((l) => l.code);
        for (const result of list.levels) {
          const inScope = list.entries.filter((e) => result.scope === WHOLE_STAGE || e.fieldCode === result.scope);
          const takenAbove = inScope.filter((e) => e.prize !== null && order.indexOf(e.prize) < order.indexOf(result.level)).length;
          expect(result.awarded).toBe(Math.min(result.quota, inScope.length - takenAbove));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a quota is exceeded only by one tie group, every member of which says it was awarded over the quota', () => {
    const scheme: PrizeScheme = {
      tiePolicy: 'all_get_level',
      passUnusedQuotaDown: false,
      levels: [
        { code: 'first', name: 'Nhất', quotaKind: 'count', quota: 2, minScore: 0, scope: 'stage', prizeMoney: 1 },
        { code: 'second', name: 'Nhì', quotaKind: 'count', quota: 3, minScore: 0, scope: 'stage', prizeMoney: 1 },
      ],
    };
    fc.assert(
      fc.property(
        entriesArb(
          fc.integer({ min: 0, max: 4 }).map((n) => n * 10),
          30,
        ),
        (entries) => {
          const list = allocatePrizes(entries, [], scheme);
          for (const result of list.levels.filter((l) => l.exceededBy > 0)) {
            const over = list.entries.filter((e) => e.prize === result.level && e.decisions.at(-1)!.outcome === 'awarded_over_quota');
            expect(new Set(over.map((e) => e.tieGroup)).size).toBe(1);
            expect(over.length).toBeGreaterThan(result.exceededBy);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('Bình Thuận 2022: nobody reaches First, so it stays empty and the lower levels fill as published (0/2/3/10)', () => {
    const scheme: PrizeScheme = {
      tiePolicy: 'group_drops',
      passUnusedQuotaDown: false,
      levels: [
        { code: 'first', name: 'Nhất', quotaKind: 'count', quota: 1, minScore: 90, scope: 'stage', prizeMoney: 1 },
        { code: 'second', name: 'Nhì', quotaKind: 'count', quota: 2, minScore: 80, scope: 'stage', prizeMoney: 1 },
        { code: 'third', name: 'Ba', quotaKind: 'count', quota: 3, minScore: 70, scope: 'stage', prizeMoney: 1 },
        { code: 'encouragement', name: 'KK', quotaKind: 'count', quota: 10, minScore: 50, scope: 'stage', prizeMoney: 1 },
      ],
    };
    const entries = Array.from({ length: 212 }, (_, i): ScoredEntry => ({ entryId: `e${String(i).padStart(3, '0')}`, fieldCode: 'HT', score: 89 - i * 0.25, criteria: {} }));
    const list = allocatePrizes(entries, [], scheme);
    expect(list.levels.map((l) => [l.level, l.awarded])).toEqual([
      ['first', 0],
      ['second', 2],
      ['third', 3],
      ['encouragement', 10],
    ]);
  });
});
