import fc from 'fast-check';
import type { PrizeLevel, PrizeScheme } from '../contests/edition.types';
import { YOUTH_STAGES } from '../seed/demo-world';
import { allocatePrizes, PrizeList, quotaFor, WHOLE_STAGE } from './allocation';
import { rankEntries, ScoredEntry } from './ranking';

const entry = (entryId: string, score: number | null, fieldCode = 'HT', criteria: Record<string, number> = {}): ScoredEntry => ({ entryId, fieldCode, score, criteria });
const level = (code: string, quota: number, minScore = 0, scope: PrizeLevel['scope'] = 'stage', quotaKind: PrizeLevel['quotaKind'] = 'count'): PrizeLevel => ({
  code,
  name: code,
  quotaKind,
  quota,
  minScore,
  scope,
  prizeMoney: 1000,
});
const scheme = (levels: PrizeLevel[], tiePolicy: PrizeScheme['tiePolicy'] = 'group_drops', passUnusedQuotaDown = false): PrizeScheme => ({ levels, tiePolicy, passUnusedQuotaDown });

const prizes = (list: PrizeList) => Object.fromEntries(list.entries.map((e) => [e.entryId, e.prize]));
const awardedAt = (list: PrizeList, code: string) => list.entries.filter((e) => e.prize === code).map((e) => e.entryId);
const levelResult = (list: PrizeList, code: string, scope = WHOLE_STAGE) => list.levels.find((l) => l.level === code && l.scope === scope)!;
const lastDecision = (list: PrizeList, id: string) => list.entries.find((e) => e.entryId === id)!.decisions.at(-1)!;

describe('ranking', () => {
  it('orders by score, then by the tie-break criteria in order, and gives equal entries one rank', () => {
    const { ranked } = rankEntries([entry('a', 80, 'HT', { novelty: 20 }), entry('b', 90), entry('c', 80, 'HT', { novelty: 25 }), entry('d', 80, 'HT', { novelty: 20 }), entry('e', 70)], ['novelty']);
    expect(ranked.map((e) => [e.entryId, e.rank])).toEqual([
      ['b', 1],
      ['c', 2],
      ['a', 3],
      ['d', 3],
      ['e', 5],
    ]);
    expect(ranked.find((e) => e.entryId === 'a')).toMatchObject({ tieGroupSize: 2, sameScore: 3, decidedBy: ['novelty'] });
    expect(ranked.find((e) => e.entryId === 'b')).toMatchObject({ tieGroupSize: 1, sameScore: 1, decidedBy: [] });
  });

  it('uses later criteria only when earlier ones are equal', () => {
    const { ranked } = rankEntries(
      [entry('a', 80, 'HT', { novelty: 20, science: 10 }), entry('b', 80, 'HT', { novelty: 20, science: 15 }), entry('c', 80, 'HT', { novelty: 10, science: 20 })],
      ['novelty', 'science'],
    );
    expect(ranked.map((e) => e.entryId)).toEqual(['b', 'a', 'c']);
    expect(ranked[0].decidedBy).toEqual(['novelty', 'science']);
    expect(ranked.map((e) => e.rank)).toEqual([1, 2, 3]);
  });

  it('compares scores with fixed decimals, not floats', () => {
    const { ranked } = rankEntries([entry('a', 0.1 + 0.2), entry('b', 0.3)], []);
    expect(ranked.map((e) => e.rank)).toEqual([1, 1]);
  });

  it('ranks within each field as well, and lists unscored entries apart', () => {
    const { ranked, unscored } = rankEntries([entry('a', 90, 'HT'), entry('b', 85, 'PM'), entry('c', 80, 'HT'), entry('d', null, 'PM')], []);
    expect(ranked.map((e) => [e.entryId, e.rank, e.fieldRank])).toEqual([
      ['a', 1, 1],
      ['b', 2, 1],
      ['c', 3, 2],
    ]);
    expect(unscored.map((e) => e.entryId)).toEqual(['d']);
  });

  it('gives the same answer whatever order the entries come in', () => {
    const input = [entry('a', 80), entry('b', 80), entry('c', 95), entry('d', 60)];
    const once = rankEntries(input, []).ranked.map((e) => e.entryId);
    expect(rankEntries([...input].reverse(), []).ranked.map((e) => e.entryId)).toEqual(once);
  });
});

