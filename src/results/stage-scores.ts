/**
 * The seam between judging and results. Results never reads judging's tables: it asks for the scores of one
 * stage at some units through this interface, bound to STAGE_SCORE_READER (judging's JudgedStageScores in the app;
 * tests may put their own scores behind it).
 */

export interface StageScore {
  entryId: string;
  fieldId: string;
  /** The unit that registered the entry (its school or organisation). */
  unitId: string;
  /** The entry's aggregated score as a fixed-decimal string ("87.250"), or null while it is not fully judged. */
  score: string | null;
  /** Aggregated points of the stage's tie-break criteria, in the stage's tie-break order (null: no points yet). */
  tieBreak: Array<string | null>;
}

export interface StageScoreReader {
  /** Scores of the entries of `stageId` run at any of `unitIds` (closed panels only count as judged). */
  scoresAt(stageId: string, unitIds: readonly string[]): Promise<StageScore[]>;
}

export const STAGE_SCORE_READER = Symbol('STAGE_SCORE_READER');
