import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JudgedStages } from '../contests/stage-scores';
import { aggregateTotals, formatHundredths, normalisedTotals, toHundredths } from './aggregation';
import { JudgingRepository } from './judging.repository';

/** One entry's standing after judging, as results ranks it (fixed decimals as text, like every score here). */
export interface JudgedEntryScore {
  entryId: string;
  fieldId: string;
  unitId: string;
  /** The stage's aggregate of confirmed totals; null until the entry's panel has closed. */
  score: string | null;
  /** Mean confirmed points of each tie-break criterion, in the stage's order. */
  tieBreak: Array<string | null>;
}

/**
 * What judging tells results: the scores of a stage at some units, from the panels there. Only a closed panel's
 * scores are final; entries of a panel still open come back without a score. Results reads this through its
 * StageScoreReader seam and never reads judging's tables.
 */
@Injectable()
export class JudgedStageScores {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: JudgingRepository,
    private readonly stages: JudgedStages,
  ) {}

  /** The scores of a stage at each of these units, read for all of them at once (a bulk advancement's hundreds of units). */
  async scoresAt(stageId: string, unitIds: readonly string[]): Promise<JudgedEntryScore[]> {
    const manager = this.db.manager;
    const stage = await this.stages.get(manager, stageId);
    if (!stage || unitIds.length === 0) return [];
    const panels = await this.repo.panelsAt(manager, stageId, unitIds);
    if (panels.length === 0) return [];
    const [allSheets, entriesOf] = await Promise.all([
      this.repo.confirmedSheets(
        manager,
        panels.map((p) => p.id),
      ),
      this.repo.entriesOfPanels(manager, stageId, panels),
    ]);
    const sheetsOfPanel = new Map<string, typeof allSheets>(panels.map((p) => [p.id, []]));
    for (const sheet of allSheets) sheetsOfPanel.get(sheet.panelId)!.push(sheet);
    const scores: JudgedEntryScore[] = [];
    for (const panel of panels) {
      const sheets = sheetsOfPanel.get(panel.id)!;
      const totals = new Map(sheets.map((s) => [s.id, toHundredths(s.total!)!]));
      // Bias is normalised within a panel: each judge against the other judges of the same panel.
      const counted = stage.normaliseBias ? normalisedTotals(sheets.map((s) => ({ id: s.id, judgeId: s.judgeId, total: totals.get(s.id)! }))) : totals;
      // Sheets by entry, once per panel: a panel of thousands of entries is read in one pass, not one scan per entry.
      const sheetsOf = new Map<string, typeof sheets>();
      for (const sheet of sheets) {
        const own = sheetsOf.get(sheet.entryId);
        if (own) own.push(sheet);
        else sheetsOf.set(sheet.entryId, [sheet]);
      }
      for (const entry of entriesOf.get(panel.id)!) {
        const own = sheetsOf.get(entry.id) ?? [];
        const aggregate =
          panel.state === 'closed'
            ? aggregateTotals(
                own.map((s) => counted.get(s.id)!),
                stage.aggregation,
              )
            : null;
        scores.push({
          entryId: entry.id,
          fieldId: entry.fieldId,
          unitId: entry.unitId,
          score: aggregate === null ? null : formatHundredths(aggregate),
          tieBreak: stage.tieBreak.map((code) => {
            const points = own.map((s) => toHundredths(Number(s.points[code]))).filter((p): p is number => p !== null);
            return points.length ? formatHundredths(Math.round(points.reduce((a, b) => a + b, 0) / points.length)) : null;
          }),
        });
      }
    }
    return scores;
  }
}
