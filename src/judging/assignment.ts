/**
 * Assigns judges to the entries of one panel. Pure: data in, data out, no framework.
 *
 * Rules (DOMAIN.md, "Judging"): every entry gets exactly k distinct active judges, none of them in conflict
 * with it: a judge affiliated with the entry's unit or one of its ancestors strictly below the stage's unit
 * (the stage's own unit and those above it are no conflict), or a recorded conflict. A judge the organiser
 * pinned to an entry is one of its k (before any other current pair); a pin the rules forbid is a problem. Re-assignment keeps every
 * current pair that still holds and adds only the missing judges (fewest moves); within that, judge loads are
 * as even as conflicts allow; within that, judges whose expertise covers the entry's field are preferred.
 *
 * Algorithm. Entries that need the same number of judges, in the same field, out of the same eligible judges
 * are interchangeable and form one class (a few hundred classes for thousands of entries). Filling the missing
 * slots is a min-cost flow: source → class (capacity size × need) → judge (capacity size, as an entry takes a
 * judge once; cost 1 when the judge's expertise misses the field) → sink, where the next entry of a judge at
 * load L costs BIG·(2L + 1), i.e. a convex BIG·L² per judge. The cheapest flow therefore first minimises the
 * sum of squared loads, whose minimum is reached exactly by loads within one of each other whenever such an
 * assignment exists, and otherwise by the most even one (for such flows, also the smallest largest load); then it
 * minimises off-field pairs (BIG exceeds their possible number). A greedy can miss a balanced assignment; this
 * cannot. Solved by primal-dual successive shortest paths: Dijkstra on reduced costs, then a Dinic blocking
 * flow over the zero-reduced-cost arcs. To skip the hundreds of load levels below the average, it first fills
 * every judge to the common level floor(average) (or all it can take) at no load cost; when every judge gets
 * there, no flow of that size is more even, so the convex costs take over from an optimal flow. When some
 * judge cannot, it starts again from a lower level, down to zero.
 * A class's flow is dealt out to its entries round-robin; no judge carries more than the class size, so no
 * entry gets a judge twice. Inputs are sorted by id first: the result does not depend on their order.
 */
import { isWithin } from '../units/unit-rules';

export type ConflictKind = 'relative' | 'supervisor' | 'declared' | 'other';
/** Where a judge stands with an entry's scores: none yet, a draft, or confirmed (counted). */
export type ScoreStatus = 'none' | 'draft' | 'confirmed';

export interface PanelEntry {
  id: string;
  fieldCode: string;
  /** Materialised path of the entry's school (`/<root id>/…/<school id>/`, as `units.path`). */
  unitPath: string;
}

export interface PanelJudge {
  id: string;
  /** Path of the unit the judge belongs to, or null for a judge attached to none. */
  affiliationPath: string | null;
  /** Field codes the judge is expert in. */
  fieldCodes: string[];
  active: boolean;
}

export interface RecordedConflict {
  judgeId: string;
  entryId: string;
  kind: ConflictKind;
}

export interface CurrentPair {
  entryId: string;
  judgeId: string;
  scores: ScoreStatus;
}

export interface AssignmentInput {
  entries: PanelEntry[];
  judges: PanelJudge[];
  stageUnitPath: string;
  judgesPerEntry: number;
  conflicts?: RecordedConflict[];
  /** The panel's assignment so far, when re-assigning. */
  current?: CurrentPair[];
  /** Judges the organiser pinned to entries: kept (or added) first; pins of entries no longer in the panel are ignored. */
  pins?: PinnedPair[];
}

export interface PinnedPair {
  entryId: string;
  judgeId: string;
}

export type DropReason = 'entry_removed' | 'judge_removed' | 'judge_inactive' | 'conflict' | 'surplus';

/** A current pair that no longer holds; its scores (if any) stay on record, the service decides what to keep. */
export interface DroppedPair extends CurrentPair {
  reason: DropReason;
  /** For `conflict`: the judge's affiliation or the recorded conflict's kind. */
  conflict?: 'affiliation' | ConflictKind;
}

