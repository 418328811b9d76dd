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
import { rankEntries, RankedEntry, ScoredEntry, scoreKey, tieGroups } from './ranking';

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
  const prizeOf = new Map<string, string>();
  const decisions = new Map<string, PrizeDecision[]>(ranked.map((e) => [e.entryId, []]));
  const fields = [...new Set(entries.map((e) => e.fieldCode))].sort();
  const inScope = (scope: string) => (scope === WHOLE_STAGE ? entries.length : entries.filter((e) => e.fieldCode === scope).length);
  const levels: LevelResult[] = [];
  /** Unused quota waiting for the next level, by the scope it was counted in. */
  let unusedFromPrevious: { scope: 'stage' | 'field'; byScope: Map<string, number> } | null = null;

  for (const level of scheme.levels) {
    const scopes = level.scope === 'stage' ? [WHOLE_STAGE] : fields;
    const unusedHere = new Map<string, number>();
    const results: LevelResult[] = [];
    for (const scope of scopes) {
      const baseQuota = quotaFor(level.quotaKind, level.quota, inScope(scope));
      const carriedIn = scheme.passUnusedQuotaDown ? carriedInto(unusedFromPrevious, level.scope, scope) : 0;
      const quota = baseQuota + carriedIn;
      const pool = ranked.filter((e) => !prizeOf.has(e.entryId) && (scope === WHOLE_STAGE || e.fieldCode === scope));
      const filled = fillLevel(pool, level.code, scope, quota, level.minScore, scheme.tiePolicy);
      for (const [entryId, decision] of filled.decisions) {
        decisions.get(entryId)!.push(decision);
        if (decision.outcome === 'awarded' || decision.outcome === 'awarded_over_quota') prizeOf.set(entryId, level.code);
      }
      const unused = Math.max(0, quota - filled.awarded);
      unusedHere.set(scope, unused);
      results.push({ level: level.code, scope, baseQuota, carriedIn, quota, awarded: filled.awarded, exceededBy: Math.max(0, filled.awarded - quota), unused, passedDown: 0 });
    }
    if (unusedFromPrevious && scheme.passUnusedQuotaDown) markPassedDown(levels, unusedFromPrevious, level.scope);
    levels.push(...results);
    unusedFromPrevious = { scope: level.scope, byScope: unusedHere };
  }

  const listed: PrizeListEntry[] = ranked.map((e: RankedEntry) => ({
    entryId: e.entryId,
    fieldCode: e.fieldCode,
    score: e.score,
    rank: e.rank,
    fieldRank: e.fieldRank,
    tieGroup: e.tieGroup,
    tieGroupSize: e.tieGroupSize,
    decidedBy: e.decidedBy,
    prize: prizeOf.get(e.entryId) ?? null,
    decisions: decisions.get(e.entryId)!,
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

function fillLevel(
  pool: readonly RankedEntry[],
  level: string,
  scope: string,
  quota: number,
  minScore: number,
  tiePolicy: PrizeScheme['tiePolicy'],
): { awarded: number; decisions: Array<[string, PrizeDecision]> } {
  const decisions: Array<[string, PrizeDecision]> = [];
  let used = 0;
  let closed = false;
  const minimum = scoreKey(minScore);
  for (const group of tieGroups(pool)) {
    const decide = (outcome: PrizeOutcome, left: number) => {
      for (const entry of group) decisions.push([entry.entryId, { level, scope, outcome, minScore, quota, usedBefore: used, left, tieGroupSize: group.length }]);
    };
    if (scoreKey(group[0].score) < minimum) {
      decide('below_minimum', Math.max(0, quota - used));
    } else if (closed || used >= quota) {
      decide('quota_full', Math.max(0, quota - used));
    } else if (used + group.length <= quota) {
      decide('awarded', quota - used - group.length);
      used += group.length;
    } else if (tiePolicy === 'all_get_level') {
      decide('awarded_over_quota', 0);
      used += group.length;
    } else {
      decide('tie_group_dropped', quota - used);
      closed = true;
    }
  }
  return { awarded: used, decisions };
}
