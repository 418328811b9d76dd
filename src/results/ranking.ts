/**
 * The one place that orders entries by score (DOMAIN.md, "Prizes"): score first, then the stage's ordered
 * tie-break criteria; entries still equal form a tie group and share a rank (competition ranking: 1, 2, 2, 4).
 * Pure: prize allocation, advancement, previews and reports all rank through here.
 */

export interface ScoredEntry {
  entryId: string;
  fieldCode: string;
  /** The stage's aggregated score (fixed decimals), or null while the entry has none. */
  score: number | null;
  /** Aggregated points per rubric criterion code, read by the tie-break. A missing criterion counts as 0. */
  criteria: Readonly<Record<string, number>>;
}

export interface RankedEntry extends ScoredEntry {
  score: number;
  /** 1 + the number of entries ranked strictly above. */
  rank: number;
  /** The same, counting only entries of the same field. */
  fieldRank: number;
  /** Entries equal on score and every tie-break criterion share a group number (its first rank). */
  tieGroup: number;
  tieGroupSize: number;
  /** How many entries share this entry's score, itself included (1 when no tie-break was needed). */
  sameScore: number;
  /** The tie-break criteria that were compared to separate it from equal-score neighbours, in order. */
  decidedBy: string[];
}

export interface Ranking {
  ranked: RankedEntry[];
  unscored: ScoredEntry[];
}

/** Scores carry at most three decimals: compare them as integers, never as floats. */
export const scoreKey = (score: number): number => Math.round(score * 1000);

const byId = (a: ScoredEntry, b: ScoredEntry) => (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0);
const NO_CRITERIA: readonly string[] = Object.freeze([]);

export function rankEntries(entries: readonly ScoredEntry[], tieBreak: readonly string[]): Ranking {
  const scored: ScoredEntry[] = [];
  const unscored: ScoredEntry[] = [];
  for (const e of entries) (e.score !== null && Number.isFinite(e.score) ? scored : unscored).push(e);

  // Every entry's keys (score, then each tie-break criterion) as integers, computed once: a stage of thousands
  // sorts by comparing numbers, not by reading criteria objects in every comparison.
  const width = 1 + tieBreak.length;
  const keys = new Float64Array(scored.length * width);
  scored.forEach((e, i) => {
    keys[i * width] = scoreKey(e.score!);
    tieBreak.forEach((code, j) => (keys[i * width + 1 + j] = scoreKey(e.criteria[code] ?? 0)));
  });
  /** The first key on which entries a and b differ (0: score, j + 1: tie-break criterion j), or -1 when equal on all. */
  const firstDifference = (a: number, b: number): number => {
    for (let k = 0; k < width; k += 1) if (keys[a * width + k] !== keys[b * width + k]) return k;
    return -1;
  };
  const compare = (a: number, b: number): number => {
    const k = firstDifference(a, b);
    // A small integer, not the keys' difference: a difference of doubles is boxed on every one of a sort's comparisons.
    return k === -1 ? 0 : keys[b * width + k] > keys[a * width + k] ? 1 : -1;
  };
  // Within a tie group the order carries no meaning; the entry id only makes it repeatable.
  const order = scored.map((_, i) => i).sort((a, b) => compare(a, b) || byId(scored[a], scored[b]));

  const sameScore = new Map<number, number>();
  for (let i = 0; i < scored.length; i += 1) sameScore.set(keys[i * width], (sameScore.get(keys[i * width]) ?? 0) + 1);
  const decidedByPrefix = tieBreak.map((_, i) => tieBreak.slice(0, i + 1));

  const ranked: RankedEntry[] = [];
  const lastInField = new Map<string, { count: number; rank: number; index: number }>();
  order.forEach((index, position) => {
    const entry = scored[index];
    const previous = position > 0 ? order[position - 1] : -1;
    const rank = previous !== -1 && compare(previous, index) === 0 ? ranked[position - 1].rank : position + 1;
    const field = lastInField.get(entry.fieldCode);
    const fieldRank = field && compare(field.index, index) === 0 ? field.rank : (field?.count ?? 0) + 1;
    lastInField.set(entry.fieldCode, { count: (field?.count ?? 0) + 1, rank: fieldRank, index });
    const same = sameScore.get(keys[index * width])!;
    let decidedBy = NO_CRITERIA;
    if (same > 1) {
      // The criteria needed to place it against its equal-score neighbours; all of them when it stays tied.
      let deepest = -1;
      for (const neighbour of [previous, position + 1 < order.length ? order[position + 1] : -1]) {
        if (neighbour === -1 || keys[neighbour * width] !== keys[index * width]) continue;
        const k = firstDifference(index, neighbour);
        deepest = Math.max(deepest, k === -1 ? tieBreak.length - 1 : k - 1);
      }
      if (deepest >= 0) decidedBy = decidedByPrefix[deepest];
    }
    // One literal of one shape, not a spread or a copy: spreading thousands of entries measured tens of times slower (bench/results.ts).
    ranked.push({
      entryId: entry.entryId,
      fieldCode: entry.fieldCode,
      score: entry.score!,
      criteria: entry.criteria,
      rank,
      fieldRank,
      tieGroup: rank,
      tieGroupSize: 1,
      sameScore: same,
      decidedBy: decidedBy as string[],
    });
  });
  for (let start = 0; start < ranked.length;) {
    let end = start + 1;
    while (end < ranked.length && ranked[end].tieGroup === ranked[start].tieGroup) end += 1;
    for (let i = start; i < end; i += 1) ranked[i].tieGroupSize = end - start;
    start = end;
  }
  return { ranked, unscored };
}

/** Ranked entries in runs of equal rank: the tie groups, best first. */
export function tieGroups<T extends { tieGroup: number }>(ranked: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const entry of ranked) {
    const last = groups[groups.length - 1];
    if (last && last[0].tieGroup === entry.tieGroup) last.push(entry);
    else groups.push([entry]);
  }
  return groups;
}