export type AssignmentProblem =
  | { code: 'NOT_ENOUGH_JUDGES'; message: string; activeJudges: number; needed: number }
  | {
      code: 'NOT_ENOUGH_ELIGIBLE_JUDGES';
      message: string;
      entryIds: string[];
      field: string;
      eligible: number;
      needed: number;
      activeJudges: number;
      /** Active judges out of the running by affiliation, and by a recorded conflict (each judge counted once). */
      affiliated: number;
      recorded: number;
    }
  | { code: 'CONFIRMED_BEYOND_K'; message: string; entryIds: string[]; confirmed: number; needed: number }
  | { code: 'PIN_CANNOT_HOLD'; message: string; entryIds: string[]; judgeId: string; why: 'affiliation' | ConflictKind | 'judge_inactive' | 'judge_removed' }
  | { code: 'PINS_BEYOND_K'; message: string; entryIds: string[]; pinned: number; needed: number };

export type AssignmentResult =
  | {
      ok: true;
      /** Every entry with its judges, both in id order. */
      assignments: Array<{ entryId: string; judgeIds: string[] }>;
      /** New pairs, in (entry, judge) id order. */
      added: Array<{ entryId: string; judgeId: string }>;
      dropped: DroppedPair[];
      /** Entries per active judge, in id order. */
      loads: Array<{ judgeId: string; count: number }>;
    }
  | { ok: false; problems: AssignmentProblem[] };

const KIND_ORDER: ConflictKind[] = ['relative', 'supervisor', 'declared', 'other'];
const SCORE_RANK: Record<ScoreStatus, number> = { confirmed: 0, draft: 1, none: 2 };
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a judge affiliated at `affiliation` may not judge an entry from `entryUnit` at a stage held at `stageUnit`. */
export function affiliationConflict(affiliation: string | null, entryUnit: string, stageUnit: string): boolean {
  return affiliation !== null && affiliation !== stageUnit && isWithin(affiliation, stageUnit) && isWithin(entryUnit, affiliation);
}

function uniqueIds(items: Array<{ id: string }>, what: string): void {
  for (let i = 1; i < items.length; i += 1) if (items[i].id === items[i - 1].id) throw new Error(`${what} ${items[i].id} is listed twice`);
}

interface EntryClass {
  need: number;
  field: string;
  entries: number[];
  eligible: number[];
}