describe('allocatePrizes', () => {
  it('fills levels in order with the next ranked entries, one prize per entry', () => {
    const list = allocatePrizes([entry('a', 95), entry('b', 90), entry('c', 85), entry('d', 80), entry('e', 75)], [], scheme([level('first', 1), level('second', 2), level('third', 1)]));
    expect(prizes(list)).toEqual({ a: 'first', b: 'second', c: 'second', d: 'third', e: null });
    expect(lastDecision(list, 'e')).toMatchObject({ level: 'third', outcome: 'quota_full', quota: 1, usedBefore: 1, left: 0 });
    expect(lastDecision(list, 'c')).toMatchObject({ level: 'second', outcome: 'awarded', usedBefore: 1, left: 0 });
  });

  it('never undercuts a minimum: a level nobody reaches stays empty (Bình Thuận 2022: no First prize)', () => {
    const list = allocatePrizes(
      [entry('a', 84), entry('b', 82), entry('c', 79), entry('d', 71), entry('e', 65), entry('f', 40)],
      [],
      scheme([level('first', 1, 85), level('second', 2, 80), level('third', 3, 70), level('encouragement', 10, 50)]),
    );
    expect(awardedAt(list, 'first')).toEqual([]);
    expect(awardedAt(list, 'second')).toEqual(['a', 'b']);
    expect(awardedAt(list, 'third')).toEqual(['c', 'd']);
    expect(awardedAt(list, 'encouragement')).toEqual(['e']);
    expect(lastDecision(list, 'f')).toMatchObject({ level: 'encouragement', outcome: 'below_minimum', minScore: 50 });
    expect(list.entries[0].decisions[0]).toMatchObject({ level: 'first', outcome: 'below_minimum', minScore: 85 });
    expect(levelResult(list, 'first')).toMatchObject({ quota: 1, awarded: 0, unused: 1, passedDown: 0 });
    expect(levelResult(list, 'third')).toMatchObject({ quota: 3, awarded: 2, unused: 1 });
  });

  it('a minimum equal to the score is reached', () => {
    expect(prizes(allocatePrizes([entry('a', 80)], [], scheme([level('first', 1, 80)])))).toEqual({ a: 'first' });
  });

  describe('a tie group straddling the quota boundary', () => {
    const tied = [entry('a', 90), entry('b', 85), entry('c', 85), entry('d', 80)];

    it('all get the level under all_get_level, and the result says the quota was exceeded', () => {
      const list = allocatePrizes(tied, [], scheme([level('first', 2), level('second', 2)], 'all_get_level'));
      expect(awardedAt(list, 'first')).toEqual(['a', 'b', 'c']);
      expect(awardedAt(list, 'second')).toEqual(['d']);
      expect(levelResult(list, 'first')).toMatchObject({ quota: 2, awarded: 3, exceededBy: 1, unused: 0 });
      expect(lastDecision(list, 'b')).toMatchObject({ outcome: 'awarded_over_quota', tieGroupSize: 2, usedBefore: 1 });
    });

    it('all drop to the next level under group_drops, and nobody ranked below takes the freed place', () => {
      const list = allocatePrizes(tied, [], scheme([level('first', 2), level('second', 2)], 'group_drops'));
      expect(awardedAt(list, 'first')).toEqual(['a']);
      expect(awardedAt(list, 'second')).toEqual(['b', 'c']);
      expect(prizes(list).d).toBeNull();
      expect(list.entries.find((e) => e.entryId === 'b')!.decisions.map((d) => d.outcome)).toEqual(['tie_group_dropped', 'awarded']);
      expect(lastDecision(list, 'd')).toMatchObject({ level: 'second', outcome: 'quota_full' });
      expect(list.entries.find((e) => e.entryId === 'd')!.decisions[0]).toMatchObject({ level: 'first', outcome: 'quota_full', left: 1 });
      expect(levelResult(list, 'first')).toMatchObject({ awarded: 1, unused: 1, exceededBy: 0 });
    });

    it('a dropped group may drop again, down to no prize', () => {
      const list = allocatePrizes([entry('a', 80), entry('b', 80), entry('c', 80)], [], scheme([level('first', 1), level('second', 2)]));
      expect(prizes(list)).toEqual({ a: null, b: null, c: null });
      expect(lastDecision(list, 'a')).toMatchObject({ level: 'second', outcome: 'tie_group_dropped', tieGroupSize: 3 });
    });

    it('is first broken by the stage tie-break criteria, so only entries still equal straddle', () => {
      const withCriteria = [entry('a', 90), entry('b', 85, 'HT', { novelty: 28 }), entry('c', 85, 'HT', { novelty: 25 }), entry('d', 80)];
      const list = allocatePrizes(withCriteria, ['novelty'], scheme([level('first', 2), level('second', 2)], 'group_drops'));
      expect(awardedAt(list, 'first')).toEqual(['a', 'b']);
      expect(awardedAt(list, 'second')).toEqual(['c', 'd']);
      expect(list.entries.find((e) => e.entryId === 'b')!.decidedBy).toEqual(['novelty']);
    });

    it('a group that fits exactly is simply awarded', () => {
      const list = allocatePrizes(tied, [], scheme([level('first', 3)], 'group_drops'));
      expect(awardedAt(list, 'first')).toEqual(['a', 'b', 'c']);
      expect(levelResult(list, 'first').exceededBy).toBe(0);
    });
  });

  describe('unused quota', () => {
    const entries = [entry('a', 84), entry('b', 82), entry('c', 79), entry('d', 75), entry('e', 72)];
    const levels = [level('first', 1, 85), level('second', 2, 80), level('third', 1, 70)];

    it('is not passed down unless the scheme says so', () => {
      const list = allocatePrizes(entries, [], scheme(levels, 'group_drops', false));
      expect(awardedAt(list, 'second')).toEqual(['a', 'b']);
      expect(awardedAt(list, 'third')).toEqual(['c']);
      expect(levelResult(list, 'second')).toMatchObject({ carriedIn: 0, quota: 2 });
    });

    it('passes down, and on again, when the scheme says so', () => {
      const list = allocatePrizes(entries, [], scheme(levels, 'group_drops', true));
      // The unused First prize joins Second, whose minimum only a and b reach; the 1 left joins Third.
      expect(levelResult(list, 'first')).toMatchObject({ unused: 1, passedDown: 1 });
      expect(levelResult(list, 'second')).toMatchObject({ carriedIn: 1, quota: 3, awarded: 2, unused: 1, passedDown: 1 });
      expect(levelResult(list, 'third')).toMatchObject({ carriedIn: 1, quota: 2, awarded: 2 });
      expect(awardedAt(list, 'third')).toEqual(['c', 'd']);
    });

    it('passes field by field between per-field levels, summed into a whole-stage level, never split over fields', () => {
      const mixed = [entry('h1', 90, 'HT'), entry('p1', 88, 'PM'), entry('p2', 87, 'PM'), entry('h2', 60, 'HT'), entry('h3', 59, 'HT')];
      const list = allocatePrizes(mixed, [], scheme([level('special', 1, 95), level('first', 1, 85, 'field'), level('second', 1, 0, 'field'), level('third', 0, 0, 'stage')], 'group_drops', true));
      expect(levelResult(list, 'special')).toMatchObject({ unused: 1, passedDown: 0 });
      expect(levelResult(list, 'first', 'HT')).toMatchObject({ carriedIn: 0, awarded: 1 });
      expect(awardedAt(list, 'second')).toEqual(['p2', 'h2']);
      expect(levelResult(list, 'third')).toMatchObject({ carriedIn: 0, quota: 0 });
      const filled = allocatePrizes(mixed, [], scheme([level('first', 2, 95, 'field'), level('second', 0, 0, 'stage')], 'group_drops', true));
      expect(levelResult(filled, 'second')).toMatchObject({ carriedIn: 4, quota: 4, awarded: 4 });
    });
  });

  describe('quotas', () => {
    it('a share counts whole prizes of the scope, rounded down', () => {
      expect(quotaFor('share', 0.1, 133)).toBe(13);
      expect(quotaFor('share', 0.3, 10)).toBe(3);
      expect(quotaFor('share', 0.07, 100)).toBe(7);
      expect(quotaFor('count', 4, 2)).toBe(4);
      const list = allocatePrizes(
        Array.from({ length: 25 }, (_, i) => entry(`e${String(i).padStart(2, '0')}`, 100 - i)),
        [],
        scheme([level('first', 0.1, 0, 'stage', 'share')]),
      );
      expect(awardedAt(list, 'first')).toEqual(['e00', 'e01']);
    });

    it('a per-field share counts the entries of that field, unscored ones included', () => {
      const entries = [...Array.from({ length: 10 }, (_, i) => entry(`h${i}`, 90 - i, 'HT')), entry('p0', 99, 'PM'), entry('p1', null, 'PM')];
      const list = allocatePrizes(entries, [], scheme([level('first', 0.5, 0, 'field', 'share')]));
      expect(levelResult(list, 'first', 'HT')).toMatchObject({ baseQuota: 5, awarded: 5 });
      expect(levelResult(list, 'first', 'PM')).toMatchObject({ baseQuota: 1, awarded: 1 });
    });

    it('a quota of 0 leaves the level empty', () => {
      const list = allocatePrizes([entry('a', 99)], [], scheme([level('first', 0), level('second', 1)]));
      expect(prizes(list)).toEqual({ a: 'second' });
    });

    it('per-field quotas are counted in each field apart', () => {
      const list = allocatePrizes([entry('h1', 90, 'HT'), entry('h2', 89, 'HT'), entry('p1', 50, 'PM')], [], scheme([level('first', 1, 0, 'field')]));
      expect(prizes(list)).toEqual({ h1: 'first', h2: null, p1: 'first' });
    });
  });

  it('lists unscored entries last, without rank or prize', () => {
    const list = allocatePrizes([entry('a', null), entry('b', 50)], [], scheme([level('first', 5)]));
    expect(list.entries.map((e) => [e.entryId, e.rank, e.prize])).toEqual([
      ['b', 1, 'first'],
      ['a', null, null],
    ]);
  });

  it('Sóc Trăng 2017: 5 First, 10 Second, 15 Third, 20 Encouragement over 5 fields, no Special', () => {
    const province = YOUTH_STAGES.find((s) => s.levelCode === 'province')!;
    const fields = ['HT', 'PM', 'MT', 'SH', 'KT'];
    // 133 entries reached the province round; nobody reached the Special prize's 90.
    const entries = Array.from({ length: 133 }, (_, i) => {
      const field = fields[i % 5];
      const place = Math.floor(i / 5);
      return entry(`${field}-${String(place).padStart(2, '0')}`, 88 - place * 1.5, field, { novelty: 25 - (i % 3), applicability: 20, science: 15 });
    });
    const list = allocatePrizes(entries, province.tieBreak, province.prizeScheme!);
    const count = (code: string) => awardedAt(list, code).length;
    expect([count('special'), count('first'), count('second'), count('third'), count('encouragement')]).toEqual([0, 5, 10, 15, 20]);
    for (const field of fields)
      expect(list.entries.filter((e) => e.fieldCode === field && e.prize).map((e) => e.prize)).toEqual([
        'first',
        'second',
        'second',
        'third',
        'third',
        'third',
        'encouragement',
        'encouragement',
        'encouragement',
        'encouragement',
      ]);
    expect(levelResult(list, 'special')).toMatchObject({ awarded: 0, unused: 1 });
  });
});

