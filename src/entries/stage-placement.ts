import type { StageRecord } from './entries.repository';

/** Where a stage record must point after a move, or that no unit of the stage's level lies above its school. */
export interface StagePlacement {
  moves: Array<{ id: string; unitId: string }>;
  unplaced: number;
}

/**
 * The unit that runs each stage for an entry is its school's nearest unit at the stage's level. Given the records and
 * that nearest unit per (school path, level), says which records move and how many have no such unit any more.
 */
export function placeStageRecords(
  records: readonly StageRecord[],
  levelOf: (stageId: string) => string | undefined,
  runnerAt: (unitPath: string, levelCode: string) => string | null | undefined,
): StagePlacement {
  const moves: StagePlacement['moves'] = [];
  let unplaced = 0;
  for (const record of records) {
    const level = levelOf(record.stageId);
    const runner = level === undefined ? null : runnerAt(record.unitPath, level);
    if (!runner) unplaced += 1;
    else if (runner !== record.unitId) moves.push({ id: record.id, unitId: runner });
  }
  return { moves, unplaced };
}
