import { Module } from '@nestjs/common';
import { AdvancementService } from './advancement.service';
import { PrizeListsService } from './prize-lists.service';
import { ResultsController } from './results.controller';
import { ResultsRepository } from './results.repository';
import { SeasonReportService } from './season-report.service';
import { ResultsFollowUnitMoves } from './results-follow-unit-moves';
import { JudgedStageScores } from '../judging/stage-scores.service';
import { JudgingModule } from '../judging/judging.module';
import { STAGE_SCORE_READER } from './stage-scores';
import { ContestsModule } from '../contests/contests.module';
import { EntriesModule } from '../entries/entries.module';
import { UnitsModule } from '../units/units.module';

@Module({
  // Stages, units and entries are read through the readers their modules export, never from their tables.
  imports: [JudgingModule, ContestsModule, UnitsModule, EntriesModule],
  controllers: [ResultsController],
  providers: [
    ResultsRepository,
    PrizeListsService,
    AdvancementService,
    SeasonReportService,
    ResultsFollowUnitMoves,
    // The scores of judged stages come from judging, through the seam results defines.
    { provide: STAGE_SCORE_READER, useExisting: JudgedStageScores },
  ],
})
export class ResultsModule {}