export function assignJudges(input: AssignmentInput): AssignmentResult {
  const k = input.judgesPerEntry;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`judgesPerEntry must be a whole number of at least 1, got ${k}`);
  const entries = [...input.entries].sort(byId);
  const judges = [...input.judges].sort(byId);
  uniqueIds(entries, 'entry');
  uniqueIds(judges, 'judge');
  const active = judges.filter((j) => j.active);
  const m = active.length;
  const judgeIndex = new Map(active.map((j, i) => [j.id, i]));
  const entryIndex = new Map(entries.map((e, i) => [e.id, i]));
  const knownJudges = new Map(judges.map((j) => [j.id, j]));

  // Per entry, the active judges out of the running and why; entries of one school share their map until a
  // recorded conflict sets one apart.
  const byUnit = new Map<string, Map<number, 'affiliation' | ConflictKind>>();
  const conflicted = entries.map((entry) => {
    let map = byUnit.get(entry.unitPath);
    if (!map) {
      map = new Map();
      for (let j = 0; j < m; j += 1) if (affiliationConflict(active[j].affiliationPath, entry.unitPath, input.stageUnitPath)) map.set(j, 'affiliation');
      byUnit.set(entry.unitPath, map);
    }
    return map;
  });
  const own = new Set<number>();
  for (const c of [...(input.conflicts ?? [])].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))) {
    const e = entryIndex.get(c.entryId);
    const j = judgeIndex.get(c.judgeId);
    if (e === undefined || j === undefined || conflicted[e].has(j)) continue;
    if (!own.has(e)) {
      conflicted[e] = new Map(conflicted[e]);
      own.add(e);
    }
    conflicted[e].set(j, c.kind);
  }

  // Pins: each must hold (an active judge of the panel, not in conflict with the entry) and count among the k.
  const pinProblems: AssignmentProblem[] = [];
  const pinned = new Set<string>();
  const pinsPerEntry = new Map<number, number>();
  for (const pin of [...(input.pins ?? [])].sort((a, b) => compare(a.entryId, b.entryId) || compare(a.judgeId, b.judgeId))) {
    const e = entryIndex.get(pin.entryId);
    const key = `${pin.entryId}\n${pin.judgeId}`;
    if (e === undefined || pinned.has(key)) continue;
    const judge = knownJudges.get(pin.judgeId);
    const why = !judge ? 'judge_removed' : !judge.active ? 'judge_inactive' : conflicted[e].get(judgeIndex.get(judge.id)!);
    if (why) {
      pinProblems.push({ code: 'PIN_CANNOT_HOLD', message: `judge ${pin.judgeId} is pinned to entry ${pin.entryId} but cannot judge it (${why})`, entryIds: [pin.entryId], judgeId: pin.judgeId, why });
      continue;
    }
    pinned.add(key);
    pinsPerEntry.set(e, (pinsPerEntry.get(e) ?? 0) + 1);
  }
  for (const [e, count] of pinsPerEntry) {
    if (count > k)
      pinProblems.push({
        code: 'PINS_BEYOND_K',
        message: `entry ${entries[e].id} has ${count} pinned judges, more than the ${k} judges per entry`,
        entryIds: [entries[e].id],
        pinned: count,
        needed: k,
      });
  }

  // Current pairs: what still holds is kept (up to k, pinned then scored ones first), the rest is dropped with its reason.
  const dropped: DroppedPair[] = [];
  const holding: CurrentPair[][] = entries.map(() => []);
  const seen = new Map<string, CurrentPair>();
  const isPinned = (pair: { entryId: string; judgeId: string }) => pinned.has(`${pair.entryId}\n${pair.judgeId}`);
  for (const pin of input.pins ?? []) if (isPinned(pin)) seen.set(`${pin.entryId}\n${pin.judgeId}`, { ...pin, scores: 'none' });
  for (const pair of input.current ?? []) {
    const key = `${pair.entryId}\n${pair.judgeId}`;
    const before = seen.get(key);
    if (!before || SCORE_RANK[pair.scores] < SCORE_RANK[before.scores]) seen.set(key, pair);
  }
  const currentKeys = new Set((input.current ?? []).map((pair) => `${pair.entryId}\n${pair.judgeId}`));
  const current = [...seen.values()].sort((a, b) => compare(a.entryId, b.entryId) || compare(a.judgeId, b.judgeId));
  for (const pair of current) {
    const e = entryIndex.get(pair.entryId);
    const judge = knownJudges.get(pair.judgeId);
    const plain = { entryId: pair.entryId, judgeId: pair.judgeId, scores: pair.scores };
    if (e === undefined) dropped.push({ ...plain, reason: 'entry_removed' });
    else if (!judge) dropped.push({ ...plain, reason: 'judge_removed' });
    else if (!judge.active) dropped.push({ ...plain, reason: 'judge_inactive' });
    else if (conflicted[e].has(judgeIndex.get(judge.id)!)) dropped.push({ ...plain, reason: 'conflict', conflict: conflicted[e].get(judgeIndex.get(judge.id)!) });
    else holding[e].push(plain);
  }
  const kept: number[][] = [];
  const overConfirmed = new Map<number, string[]>();
  holding.forEach((pairs, e) => {
    pairs.sort((a, b) => Number(isPinned(b)) - Number(isPinned(a)) || SCORE_RANK[a.scores] - SCORE_RANK[b.scores] || compare(a.judgeId, b.judgeId));
    const confirmed = pairs.filter((p) => p.scores === 'confirmed').length;
    if (confirmed > k) overConfirmed.set(confirmed, [...(overConfirmed.get(confirmed) ?? []), entries[e].id]);
    for (const extra of pairs.slice(k)) dropped.push({ ...extra, reason: 'surplus' });
    kept.push(pairs.slice(0, k).map((p) => judgeIndex.get(p.judgeId)!));
  });

  const problems = [...pinProblems, ...infeasibility(entries, conflicted, m, k)];
  for (const [confirmed, entryIds] of overConfirmed) {
    problems.push({
      code: 'CONFIRMED_BEYOND_K',
      message: `${entryIds.length === 1 ? `entry ${entryIds[0]} has` : `${entryIds.length} entries have`} ${confirmed} judges with confirmed scores, more than the ${k} judges per entry`,
      entryIds,
      confirmed,
      needed: k,
    });
  }
  if (problems.length) return { ok: false, problems };

  const classes = classesOf(entries, conflicted, kept, m, k);
  const base = new Array<number>(m).fill(0);
  for (const list of kept) for (const j of list) base[j] += 1;
  const flows = balancedFlow(classes, active, base);

  const chosen = kept.map((list) => [...list]);
  const added: Array<{ entryId: string; judgeId: string }> = [];
  classes.forEach((cls, c) => {
    // Round-robin over the class's entries: judge after judge, each taking the next flows[c][x] entries cyclically.
    let slot = 0;
    cls.eligible.forEach((j, x) => {
      for (let n = 0; n < flows[c][x]; n += 1, slot += 1) chosen[cls.entries[slot % cls.entries.length]].push(j);
    });
  });
  const assignments = entries.map((entry, e) => {
    const judgeIds = chosen[e].map((j) => active[j].id).sort(compare);
    // New pairs: all but the current ones (a pin of a judge not yet assigned is new too).
    for (const j of chosen[e]) if (!currentKeys.has(`${entry.id}\n${active[j].id}`)) added.push({ entryId: entry.id, judgeId: active[j].id });
    return { entryId: entry.id, judgeIds };
  });
  added.sort((a, b) => compare(a.entryId, b.entryId) || compare(a.judgeId, b.judgeId));
  const loads = active.map((j) => ({ judgeId: j.id, count: 0 }));
  for (const list of chosen) for (const j of list) loads[j].count += 1;
  dropped.sort((a, b) => compare(a.entryId, b.entryId) || compare(a.judgeId, b.judgeId));
  return { ok: true, assignments, added, dropped, loads };
}

