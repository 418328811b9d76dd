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

function criterionKey(entry: ScoredEntry, code: string): number {
  return scoreKey(entry.criteria[code] ?? 0);
}

/** Index of the first tie-break criterion on which a and b differ, or -1 when they are equal on all. */
function firstDifference(a: ScoredEntry, b: ScoredEntry, tieBreak: readonly string[]): number {
  return tieBreak.findIndex((code) => criterionKey(a, code) !== criterionKey(b, code));
}

function compare(a: ScoredEntry, b: ScoredEntry, tieBreak: readonly string[]): number {
  const byScore = scoreKey(b.score!) - scoreKey(a.score!);
  if (byScore !== 0) return byScore;
  for (const code of tieBreak) {
    const byCriterion = criterionKey(b, code) - criterionKey(a, code);
    if (byCriterion !== 0) return byCriterion;
  }
  return 0;
}

export function rankEntries(entries: readonly ScoredEntry[], tieBreak: readonly string[]): Ranking {
  const scored = entries.filter((e) => e.score !== null && Number.isFinite(e.score));
  const unscored = entries.filter((e) => !(e.score !== null && Number.isFinite(e.score)));
  // Within a tie group the order carries no meaning; the entry id only makes it repeatable.
  const order = [...scored].sort((a, b) => compare(a, b, tieBreak) || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));

  const sameScore = new Map<number, number>();
  for (const entry of order) sameScore.set(scoreKey(entry.score!), (sameScore.get(scoreKey(entry.score!)) ?? 0) + 1);

  const ranked: RankedEntry[] = [];
  const fieldSeen = new Map<string, { count: number; lastRank: number; last: ScoredEntry | null }>();
  order.forEach((entry, index) => {
    const previous = ranked[index - 1];
    const tiedWithPrevious = previous !== undefined && compare(previous, entry, tieBreak) === 0;
    const rank = tiedWithPrevious ? previous.rank : index + 1;

    const field = fieldSeen.get(entry.fieldCode) ?? { count: 0, lastRank: 0, last: null };
    const fieldRank = field.last && compare(field.last, entry, tieBreak) === 0 ? field.lastRank : field.count + 1;
    fieldSeen.set(entry.fieldCode, { count: field.count + 1, lastRank: fieldRank, last: entry });

    ranked.push({ ...entry, score: entry.score!, rank, fieldRank, tieGroup: rank, tieGroupSize: 1, sameScore: sameScore.get(scoreKey(entry.score!))!, decidedBy: [] });
  });

  const groupSizes = new Map<number, number>();
  for (const entry of ranked) groupSizes.set(entry.tieGroup, (groupSizes.get(entry.tieGroup) ?? 0) + 1);
  ranked.forEach((entry, index) => {
    entry.tieGroupSize = groupSizes.get(entry.tieGroup)!;
    if (entry.sameScore === 1) return;
    // The criteria needed to place it against its equal-score neighbours; all of them when it stays tied.
    let deepest = -1;
    for (const neighbour of [ranked[index - 1], ranked[index + 1]]) {
      if (!neighbour || scoreKey(neighbour.score) !== scoreKey(entry.score)) continue;
      const differs = firstDifference(entry, neighbour, tieBreak);
      deepest = Math.max(deepest, differs === -1 ? tieBreak.length - 1 : differs);
    }
    entry.decidedBy = tieBreak.slice(0, deepest + 1);
  });
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
