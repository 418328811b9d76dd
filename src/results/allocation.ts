/**
 * Prize allocation for one stage (DOMAIN.md, "Prizes"), pure: every preview, publication and report uses it.
 *
 * Levels fill in the scheme's order, highest first. A level covers the whole stage, or each field apart.
 * Its quota is a count, or a share of the entries in its scope (rounded down: published counts are
 * maximums). Each level takes the next ranked entries without a prize that reach its minimum score,
 * tie group by tie group, until the quota is met. A tie group that straddles the quota's boundary either
 * all gets the level (the quota is exceeded, and the result says by how much) or all drops to the next
 * level, leaving the rest of this level empty: nobody ranked below the group may pass it.
 * Unused quota passes down only when the scheme says so, to the next level: field by field between
 * two per-field levels, summed over the fields from a per-field level to a whole-stage one; a whole-stage
 * level's unused quota cannot be split over fields, so it is not passed to a per-field level (the level's
 * result says so).
 */
import type { PrizeScheme } from '../contests/edition.types';
import { rankEntries, RankedEntry, ScoredEntry, scoreKey } from './ranking';

/** The scope a level's quota is counted in: the whole stage, or one field. */
export const WHOLE_STAGE = '*';

export type PrizeOutcome =
  /** Within the quota, at or above the minimum. */
  | 'awarded'
  /** Its tie group straddled the quota's boundary and the tie policy gives the level to the whole group. */
  | 'awarded_over_quota'
  /** Its tie group straddled the quota's boundary and the tie policy drops the whole group. */
  | 'tie_group_dropped'
  | 'below_minimum'
  /** The level was full (or closed by a dropped tie group ranked above). */
  | 'quota_full';

/** One level's decision about one entry, with what an organiser needs to explain it. */
export interface PrizeDecision {
  level: string;
  /** WHOLE_STAGE or the field code the quota was counted in. */
  scope: string;
  outcome: PrizeOutcome;
  minScore: number;
  /** The level's quota in this scope, carried-over quota included. */
  quota: number;
  /** Prizes of this level given in this scope before this entry's tie group was considered. */
  usedBefore: number;
  /** Quota left after this entry's tie group was decided (0 when exceeded). */
  left: number;
  /** Entries of its tie group inside this scope. */
  tieGroupSize: number;
}

export interface PrizeListEntry {
  entryId: string;
  fieldCode: string;
  /** Null while unscored: such an entry is listed without rank or prize. */
  score: number | null;
  rank: number | null;
  fieldRank: number | null;
  tieGroup: number | null;
  tieGroupSize: number;
  decidedBy: string[];
  prize: string | null;
  /** Every level that considered it, in order; the last one decided its prize (or that it has none). */
  decisions: PrizeDecision[];
}

export interface LevelResult {
  level: string;
  scope: string;
  /** The quota the scheme gives this scope (a share already turned into a count). */
  baseQuota: number;
  carriedIn: number;
  quota: number;
  awarded: number;
  /** How far an all-get-level tie group took the level past its quota. */
  exceededBy: number;
  unused: number;
  /** Unused quota handed to the next level (0 when the scheme does not pass quota down). */
  passedDown: number;
}

export interface PrizeList {
  /** Best first; unscored entries last. */
  entries: PrizeListEntry[];
  levels: LevelResult[];
}

/** A share quota counts whole prizes of the scope's entries, rounded down. */
export function quotaFor(kind: 'count' | 'share', quota: number, entriesInScope: number): number {
  if (kind === 'count') return quota;
  return Math.floor(Math.round(quota * entriesInScope * 1e6) / 1e6);
}