/** Why some entries cannot get k judges, in the words an organiser needs; empty when every entry can. */
function infeasibility(entries: PanelEntry[], conflicted: Array<Map<number, string>>, m: number, k: number): AssignmentProblem[] {
  if (entries.length > 0 && m < k) {
    return [{ code: 'NOT_ENOUGH_JUDGES', message: `the panel has ${m} active judge${m === 1 ? '' : 's'}, ${k} are needed per entry`, activeJudges: m, needed: k }];
  }
  const groups = new Map<string, { field: string; eligible: number; affiliated: number; recorded: number; entryIds: string[] }>();
  entries.forEach((entry, e) => {
    const eligible = m - conflicted[e].size;
    if (eligible >= k) return;
    const affiliated = [...conflicted[e].values()].filter((why) => why === 'affiliation').length;
    const recorded = conflicted[e].size - affiliated;
    const key = `${entry.fieldCode}\n${eligible}\n${affiliated}\n${recorded}`;
    const group = groups.get(key) ?? { field: entry.fieldCode, eligible, affiliated, recorded, entryIds: [] };
    group.entryIds.push(entry.id);
    groups.set(key, group);
  });
  return [...groups.values()].map((g) => {
    const why = [
      g.affiliated ? `${g.affiliated} ${g.affiliated === 1 ? 'is' : 'are'} affiliated with the entry's unit or a unit above it below the stage` : '',
      g.recorded ? `${g.recorded} ${g.recorded === 1 ? 'has' : 'have'} a recorded conflict` : '',
    ].filter(Boolean);
    const whom = g.entryIds.length === 1 ? `entry ${g.entryIds[0]}` : `${g.entryIds.length} entries`;
    return {
      code: 'NOT_ENOUGH_ELIGIBLE_JUDGES' as const,
      message:
        `field ${g.field} has ${g.eligible} eligible judge${g.eligible === 1 ? '' : 's'}, ${k} ${k === 1 ? 'is' : 'are'} needed per entry ` + `(${whom}; of ${m} active judges, ${why.join(' and ')})`,
      entryIds: g.entryIds,
      field: g.field,
      eligible: g.eligible,
      needed: k,
      activeJudges: m,
      affiliated: g.affiliated,
      recorded: g.recorded,
    };
  });
}

/** Entries still needing judges, grouped by (need, field, judges they may not get). */
function classesOf(entries: PanelEntry[], conflicted: Array<Map<number, unknown>>, kept: number[][], m: number, k: number): EntryClass[] {
  const classes = new Map<string, EntryClass>();
  entries.forEach((entry, e) => {
    const need = k - kept[e].length;
    if (need === 0) return;
    const excluded = [...conflicted[e].keys(), ...kept[e]].sort((a, b) => a - b);
    const key = `${need}\n${entry.fieldCode}\n${excluded.join(',')}`;
    let cls = classes.get(key);
    if (!cls) {
      const out = new Set(excluded);
      cls = { need, field: entry.fieldCode, entries: [], eligible: Array.from({ length: m }, (_, j) => j).filter((j) => !out.has(j)) };
      classes.set(key, cls);
    }
    cls.entries.push(e);
  });
  return [...classes.values()];
}

