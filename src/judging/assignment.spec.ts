import fc from 'fast-check';
import { benchInstance } from '../../bench/assignment';
import { AssignmentInput, AssignmentResult, assignJudges, ConflictKind, CurrentPair, PanelEntry, PanelJudge, ScoreStatus } from './assignment';

// Paths as units.path stores them, with readable codes standing in for the ids.
const path = (...codes: string[]) => `/${codes.join('/')}/`;
const VN = path('VN');
const ST = path('VN', 'ST');
const KS = path('VN', 'ST', 'ST-KS');
const KS03 = path('VN', 'ST', 'ST-KS', 'ST-KS-03');
const KS04 = path('VN', 'ST', 'ST-KS', 'ST-KS-04');
const MT01 = path('VN', 'ST', 'ST-MT', 'ST-MT-01');

const entry = (id: string, unitPath: string, fieldCode = 'PM'): PanelEntry => ({ id, unitPath, fieldCode });
const judge = (id: string, affiliationPath: string | null, fieldCodes = ['PM'], active = true): PanelJudge => ({ id, affiliationPath, fieldCodes, active });

function assigned(input: AssignmentInput) {
  const result = assignJudges(input);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result;
}
const judgesOf = (result: ReturnType<typeof assigned>) => Object.fromEntries(result.assignments.map((a) => [a.entryId, a.judgeIds]));
const loadsOf = (result: ReturnType<typeof assigned>) => Object.fromEntries(result.loads.map((l) => [l.judgeId, l.count]));
const spread = (result: ReturnType<typeof assigned>) => Math.max(...result.loads.map((l) => l.count)) - Math.min(...result.loads.map((l) => l.count));

describe('conflicts of interest', () => {
  it('keeps judges of the entry’s school and district off it, but not judges of the stage’s unit or above', () => {
    const result = assigned({
      entries: [entry('e-ks03', KS03), entry('e-ks04', KS04), entry('e-mt01', MT01)],
      judges: [judge('j-school', KS03), judge('j-district', KS), judge('j-province', ST), judge('j-nation', VN), judge('j-free', null)],
      stageUnitPath: ST,
      judgesPerEntry: 3,
    });
    const byEntry = judgesOf(result);
    expect(byEntry['e-ks03']).toEqual(['j-free', 'j-nation', 'j-province']);
    expect(byEntry['e-ks04']).not.toContain('j-district');
    expect(byEntry['e-ks04']).toHaveLength(3);
    expect(byEntry['e-mt01']).toHaveLength(3);
  });

  it('counts a district judge as a conflict at the province stage but not at the district stage itself', () => {
    const judges = [judge('j-district', KS), judge('j-other', ST)];
    const input = { entries: [entry('e', KS03)], judges, judgesPerEntry: 2 };
    expect(assignJudges({ ...input, stageUnitPath: KS }).ok).toBe(true);
    expect(assignJudges({ ...input, stageUnitPath: ST }).ok).toBe(false);
  });

  it('keeps a judge off an entry with a recorded conflict of any kind', () => {
    for (const kind of ['relative', 'supervisor', 'declared', 'other'] as ConflictKind[]) {
      const result = assigned({
        entries: [entry('e1', KS03), entry('e2', KS03)],
        judges: [judge('a', ST), judge('b', ST)],
        stageUnitPath: ST,
        judgesPerEntry: 1,
        conflicts: [{ judgeId: 'a', entryId: 'e1', kind }],
      });
      expect(judgesOf(result)).toEqual({ e1: ['b'], e2: ['a'] });
    }
  });
});

