import type { ScoredEntry } from './ranking';
import type { StageEntryRow, StageRow } from './results.repository';
import type { StageScore } from './stage-scores';

export interface Candidate extends ScoredEntry {
  /** The score as judging gave it, fixed decimals kept. */
  scoreText: string | null;
  row: StageEntryRow;
}

/**
 * The entries of a stage at a unit with the scores judging gave them, ready to rank. An entry judging does not
 * report, or reports without a score, is unscored; scores of entries no longer at the stage are ignored.
 */
export function candidates(stage: Pick<StageRow, 'tieBreak'>, rows: readonly StageEntryRow[], scores: readonly StageScore[]): Candidate[] {
  const byEntry = new Map<string, StageScore>();
  for (const s of scores) byEntry.set(s.entryId, s);
  const codes = stage.tieBreak;
  // Plain loops: a stage of thousands of entries is read on every preview (bench/results.ts).
  const list: Candidate[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r];
    const score = byEntry.get(row.entryId);
    const criteria: Record<string, number> = {};
    if (score) {
      for (let i = 0; i < codes.length; i += 1) {
        const value = score.tieBreak[i];
        if (value !== null && value !== undefined) criteria[codes[i]] = Number(value);
      }
    }
    const text = score?.score ?? null;
    list[r] = { entryId: row.entryId, fieldCode: row.fieldCode, score: text === null ? null : Number(text), criteria, scoreText: text, row };
  }
  return list;
}
