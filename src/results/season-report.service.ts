import { Injectable } from '@nestjs/common';
import { Actor } from '../core/auth/actor';
import { NotFoundError } from '../core/errors/domain-error';
import { DownloadFile, SPREADSHEET_TYPES } from '../core/http/file-download';
import { requireReportAt } from './results-access';
import { ResultsRepository } from './results.repository';
import { StageReader } from '../contests/stage-reader';
import { StageEntries } from '../entries/stage-entries';
import { UnitReader } from '../units/unit-reader';
import { SeasonReport, seasonReport, seasonReportXlsx } from './season-report';

/** The season report of an edition at a unit, at any moment, from aggregates only. */
@Injectable()
export class SeasonReportService {
  constructor(
    private readonly repo: ResultsRepository,
    private readonly stages: StageReader,
    private readonly units: UnitReader,
    private readonly entries: StageEntries,
  ) {}

  async report(actor: Actor, editionId: string, unitId: string): Promise<SeasonReport> {
    const [edition, unit] = await Promise.all([this.stages.edition(editionId), this.units.unit(unitId)]);
    if (!edition || !unit) throw new NotFoundError('Edition at this unit');
    requireReportAt(actor, unit.path, edition.unitPath);
    // Scoped to the report's unit, or to the edition's unit when the report is asked above it.
    const path = unit.path.startsWith(edition.unitPath) ? unit.path : edition.unitPath;
    const [counts, prizes] = await Promise.all([
      this.entries.seasonCounts(editionId, path),
      this.repo.reportPrizes(
        edition.stages.map((s) => s.id),
        path,
      ),
    ]);
    // Of lists run above the report's unit (a province list in a district's report), only the entries under it count.
    const under = await this.entries.within(
      prizes.above.map((p) => p.entryId),
      path,
    );
    const stages = edition.stages.map((s, i) => ({
      stageId: s.id,
      position: s.position,
      name: s.name,
      levelCode: s.levelCode,
      prizeScheme: s.prizeScheme,
      entries: counts.atStage.get(s.id) ?? 0,
      // An entry enters a stage after the first only by being sent up from the one below.
      sentUp: i + 1 < edition.stages.length ? (counts.atStage.get(edition.stages[i + 1].id) ?? 0) : 0,
    }));
    return seasonReport(
      { id: editionId, contestName: edition.contestName, number: edition.number, seasonLabel: edition.seasonLabel, plannedEntries: edition.plannedEntries },
      { id: unit.id, name: unit.name, coversEdition: edition.unitPath.startsWith(unit.path) },
      counts,
      stages,
      [...prizes.under, ...prizes.above.filter((p) => under.has(p.entryId))],
    );
  }

  async xlsx(actor: Actor, editionId: string, unitId: string): Promise<DownloadFile> {
    const report = await this.report(actor, editionId, unitId);
    return { content: await seasonReportXlsx(report), fileName: `bao-cao-${report.edition.seasonLabel}.xlsx`, mediaType: SPREADSHEET_TYPES.xlsx };
  }
}
