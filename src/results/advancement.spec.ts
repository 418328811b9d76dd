import fc from 'fast-check';
import { countFor, pickProblems, selectForAdvancement } from './advancement';
import type { ScoredEntry } from './ranking';

const entry = (entryId: string, score: number | null, fieldCode = 'HT', criteria: Record<string, number> = {}): ScoredEntry => ({ entryId, fieldCode, score, criteria });
const outcomeOf = (result: ReturnType<typeof selectForAdvancement>, id: string) => result.decisions.find((d) => d.entryId === id)!.outcome;

describe('selectForAdvancement', () => {
  const district = [entry('a', 95), entry('b', 90), entry('c', 85), entry('d', 80), entry('e', null)];

  it('top N sends the N best up, and no unscored entry', () => {
    const result = selectForAdvancement(district, { kind: 'top_n', count: 2 }, []);
    expect(result.advancing).toEqual(['a', 'b']);
    expect(outcomeOf(result, 'c')).toBe('beyond_count');
    expect(outcomeOf(result, 'e')).toBe('not_scored');
  });

  it('a threshold sends up everyone at or above it', () => {
    const result = selectForAdvancement(district, { kind: 'threshold', minScore: 85 }, []);
    expect(result.advancing).toEqual(['a', 'b', 'c']);
    expect(result.decisions.find((d) => d.entryId === 'd')).toMatchObject({ outcome: 'below_threshold', limit: 85 });
  });

  it('a top percentage counts whole entries of the stage, rounded down', () => {
    expect(countFor({ kind: 'top_percent', percent: 10 }, 133)).toBe(13);
    expect(countFor({ kind: 'top_percent', percent: 50 }, 5)).toBe(2);
    expect(countFor({ kind: 'top_percent', percent: 100 }, 7)).toBe(7);
    expect(selectForAdvancement(district, { kind: 'top_percent', percent: 50 }, []).advancing).toEqual(['a', 'b']);
  });

  it('a tie group straddling the count stays behind whole, after the stage tie-break', () => {
    const tied = [entry('a', 95), entry('b', 90), entry('c', 90), entry('d', 80)];
    const result = selectForAdvancement(tied, { kind: 'top_n', count: 2 }, []);
    expect(result.advancing).toEqual(['a']);
    expect(outcomeOf(result, 'b')).toBe('tie_at_cut');
    expect(outcomeOf(result, 'd')).toBe('beyond_count');
    const broken = selectForAdvancement([entry('a', 95), entry('b', 90, 'HT', { novelty: 20 }), entry('c', 90, 'HT', { novelty: 25 })], { kind: 'top_n', count: 2 }, ['novelty']);
    expect(broken.advancing).toEqual(['a', 'c']);
  });

  it('a per-field cap limits each field, and lower-ranked entries of other fields fill the count', () => {
    const mixed = [entry('h1', 99, 'HT'), entry('h2', 98, 'HT'), entry('h3', 97, 'HT'), entry('p1', 60, 'PM'), entry('p2', 50, 'PM')];
    const result = selectForAdvancement(mixed, { kind: 'top_n', count: 3, perFieldCap: 2 }, []);
    expect(result.advancing).toEqual(['h1', 'h2', 'p1']);
    expect(result.decisions.find((d) => d.entryId === 'h3')).toMatchObject({ outcome: 'beyond_field_cap', limit: 2 });
    expect(outcomeOf(result, 'p2')).toBe('beyond_count');
  });

  it('a tie group straddling a field cap stays behind whole, and closes the field to entries ranked below it', () => {
    const result = selectForAdvancement([entry('p1', 90, 'PM'), entry('p2', 90, 'PM'), entry('p3', 70, 'PM'), entry('h1', 60, 'HT')], { kind: 'threshold', minScore: 0, perFieldCap: 1 }, []);
    expect(result.advancing).toEqual(['h1']);
    expect(outcomeOf(result, 'p1')).toBe('tie_at_cut');
    expect(outcomeOf(result, 'p3')).toBe('beyond_field_cap');
  });

  it('what went up before (a pick, an earlier confirmation) holds its place: the rule fills what the count and the field cap leave', () => {
    const mixed = [entry('h1', 99, 'HT'), entry('h2', 98, 'HT'), entry('p1', 60, 'PM'), entry('p2', 50, 'PM'), entry('p3', null, 'PM')];
    const result = selectForAdvancement(
      mixed,
      { kind: 'top_n', count: 4, perFieldCap: 1 },
      [],
      [
        { entryId: 'p2', fieldCode: 'PM' },
        { entryId: 'p3', fieldCode: 'PM' },
      ],
    );
    expect(result.advancing).toEqual(['h1']);
    expect(outcomeOf(result, 'p2')).toBe('already_advanced');
    expect(outcomeOf(result, 'p3')).toBe('already_advanced');
    expect(outcomeOf(result, 'h2')).toBe('beyond_field_cap');
    expect(outcomeOf(result, 'p1')).toBe('beyond_field_cap');
    expect(
      selectForAdvancement(
        mixed,
        { kind: 'top_n', count: 3 },
        [],
        [
          { entryId: 'p2', fieldCode: 'PM' },
          { entryId: 'p3', fieldCode: 'PM' },
        ],
      ).advancing,
    ).toEqual(['h1']);
    // A repeat of a confirmation moves nothing more.
    const first = selectForAdvancement(mixed, { kind: 'top_n', count: 2 }, []);
    const again = selectForAdvancement(
      mixed,
      { kind: 'top_n', count: 2 },
      [],
      first.advancing.map((id) => ({ entryId: id, fieldCode: mixed.find((e) => e.entryId === id)!.fieldCode })),
    );
    expect(again.advancing).toEqual([]);
  });

  it('Sóc Trăng 2017: top 12 of each district', () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(`e${String(i).padStart(2, '0')}`, 100 - i * 0.5, ['HT', 'PM', 'MT', 'SH', 'KT'][i % 5]));
    expect(selectForAdvancement(entries, { kind: 'top_n', count: 12 }, ['novelty']).advancing).toHaveLength(12);
  });

  it('never sends up more than the count or the field cap, nor an entry below the threshold', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            entryId: fc.stringMatching(/^[a-z]{1,3}$/),
            fieldCode: fc.constantFrom('HT', 'PM'),
            score: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
            criteria: fc.constant({}),
          }),
          {
            selector: (e) => e.entryId,
            maxLength: 40,
          },
        ),
        fc.oneof(
          fc.record({ kind: fc.constant('top_n' as const), count: fc.integer({ min: 1, max: 20 }) }),
          fc.record({ kind: fc.constant('threshold' as const), minScore: fc.integer({ min: 0, max: 10 }) }),
          fc.record({ kind: fc.constant('top_percent' as const), percent: fc.integer({ min: 1, max: 100 }) }),
        ),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        (entries, rule, perFieldCap) => {
          const result = selectForAdvancement(entries, { ...rule, perFieldCap }, []);
          const up = entries.filter((e) => result.advancing.includes(e.entryId));
          // Sent up in two rounds (the first half of the choice picked before), the union is the same choice.
          const picked = up.slice(0, Math.ceil(up.length / 2));
          const rest = selectForAdvancement(entries, { ...rule, perFieldCap }, [], picked);
          expect([...picked.map((e) => e.entryId), ...rest.advancing].sort()).toEqual([...result.advancing].sort());
          expect(result.decisions).toHaveLength(entries.length);
          if (result.count !== null) expect(up.length).toBeLessThanOrEqual(result.count);
          if (perFieldCap) for (const field of ['HT', 'PM']) expect(up.filter((e) => e.fieldCode === field).length).toBeLessThanOrEqual(perFieldCap);
          if (rule.kind === 'threshold') for (const e of up) expect(e.score!).toBeGreaterThanOrEqual(rule.minScore);
          for (const e of up) expect(e.score).not.toBeNull();
          // Nobody stays behind while an entry of the same field with a lower score goes up.
          for (const e of entries) {
            if (result.advancing.includes(e.entryId) || e.score === null) continue;
            const outcome = outcomeOf(result, e.entryId);
            if (outcome === 'beyond_field_cap' || outcome === 'tie_at_cut') {
              expect(up.filter((u) => u.fieldCode === e.fieldCode).every((u) => u.score! >= e.score!)).toBe(true);
            } else {
              expect(up.every((u) => u.score! >= e.score!)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('pickProblems', () => {
  const stage = [
    { entryId: 'a', fieldCode: 'HT' },
    { entryId: 'b', fieldCode: 'HT' },
    { entryId: 'c', fieldCode: 'PM' },
  ];

  it('accepts a pick within the cap', () => {
    expect(pickProblems(['a', 'c'], stage, 1)).toEqual([]);
    expect(pickProblems(['a', 'b', 'c'], stage, undefined)).toEqual([]);
  });

  it('refuses unknown entries, duplicates and picks beyond the per-field cap, naming each pick', () => {
    expect(pickProblems(['a', 'x', 'a', 'b'], stage, 1)).toEqual([
      { field: 'entryIds[1]', code: 'UNKNOWN_ENTRY', reason: 'this entry is not in the stage at this unit', params: { entryId: 'x' } },
      { field: 'entryIds[2]', code: 'DUPLICATE_PICK', reason: 'this entry is already picked', params: { entryId: 'a' } },
      { field: 'entryIds[3]', code: 'FIELD_CAP_EXCEEDED', reason: 'at most 1 entries of field HT may go up', params: { entryId: 'b', fieldCode: 'HT', cap: 1 } },
    ]);
  });
});