describe('balance and expertise', () => {
  it('finds the balanced assignment a greedy in entry order misses', () => {
    // Least-loaded-first gives e1 to a, then e2 can only take a: loads 2 and 0.
    const result = assigned({
      entries: [entry('e1', KS03), entry('e2', KS03)],
      judges: [judge('a', ST), judge('b', ST)],
      stageUnitPath: ST,
      judgesPerEntry: 1,
      conflicts: [{ judgeId: 'b', entryId: 'e2', kind: 'declared' }],
    });
    expect(judgesOf(result)).toEqual({ e1: ['b'], e2: ['a'] });
  });

  it('spreads 7 entries × 2 judges over 4 judges as 4, 4, 3, 3', () => {
    const entries = Array.from({ length: 7 }, (_, i) => entry(`e${i}`, KS03));
    const result = assigned({ entries, judges: ['a', 'b', 'c', 'd'].map((id) => judge(id, ST)), stageUnitPath: ST, judgesPerEntry: 2 });
    expect(result.loads.map((l) => l.count).sort()).toEqual([3, 3, 4, 4]);
  });

  it('prefers judges expert in the entry’s field, but never at the cost of balance', () => {
    const entries = [entry('pm1', KS03, 'PM'), entry('pm2', KS03, 'PM'), entry('mt1', KS03, 'MT'), entry('mt2', KS03, 'MT')];
    const judges = [judge('a', ST, ['PM']), judge('b', ST, ['MT']), judge('c', ST, ['MT'])];
    const result = assigned({ entries, judges, stageUnitPath: ST, judgesPerEntry: 1 });
    const byEntry = judgesOf(result);
    expect(spread(result)).toBe(1);
    // Only one PM expert: balance lets a take at most two entries, both PM ones.
    expect(byEntry.pm1).toEqual(['a']);
    expect(byEntry.pm2).toEqual(['a']);
    expect([...byEntry.mt1, ...byEntry.mt2].sort()).toEqual(['b', 'c']);
  });

  it('evens out the judges conflicts allow when one judge can take no entry', () => {
    const entries = Array.from({ length: 6 }, (_, i) => entry(`e${i}`, KS03));
    const result = assigned({ entries, judges: [judge('a', ST), judge('b', ST), judge('c', ST), judge('ks', KS)], stageUnitPath: ST, judgesPerEntry: 2 });
    expect(loadsOf(result)).toEqual({ a: 4, b: 4, c: 4, ks: 0 });
  });

  it('shares a small pool of entries evenly between the only judges who may take it', () => {
    // 4 entries only a and b may judge, 16 only c and d may: a level fill to the average (6) fails for a and b.
    const MT = path('VN', 'ST', 'ST-MT');
    const entries = [...Array.from({ length: 4 }, (_, i) => entry(`ks${i}`, KS03)), ...Array.from({ length: 16 }, (_, i) => entry(`mt${i}`, MT01))];
    const judges = [judge('a', MT), judge('b', MT), judge('c', KS), judge('d', KS)];
    expect(loadsOf(assigned({ entries, judges, stageUnitPath: ST, judgesPerEntry: 1 }))).toEqual({ a: 2, b: 2, c: 8, d: 8 });
  });

  it('gives the same result whatever the order of its inputs', () => {
    const { input } = benchInstance(200, 12, 3, 7);
    const reversed = { ...input, entries: [...input.entries].reverse(), judges: [...input.judges].reverse(), conflicts: [...(input.conflicts ?? [])].reverse() };
    expect(assignJudges(reversed)).toEqual(assignJudges(input));
  });

  it('assigns the benchmark instance (5,000 entries, 60 judges, k = 3) validly and evenly', () => {
    const { input } = benchInstance();
    const result = assigned(input);
    expect(result.assignments).toHaveLength(5000);
    expect(violations(input, result)).toEqual([]);
    expect(spread(result)).toBeLessThanOrEqual(1);
  });
});