/** A residual network with paired arcs (arc a's reverse is a ^ 1). */
class Network {
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly to: Int32Array;
  readonly cap: Float64Array;
  readonly cost: Float64Array;
  private arcs = 0;

  constructor(nodes: number, arcs: number) {
    this.head = new Int32Array(nodes).fill(-1);
    this.next = new Int32Array(arcs * 2);
    this.to = new Int32Array(arcs * 2);
    this.cap = new Float64Array(arcs * 2);
    this.cost = new Float64Array(arcs * 2);
  }

  add(from: number, to: number, cap: number, cost: number): number {
    const a = this.arcs;
    this.link(a, from, to, cap, cost);
    this.link(a + 1, to, from, 0, -cost);
    this.arcs += 2;
    return a;
  }

  private link(a: number, from: number, to: number, cap: number, cost: number): void {
    this.to[a] = to;
    this.cap[a] = cap;
    this.cost[a] = cost;
    this.next[a] = this.head[from];
    this.head[from] = a;
  }
}

/** A binary min-heap of (key, node) pairs. */
class Heap {
  private keys: number[] = [];
  private nodes: number[] = [];
  /** The key of the pair `pop` last removed. */
  lastKey = 0;

  get size(): number {
    return this.keys.length;
  }

  push(key: number, node: number): void {
    const { keys, nodes } = this;
    let i = keys.length;
    keys.push(key);
    nodes.push(node);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      nodes[i] = nodes[p];
      i = p;
    }
    keys[i] = key;
    nodes[i] = node;
  }

  /** Removes the smallest pair and returns its node. */
  pop(): number {
    const { keys, nodes } = this;
    const top = nodes[0];
    this.lastKey = keys[0];
    const key = keys.pop()!;
    const node = nodes.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1] < keys[c]) c += 1;
        if (keys[c] >= key) break;
        keys[i] = keys[c];
        nodes[i] = nodes[c];
        i = c;
      }
      keys[i] = key;
      nodes[i] = node;
    }
    return top;
  }
}

/**
 * The flow of each class to each of its eligible judges (flows[c][x] for classes[c].eligible[x]), with the
 * most even loads `base` + flow allows, then the fewest off-field pairs.
 */