export function allocatePrizes(entries: readonly ScoredEntry[], tieBreak: readonly string[], scheme: PrizeScheme): PrizeList {
  const { ranked, unscored } = rankEntries(entries, tieBreak);
  const prizes: Array<string | null> = ranked.map(() => null);
  const decisions: PrizeDecision[][] = ranked.map(() => []);
  // Positions in the ranking, per scope, best first: each level walks its scope once.
  const positions = new Map<string, number[]>([[WHOLE_STAGE, ranked.map((_, i) => i)]]);
  const counts = new Map<string, number>([[WHOLE_STAGE, entries.length]]);
  ranked.forEach((e, i) => {
    const inField = positions.get(e.fieldCode);
    if (inField) inField.push(i);
    else positions.set(e.fieldCode, [i]);
  });
  for (const e of entries) counts.set(e.fieldCode, (counts.get(e.fieldCode) ?? 0) + 1);
  const fields = [...new Set(entries.map((e) => e.fieldCode))].sort();
  const levels: LevelResult[] = [];
  /** Unused quota waiting for the next level, by the scope it was counted in. */
  let unusedFromPrevious: { scope: 'stage' | 'field'; byScope: Map<string, number> } | null = null;

  for (const level of scheme.levels) {
    const scopes = level.scope === 'stage' ? [WHOLE_STAGE] : fields;
    const unusedHere = new Map<string, number>();
    const results: LevelResult[] = [];
    for (const scope of scopes) {
      const baseQuota = quotaFor(level.quotaKind, level.quota, counts.get(scope) ?? 0);
      const carriedIn = scheme.passUnusedQuotaDown ? carriedInto(unusedFromPrevious, level.scope, scope) : 0;
      const quota = baseQuota + carriedIn;
      const pool = (positions.get(scope) ?? []).filter((i) => prizes[i] === null);
      const awarded = fillLevel(ranked, pool, { level: level.code, scope, quota, minScore: level.minScore }, scheme.tiePolicy, (i, decision) => {
        decisions[i].push(decision);
        if (decision.outcome === 'awarded' || decision.outcome === 'awarded_over_quota') prizes[i] = level.code;
      });
      const unused = Math.max(0, quota - awarded);
      unusedHere.set(scope, unused);
      results.push({ level: level.code, scope, baseQuota, carriedIn, quota, awarded, exceededBy: Math.max(0, awarded - quota), unused, passedDown: 0 });
    }
    if (unusedFromPrevious && scheme.passUnusedQuotaDown) markPassedDown(levels, unusedFromPrevious, level.scope);
    levels.push(...results);
    unusedFromPrevious = { scope: level.scope, byScope: unusedHere };
  }

  const listed: PrizeListEntry[] = ranked.map((e: RankedEntry, i) => ({
    entryId: e.entryId,
    fieldCode: e.fieldCode,
    score: e.score,
    rank: e.rank,
    fieldRank: e.fieldRank,
    tieGroup: e.tieGroup,
    tieGroupSize: e.tieGroupSize,
    decidedBy: e.decidedBy,
    prize: prizes[i],
    decisions: decisions[i],
  }));
  for (const e of unscored) {
    listed.push({ entryId: e.entryId, fieldCode: e.fieldCode, score: null, rank: null, fieldRank: null, tieGroup: null, tieGroupSize: 0, decidedBy: [], prize: null, decisions: [] });
  }
  return { entries: listed, levels };
}

function carriedInto(previous: { scope: 'stage' | 'field'; byScope: Map<string, number> } | null, scope: 'stage' | 'field', key: string): number {
  if (!previous) return 0;
  if (previous.scope === 'field' && scope === 'field') return previous.byScope.get(key) ?? 0;
  if (previous.scope === 'field' && scope === 'stage') return [...previous.byScope.values()].reduce((a, b) => a + b, 0);
  if (previous.scope === 'stage' && scope === 'stage') return previous.byScope.get(WHOLE_STAGE) ?? 0;
  return 0;
}

/** Records on the previous level's results how much of their unused quota the next level took. */
function markPassedDown(levels: LevelResult[], previous: { scope: 'stage' | 'field'; byScope: Map<string, number> }, nextScope: 'stage' | 'field'): void {
  const previousResults = levels.slice(-previous.byScope.size);
  for (const result of previousResults) {
    const passes = !(previous.scope === 'stage' && nextScope === 'field');
    result.passedDown = passes ? result.unused : 0;
  }
}

/**
 * Walks the scope's entries without a prize (positions in the ranking, best first) tie group by tie group and
 * decides each; answers how many got the level. Below the cut most entries get the same decision: they share
 * one object.
 */
function fillLevel(
  ranked: readonly RankedEntry[],
  pool: readonly number[],
  level: Pick<PrizeDecision, 'level' | 'scope' | 'quota' | 'minScore'>,
  tiePolicy: PrizeScheme['tiePolicy'],
  record: (position: number, decision: PrizeDecision) => void,
): number {
  const { quota } = level;
  let used = 0;
  let closed = false;
  let last: PrizeDecision | null = null;
  const minimum = scoreKey(level.minScore);
  for (let start = 0; start < pool.length;) {
    let end = start + 1;
    while (end < pool.length && ranked[pool[end]].tieGroup === ranked[pool[start]].tieGroup) end += 1;
    const size = end - start;
    const usedBefore = used;
    let outcome: PrizeOutcome;
    if (scoreKey(ranked[pool[start]].score) < minimum) outcome = 'below_minimum';
    else if (closed || used >= quota) outcome = 'quota_full';
    else if (used + size <= quota) outcome = 'awarded';
    else outcome = tiePolicy === 'all_get_level' ? 'awarded_over_quota' : 'tie_group_dropped';
    if (outcome === 'awarded' || outcome === 'awarded_over_quota') used += size;
    if (outcome === 'tie_group_dropped') closed = true;
    const left = outcome === 'awarded_over_quota' ? 0 : outcome === 'tie_group_dropped' ? quota - usedBefore : Math.max(0, quota - used);
    if (!last || last.outcome !== outcome || last.usedBefore !== usedBefore || last.left !== left || last.tieGroupSize !== size) {
      last = { level: level.level, scope: level.scope, outcome, minScore: level.minScore, quota, usedBefore, left, tieGroupSize: size };
    }
    for (let i = start; i < end; i += 1) record(pool[i], last);
    start = end;
  }
  return used;
}