describe('when it cannot be done', () => {
  it('says so when the panel has fewer active judges than k', () => {
    const result = assignJudges({
      entries: [entry('e', KS03)],
      judges: [judge('a', ST), judge('b', ST), judge('c', ST, ['PM'], false)],
      stageUnitPath: ST,
      judgesPerEntry: 3,
    });
    expect(result).toEqual({
      ok: false,
      problems: [{ code: 'NOT_ENOUGH_JUDGES', message: 'the panel has 2 active judges, 3 are needed per entry', activeJudges: 2, needed: 3 }],
    });
  });

  it('names the entries that lack eligible judges, per field, and why', () => {
    const result = assignJudges({
      entries: [entry('e1', KS03, 'PM'), entry('e2', KS04, 'PM'), entry('e3', MT01, 'PM'), entry('e4', KS03, 'MT'), entry('e5', KS03, 'PM')],
      judges: [judge('ks', KS), judge('ks03', KS03), judge('a', ST), judge('b', ST)],
      stageUnitPath: ST,
      judgesPerEntry: 3,
      conflicts: [
        { judgeId: 'a', entryId: 'e3', kind: 'relative' },
        { judgeId: 'b', entryId: 'e3', kind: 'declared' },
        { judgeId: 'b', entryId: 'e4', kind: 'supervisor' },
      ],
    });
    const common = { code: 'NOT_ENOUGH_ELIGIBLE_JUDGES', needed: 3, activeJudges: 4 };
    const affiliated = "affiliated with the entry's unit or a unit above it below the stage";
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          ...common,
          message: `field PM has 2 eligible judges, 3 are needed per entry (2 entries; of 4 active judges, 2 are ${affiliated})`,
          entryIds: ['e1', 'e5'],
          field: 'PM',
          eligible: 2,
          affiliated: 2,
          recorded: 0,
        },
        {
          ...common,
          message: 'field PM has 2 eligible judges, 3 are needed per entry (entry e3; of 4 active judges, 2 have a recorded conflict)',
          entryIds: ['e3'],
          field: 'PM',
          eligible: 2,
          affiliated: 0,
          recorded: 2,
        },
        {
          ...common,
          message: `field MT has 1 eligible judge, 3 are needed per entry (entry e4; of 4 active judges, 2 are ${affiliated} and 1 has a recorded conflict)`,
          entryIds: ['e4'],
          field: 'MT',
          eligible: 1,
          affiliated: 2,
          recorded: 1,
        },
      ],
    });
  });
});

describe('re-assignment', () => {
  const entries = Array.from({ length: 6 }, (_, i) => entry(`e${i}`, i % 2 ? KS03 : MT01));
  const judges = ['a', 'b', 'c', 'd'].map((id) => judge(id, ST));
  const first = assigned({ entries, judges, stageUnitPath: ST, judgesPerEntry: 2 });
  const pairs = (result: ReturnType<typeof assigned>) => result.assignments.flatMap((a) => a.judgeIds.map((judgeId) => ({ entryId: a.entryId, judgeId })));
  const scored = (status: (p: { entryId: string; judgeId: string }) => ScoreStatus): CurrentPair[] => pairs(first).map((p) => ({ ...p, scores: status(p) }));

  it('replaces only the pairs of a removed judge and reports them with their scores', () => {
    const current = scored((p) => (p.entryId === 'e0' ? 'confirmed' : 'draft'));
    const result = assigned({ entries, judges: judges.filter((j) => j.id !== 'a'), stageUnitPath: ST, judgesPerEntry: 2, current });
    const ofA = current.filter((p) => p.judgeId === 'a');
    expect(result.dropped).toEqual(ofA.map((p) => ({ ...p, reason: 'judge_removed' })));
    expect(result.added).toHaveLength(ofA.length);
    for (const p of current.filter((p) => p.judgeId !== 'a')) expect(judgesOf(result)[p.entryId]).toContain(p.judgeId);
  });

  it('moves nothing when a judge joins', () => {
    const result = assigned({ entries, judges: [...judges, judge('e', ST)], stageUnitPath: ST, judgesPerEntry: 2, current: scored(() => 'none') });
    expect(result.added).toEqual([]);
    expect(result.dropped).toEqual([]);
    expect(judgesOf(result)).toEqual(judgesOf(first));
  });

  it('drops a confirmed pair only when the judge declares a conflict, and says which', () => {
    const [target] = pairs(first);
    const result = assigned({
      entries,
      judges,
      stageUnitPath: ST,
      judgesPerEntry: 2,
      current: scored(() => 'confirmed'),
      conflicts: [{ ...target, kind: 'declared' }],
    });
    expect(result.dropped).toEqual([{ ...target, scores: 'confirmed', reason: 'conflict', conflict: 'declared' }]);
    expect(result.added).toHaveLength(1);
    expect(result.added[0].entryId).toBe(target.entryId);
    expect(judgesOf(result)[target.entryId]).not.toContain(target.judgeId);
  });

  it('reports pairs of deactivated judges, withdrawn entries and affiliation conflicts', () => {
    const result = assigned({
      entries: [entry('e1', KS03)],
      judges: [judge('a', ST, ['PM'], false), judge('b', KS), judge('c', ST), judge('d', ST)],
      stageUnitPath: ST,
      judgesPerEntry: 2,
      current: [
        { entryId: 'e1', judgeId: 'a', scores: 'draft' },
        { entryId: 'e1', judgeId: 'b', scores: 'confirmed' },
        { entryId: 'gone', judgeId: 'c', scores: 'none' },
      ],
    });
    expect(result.dropped).toEqual([
      { entryId: 'e1', judgeId: 'a', scores: 'draft', reason: 'judge_inactive' },
      { entryId: 'e1', judgeId: 'b', scores: 'confirmed', reason: 'conflict', conflict: 'affiliation' },
      { entryId: 'gone', judgeId: 'c', scores: 'none', reason: 'entry_removed' },
    ]);
    expect(judgesOf(result)).toEqual({ e1: ['c', 'd'] });
  });

  it('keeps scored pairs first when an entry holds more than k judges, and refuses to drop confirmed scores', () => {
    const base = { entries: [entry('e1', KS03)], judges, stageUnitPath: ST, judgesPerEntry: 2 };
    const result = assigned({
      ...base,
      current: [
        { entryId: 'e1', judgeId: 'a', scores: 'none' },
        { entryId: 'e1', judgeId: 'b', scores: 'draft' },
        { entryId: 'e1', judgeId: 'c', scores: 'confirmed' },
      ],
    });
    expect(judgesOf(result)).toEqual({ e1: ['b', 'c'] });
    expect(result.dropped).toEqual([{ entryId: 'e1', judgeId: 'a', scores: 'none', reason: 'surplus' }]);
    const refused = assignJudges({ ...base, current: ['a', 'b', 'c'].map((judgeId) => ({ entryId: 'e1', judgeId, scores: 'confirmed' as const })) });
    expect(refused).toEqual({
      ok: false,
      problems: [{ code: 'CONFIRMED_BEYOND_K', message: 'entry e1 has 3 judges with confirmed scores, more than the 2 judges per entry', entryIds: ['e1'], confirmed: 3, needed: 2 }],
    });
  });
});