function balancedFlow(classes: EntryClass[], judges: PanelJudge[], base: number[]): number[][] {
  const m = judges.length;
  const S = 0;
  const T = 1;
  const classNode = (c: number) => 2 + c;
  const judgeNode = (j: number) => 2 + classes.length + j;
  const V = 2 + classes.length + m;
  const total = classes.reduce((sum, cls) => sum + cls.entries.length * cls.need, 0);
  if (total === 0) return classes.map((cls) => cls.eligible.map(() => 0));
  const big = total + 1;
  const net = new Network(V, classes.length + classes.reduce((sum, cls) => sum + cls.eligible.length, 0) + m);
  const reach = new Array<number>(m).fill(0);
  const judgeArcs = classes.map((cls, c) => {
    net.add(S, classNode(c), cls.entries.length * cls.need, 0);
    return cls.eligible.map((j) => {
      reach[j] += cls.entries.length;
      return net.add(classNode(c), judgeNode(j), cls.entries.length, judges[j].fieldCodes.includes(cls.field) ? 0 : 1);
    });
  });
  const sinkArc = judges.map((_, j) => net.add(judgeNode(j), T, 0, 0));
  const initialCap = net.cap.slice();
  const load = base.slice();
  const pi = new Float64Array(V);
  const dist = new Float64Array(V);
  const level = new Int32Array(V);
  const iter = new Int32Array(V);
  const heap = new Heap();
  let convex = false;

  const setConvexSink = (j: number) => {
    net.cap[sinkArc[j]] = 1;
    net.cost[sinkArc[j]] = big * (2 * load[j] + 1);
  };
  const admissible = (u: number, a: number) => net.cap[a] > 0 && dist[u] < Infinity && dist[net.to[a]] < Infinity && net.cost[a] + pi[u] - pi[net.to[a]] === 0;

  /** Shortest distances on reduced costs, then potentials moved onto them; false when the sink is out of reach. */
  const dijkstra = (): boolean => {
    dist.fill(Infinity);
    dist[S] = 0;
    heap.push(0, S);
    while (heap.size) {
      const u = heap.pop();
      const d = heap.lastKey;
      if (d > dist[u] || u === T) continue;
      for (let a = net.head[u]; a !== -1; a = net.next[a]) {
        if (net.cap[a] <= 0) continue;
        const v = net.to[a];
        const nd = d + net.cost[a] + pi[u] - pi[v];
        if (nd < dist[v]) {
          dist[v] = nd;
          heap.push(nd, v);
        }
      }
    }
    if (dist[T] === Infinity) return false;
    for (let v = 0; v < V; v += 1) if (dist[v] < Infinity) pi[v] += dist[v];
    return true;
  };

  /** Potentials from scratch (Bellman-Ford with a queue), for when sink costs change under a flow. */
  const spfa = () => {
    dist.fill(Infinity);
    dist[S] = 0;
    const queued = new Uint8Array(V);
    const queue = [S];
    queued[S] = 1;
    for (let h = 0; h < queue.length; h += 1) {
      const u = queue[h];
      queued[u] = 0;
      if (u === T) continue;
      for (let a = net.head[u]; a !== -1; a = net.next[a]) {
        if (net.cap[a] <= 0) continue;
        const v = net.to[a];
        if (dist[u] + net.cost[a] < dist[v]) {
          dist[v] = dist[u] + net.cost[a];
          if (!queued[v]) {
            queued[v] = 1;
            queue.push(v);
          }
        }
      }
    }
    for (let v = 0; v < V; v += 1) pi[v] = dist[v] < Infinity ? dist[v] : 0;
  };

  const push = (a: number, amount: number) => {
    net.cap[a] -= amount;
    net.cap[a ^ 1] += amount;
    if (net.to[a] === T) {
      const j = net.to[a ^ 1] - 2 - classes.length;
      load[j] += amount;
      if (convex) setConvexSink(j);
    }
  };

  /** Max flow over the arcs of zero reduced cost (Dinic), returns the amount sent. */
  const blockingFlow = (): number => {
    let sent = 0;
    const path: number[] = [];
    for (;;) {
      level.fill(-1);
      level[S] = 0;
      const queue = [S];
      for (let h = 0; h < queue.length; h += 1) {
        const u = queue[h];
        if (u === T) continue;
        for (let a = net.head[u]; a !== -1; a = net.next[a]) {
          const v = net.to[a];
          if (level[v] === -1 && admissible(u, a)) {
            level[v] = level[u] + 1;
            queue.push(v);
          }
        }
      }
      if (level[T] === -1) return sent;
      for (let v = 0; v < V; v += 1) iter[v] = net.head[v];
      let u = S;
      for (;;) {
        if (u === T) {
          let amount = Infinity;
          for (const a of path) amount = Math.min(amount, net.cap[a]);
          for (const a of path) push(a, amount);
          sent += amount;
          path.length = 0;
          u = S;
          continue;
        }
        let a = iter[u];
        while (a !== -1 && !(level[net.to[a]] === level[u] + 1 && admissible(u, a))) a = net.next[a];
        iter[u] = a;
        if (a !== -1) {
          path.push(a);
          u = net.to[a];
          continue;
        }
        if (u === S) break;
        level[u] = -1;
        const back = path.pop()!;
        u = net.to[back ^ 1];
        iter[u] = net.next[iter[u]];
      }
    }
  };

  const run = (): number => {
    let sent = 0;
    while (dijkstra()) sent += blockingFlow();
    return sent;
  };

  // Common start level: the floor of the average load, lowered until its fill fits in the flow.
  const fillTo = (level: number) => judges.map((_, j) => Math.max(0, Math.min(level, base[j] + reach[j]) - base[j]));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  let start = Math.floor((total + sum(base)) / m);
  while (start > 0 && sum(fillTo(start)) > total) start -= 1;
  for (; start > 0; start = Math.floor(start / 2)) {
    const fill = fillTo(start);
    fill.forEach((amount, j) => (net.cap[sinkArc[j]] = amount));
    if (run() === sum(fill)) break;
    net.cap.set(initialCap);
    load.splice(0, m, ...base);
    pi.fill(0);
  }
  convex = true;
  judges.forEach((_, j) => setConvexSink(j));
  if (start > 0) spfa();
  run();
  return judgeArcs.map((arcs) => arcs.map((a) => initialCap[a] - net.cap[a]));
}