describe('allocatePrizes properties', () => {
  const arbitraryInput = fc.record({
    entries: fc.uniqueArray(
      fc.record({
        entryId: fc.stringMatching(/^[a-z]{1,4}$/),
        fieldCode: fc.constantFrom('HT', 'PM', 'MT'),
        // Few distinct scores, so ties are common.
        score: fc.option(
          fc.integer({ min: 0, max: 20 }).map((n) => n * 5),
          { nil: null, freq: 10 },
        ),
        criteria: fc.record({ novelty: fc.integer({ min: 0, max: 3 }), science: fc.integer({ min: 0, max: 2 }) }),
      }),
      { selector: (e) => e.entryId, maxLength: 60 },
    ),
    tieBreak: fc.constantFrom([], ['novelty'], ['novelty', 'science']),
    scheme: fc.record({
      tiePolicy: fc.constantFrom('all_get_level' as const, 'group_drops' as const),
      passUnusedQuotaDown: fc.boolean(),
      levels: fc.array(
        fc
          .oneof(
            fc.record({ quotaKind: fc.constant('count' as const), quota: fc.integer({ min: 0, max: 6 }) }),
            fc.record({ quotaKind: fc.constant('share' as const), quota: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
          )
          .chain((q) => fc.record({ minScore: fc.integer({ min: 0, max: 20 }).map((n) => n * 5), scope: fc.constantFrom('stage' as const, 'field' as const) }).map((rest) => ({ ...q, ...rest }))),
        { minLength: 1, maxLength: 5 },
      ),
    }),
  });
  const toScheme = (input: { scheme: { tiePolicy: PrizeScheme['tiePolicy']; passUnusedQuotaDown: boolean; levels: Array<Omit<PrizeLevel, 'code' | 'name' | 'prizeMoney'>> } }): PrizeScheme => ({
    ...input.scheme,
    levels: input.scheme.levels.map((l, i) => ({ ...l, code: `L${i}`, name: `L${i}`, prizeMoney: 0 })),
  });

  it('an entry never gets two prizes, a minimum is never undercut, a quota is exceeded only as the all-get policy says', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const prizeScheme = toScheme(input);
        const list = allocatePrizes(input.entries, input.tieBreak, prizeScheme);
        expect(list.entries).toHaveLength(input.entries.length);
        for (const listed of list.entries) {
          const awards = listed.decisions.filter((d) => d.outcome === 'awarded' || d.outcome === 'awarded_over_quota');
          expect(awards.length).toBeLessThanOrEqual(1);
          expect(listed.prize).toBe(awards[0]?.level ?? null);
          if (listed.prize) expect(listed.score!).toBeGreaterThanOrEqual(prizeScheme.levels.find((l) => l.code === listed.prize)!.minScore);
        }
        for (const result of list.levels) {
          const awarded = list.entries.filter((e) => e.prize === result.level && (result.scope === WHOLE_STAGE || e.fieldCode === result.scope)).length;
          expect(awarded).toBe(result.awarded);
          if (result.awarded > result.quota) {
            expect(prizeScheme.tiePolicy).toBe('all_get_level');
            expect(result.exceededBy).toBe(result.awarded - result.quota);
          } else expect(result.exceededBy).toBe(0);
          if (!prizeScheme.passUnusedQuotaDown) expect(result.carriedIn).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a better-ranked entry never gets a lower prize than a worse-ranked one in the same scope', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const prizeScheme = toScheme(input);
        // With one whole-stage scope, prize order must follow rank order.
        prizeScheme.levels = prizeScheme.levels.map((l) => ({ ...l, scope: 'stage' }));
        const list = allocatePrizes(input.entries, input.tieBreak, prizeScheme);
        const order = (code: string | null) => (code === null ? prizeScheme.levels.length : prizeScheme.levels.findIndex((l) => l.code === code));
        const ranked = list.entries.filter((e) => e.rank !== null);
        for (let i = 1; i < ranked.length; i++) {
          if (ranked[i - 1].rank! < ranked[i].rank!) expect(order(ranked[i - 1].prize)).toBeLessThanOrEqual(order(ranked[i].prize));
          else expect(ranked[i - 1].prize).toBe(ranked[i].prize);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order the entries come in', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const prizeScheme = toScheme(input);
        const forward = prizes(allocatePrizes(input.entries, input.tieBreak, prizeScheme));
        const backward = prizes(allocatePrizes([...input.entries].reverse(), input.tieBreak, prizeScheme));
        expect(backward).toEqual(forward);
      }),
      { numRuns: 100 },
    );
  });
});