// ---- Property tests against an independent model ----

interface World {
  input: AssignmentInput;
}

/** Ancestors of a path, root first, as paths: `/a/b/` → [`/a/`, `/a/b/`]. */
function lineage(unitPath: string): string[] {
  const ids = unitPath.split('/').filter((s) => s.length > 0);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** Conflict as the domain states it, computed without the code under test. */
function conflictedIn(input: AssignmentInput, e: PanelEntry, j: PanelJudge): boolean {
  const stageDepth = lineage(input.stageUnitPath).length;
  const byUnit = j.affiliationPath !== null && lineage(e.unitPath).slice(stageDepth).includes(j.affiliationPath);
  return byUnit || (input.conflicts ?? []).some((c) => c.entryId === e.id && c.judgeId === j.id);
}
const eligibleFor = (input: AssignmentInput, e: PanelEntry) => input.judges.filter((j) => j.active && !conflictedIn(input, e, j));

function violations(input: AssignmentInput, result: AssignmentResult): string[] {
  if (!result.ok) return ['not assigned'];
  const found: string[] = [];
  const judges = new Map(input.judges.map((j) => [j.id, j]));
  if (result.assignments.length !== input.entries.length) found.push('entry count');
  for (const e of input.entries) {
    const ids = result.assignments.find((a) => a.entryId === e.id)?.judgeIds ?? [];
    if (ids.length !== input.judgesPerEntry || new Set(ids).size !== ids.length) found.push(`${e.id}: ${ids.length} judges`);
    for (const id of ids) {
      const j = judges.get(id);
      if (!j || !j.active || conflictedIn(input, e, j)) found.push(`${e.id}: ${id} may not judge it`);
    }
  }
  return found;
}

const world = (maxEntries: number, maxJudges: number, maxK: number) =>
  fc
    .record({
      parents: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      stage: fc.nat(),
      entryUnits: fc.array(fc.tuple(fc.nat(), fc.constantFrom('A', 'B', 'C')), { maxLength: maxEntries }),
      judges: fc.array(fc.record({ unit: fc.option(fc.nat()), fields: fc.subarray(['A', 'B', 'C']), active: fc.boolean() }), { minLength: 1, maxLength: maxJudges }),
      conflicts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom<ConflictKind>('relative', 'supervisor', 'declared', 'other')), { maxLength: 6 }),
      k: fc.integer({ min: 1, max: maxK }),
    })
    .map(({ parents, stage, entryUnits, judges, conflicts, k }): World => {
      // Unit i + 1 hangs under one of the units before it: a random tree rooted at unit 0.
      const paths = ['/u0/'];
      parents.forEach((p, i) => paths.push(`${paths[p % paths.length]}u${i + 1}/`));
      const stagePath = paths[stage % paths.length];
      const under = paths.filter((p) => p.startsWith(stagePath));
      const entries = entryUnits.map(([u, field], i) => entry(`e${i}`, under[u % under.length], field));
      const panel = judges.map((j, i) => judge(`j${i}`, j.unit === null ? null : paths[j.unit % paths.length], j.fields, j.active || i === 0));
      const recorded = entries.length ? conflicts.map(([e, j, kind]) => ({ entryId: entries[e % entries.length].id, judgeId: panel[j % panel.length].id, kind })) : [];
      return { input: { entries, judges: panel, stageUnitPath: stagePath, judgesPerEntry: k, conflicts: recorded } };
    });

/** Every way to complete the kept pairs, scored by (sum of squared loads, off-field pairs); the best score. */
function bruteForceBest(input: AssignmentInput, kept: Map<string, string[]>): [number, number] | null {
  const active = input.judges.filter((j) => j.active);
  const options = input.entries.map((e) => {
    const have = kept.get(e.id) ?? [];
    const free = eligibleFor(input, e).filter((j) => !have.includes(j.id));
    const need = input.judgesPerEntry - have.length;
    const subsets: PanelJudge[][] = [];
    const pick = (from: number, chosen: PanelJudge[]) => {
      if (chosen.length === need) return void subsets.push(chosen);
      for (let i = from; i < free.length; i += 1) pick(i + 1, [...chosen, free[i]]);
    };
    pick(0, []);
    return subsets;
  });
  const load = new Map(active.map((j) => [j.id, 0]));
  for (const list of kept.values()) for (const id of list) load.set(id, load.get(id)! + 1);
  let best: [number, number] | null = null;
  const walk = (i: number, offField: number) => {
    if (i === input.entries.length) {
      const squares = [...load.values()].reduce((s, x) => s + x * x, 0);
      if (!best || squares < best[0] || (squares === best[0] && offField < best[1])) best = [squares, offField];
      return;
    }
    for (const subset of options[i]) {
      for (const j of subset) load.set(j.id, load.get(j.id)! + 1);
      walk(i + 1, offField + subset.filter((j) => !j.fieldCodes.includes(input.entries[i].fieldCode)).length);
      for (const j of subset) load.set(j.id, load.get(j.id)! - 1);
    }
  };
  walk(0, 0);
  return best;
}

function scoreOf(input: AssignmentInput, result: ReturnType<typeof assigned>, kept: Map<string, string[]>): [number, number] {
  const fields = new Map(input.entries.map((e) => [e.id, e.fieldCode]));
  const experts = new Map(input.judges.map((j) => [j.id, j.fieldCodes]));
  const squares = result.loads.reduce((s, l) => s + l.count * l.count, 0);
  const offField = result.assignments
    .flatMap((a) => a.judgeIds.filter((id) => !(kept.get(a.entryId) ?? []).includes(id)).map((id) => !experts.get(id)!.includes(fields.get(a.entryId)!)))
    .filter(Boolean).length;
  return [squares, offField];
}

describe('properties', () => {
  it('gives every entry k distinct eligible judges, or reports exactly the entries that cannot have them', () => {
    fc.assert(
      fc.property(world(25, 9, 5), ({ input }) => {
        const result = assignJudges(input);
        const active = input.judges.filter((j) => j.active).length;
        const short = input.entries.filter((e) => eligibleFor(input, e).length < input.judgesPerEntry).map((e) => e.id);
        if (result.ok) return short.length === 0 && violations(input, result).length === 0;
        expect(Object.keys(result)).toEqual(['ok', 'problems']);
        if (active < input.judgesPerEntry) return result.problems.length === 1 && result.problems[0].code === 'NOT_ENOUGH_JUDGES';
        const reported = result.problems.flatMap((p) => ('entryIds' in p ? p.entryIds : [])).sort();
        return short.length > 0 && JSON.stringify(reported) === JSON.stringify([...short].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('reaches the most even loads there are, then the fewest off-field pairs (checked by brute force)', () => {
    fc.assert(
      fc.property(world(4, 5, 3), ({ input }) => {
        const result = assignJudges(input);
        const best = bruteForceBest(input, new Map());
        if (!result.ok) return best === null;
        expect(scoreOf(input, result, new Map())).toEqual(best);
        // Loads within one of each other exactly when some assignment has them so.
        const active = input.judges.filter((j) => j.active).length;
        const total = input.entries.length * input.judgesPerEntry;
        const q = Math.floor(total / active);
        const balancedSquares = (active - (total - q * active)) * q * q + (total - q * active) * (q + 1) * (q + 1);
        return (best![0] === balancedSquares) === spread(result) <= 1;
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no chain of swaps that would even the loads on larger panels', () => {
    // The optimality certificate of even loads: no judge can hand an entry on, along a chain of swaps between
    // entries, to a judge with two fewer entries.
    fc.assert(
      fc.property(world(40, 8, 5), ({ input }) => {
        const result = assignJudges(input);
        if (!result.ok) return;
        const load = new Map(result.loads.map((l) => [l.judgeId, l.count]));
        const holds = new Map(result.assignments.map((a) => [a.entryId, new Set(a.judgeIds)]));
        const mayTake = new Map(input.entries.map((e) => [e.id, eligibleFor(input, e).map((j) => j.id)]));
        for (const from of load.keys()) {
          const seen = new Set([from]);
          const queue = [from];
          while (queue.length) {
            const j = queue.shift()!;
            if (load.get(from)! - load.get(j)! >= 2) throw new Error(`${from} (${load.get(from)}) could hand an entry on to ${j} (${load.get(j)})`);
            for (const [entryId, judges] of holds) {
              if (!judges.has(j)) continue;
              for (const next of mayTake.get(entryId)!) {
                if (judges.has(next) || seen.has(next)) continue;
                seen.add(next);
                queue.push(next);
              }
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every pair that still holds after a change, drops exactly the others, and adds only what is missing', () => {
    const change = fc.record({
      remove: fc.nat(),
      add: fc.boolean(),
      conflict: fc.tuple(fc.nat(), fc.nat()),
      status: fc.array(fc.constantFrom<ScoreStatus>('none', 'draft', 'confirmed'), { minLength: 1 }),
    });
    fc.assert(
      fc.property(world(5, 6, 3), change, ({ input }, { remove, add, conflict, status }) => {
        const before = assignJudges(input);
        fc.pre(before.ok && input.entries.length > 0);
        if (!before.ok) return;
        const current = before.assignments.flatMap((a, i) => a.judgeIds.map((judgeId, x) => ({ entryId: a.entryId, judgeId, scores: status[(i + x) % status.length] })));
        const judges = input.judges.filter((_, i) => i !== remove % input.judges.length);
        if (add) judges.push(judge('new', null, ['A']));
        const declared = { entryId: input.entries[conflict[0] % input.entries.length].id, judgeId: input.judges[conflict[1] % input.judges.length].id, kind: 'declared' as const };
        const changed: AssignmentInput = { ...input, judges, conflicts: [...(input.conflicts ?? []), declared], current };
        const after = assignJudges(changed);
        const stillHolds = (p: CurrentPair) => {
          const j = judges.find((x) => x.id === p.judgeId);
          return (
            j !== undefined &&
            j.active &&
            !conflictedIn(
              changed,
              input.entries.find((e) => e.id === p.entryId)!,
              j,
            )
          );
        };
        if (!after.ok) return input.entries.some((e) => eligibleFor(changed, e).length < input.judgesPerEntry);
        expect(violations(changed, after)).toEqual([]);
        const now = new Set(after.assignments.flatMap((a) => a.judgeIds.map((j) => `${a.entryId}/${j}`)));
        const holding = current.filter(stillHolds);
        expect(holding.filter((p) => !now.has(`${p.entryId}/${p.judgeId}`))).toEqual([]);
        expect(after.dropped.map(({ entryId, judgeId, scores }) => ({ entryId, judgeId, scores }))).toEqual(current.filter((p) => !stillHolds(p)));
        expect(after.added).toHaveLength(current.length - holding.length);
        // The added judges are the most even and best-fitting completion of what was kept.
        const kept = new Map<string, string[]>();
        for (const p of holding) kept.set(p.entryId, [...(kept.get(p.entryId) ?? []), p.judgeId]);
        expect(scoreOf(changed, after, kept)).toEqual(bruteForceBest(changed, kept));
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic and ignores the order of its inputs', () => {
    fc.assert(
      fc.property(world(25, 9, 5), fc.func(fc.integer()), ({ input }, order) => {
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x, i) => [order(i), i, x] as const)
            .sort((a, b) => a[0] - b[0] || a[1] - b[1])
            .map(([, , x]) => x);
        const shuffled = { ...input, entries: shuffle(input.entries), judges: shuffle(input.judges), conflicts: shuffle(input.conflicts ?? []) };
        expect(assignJudges(shuffled)).toEqual(assignJudges(input));
        expect(assignJudges(input)).toEqual(assignJudges(input));
      }),
      { numRuns: 200 },
    );
  });
});

describe('pins', () => {
  const judges = ['a', 'b', 'c', 'd'].map((id) => judge(id, ST));
  const entries = [entry('e1', KS03), entry('e2', KS03), entry('e3', MT01)];

  it('gives an entry its pinned judges, reports them as new pairs, and balances the rest around them', () => {
    const result = assigned({ entries, judges, stageUnitPath: ST, judgesPerEntry: 2, pins: [{ entryId: 'e1', judgeId: 'd' }] });
    expect(judgesOf(result).e1).toContain('d');
    expect(result.added).toContainEqual({ entryId: 'e1', judgeId: 'd' });
    expect(spread(result)).toBeLessThanOrEqual(1);
  });

  it('keeps a pinned pair before a scored one when the entry has more than k current pairs', () => {
    const current: CurrentPair[] = [
      { entryId: 'e1', judgeId: 'a', scores: 'draft' },
      { entryId: 'e1', judgeId: 'b', scores: 'none' },
    ];
    const result = assigned({ entries, judges, stageUnitPath: ST, judgesPerEntry: 1, current, pins: [{ entryId: 'e1', judgeId: 'b' }] });
    expect(judgesOf(result).e1).toEqual(['b']);
    expect(result.dropped).toEqual([expect.objectContaining({ entryId: 'e1', judgeId: 'a', reason: 'surplus' })]);
    expect(result.added).not.toContainEqual({ entryId: 'e1', judgeId: 'b' });
  });

  it('refuses a pin the conflict rules forbid, a pin of an inactive judge, and more pins than k', () => {
    const problems = (input: Partial<AssignmentInput>) => {
      const result = assignJudges({ entries, judges, stageUnitPath: ST, judgesPerEntry: 2, ...input });
      return result.ok ? [] : result.problems.map((p) => ('why' in p ? `${p.code}:${p.why}` : p.code));
    };
    expect(problems({ judges: [...judges, judge('ks', KS)], pins: [{ entryId: 'e1', judgeId: 'ks' }] })).toEqual(['PIN_CANNOT_HOLD:affiliation']);
    expect(problems({ conflicts: [{ judgeId: 'a', entryId: 'e1', kind: 'relative' }], pins: [{ entryId: 'e1', judgeId: 'a' }] })).toEqual(['PIN_CANNOT_HOLD:relative']);
    expect(problems({ judges: [...judges, judge('off', ST, ['PM'], false)], pins: [{ entryId: 'e1', judgeId: 'off' }] })).toEqual(['PIN_CANNOT_HOLD:judge_inactive']);
    expect(problems({ pins: ['a', 'b', 'c'].map((judgeId) => ({ entryId: 'e1', judgeId })) })).toEqual(['PINS_BEYOND_K']);
    // A pin of an entry that left the panel is no problem.
    expect(problems({ pins: [{ entryId: 'gone', judgeId: 'a' }] })).toEqual([]);
  });
});
