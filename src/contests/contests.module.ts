import { Module } from '@nestjs/common';
import { ContestsController, EditionsController } from './contests.controller';
import { ContestRepository } from './contest.repository';
import { ContestsService } from './contests.service';
import { EditionRepository } from './edition.repository';
import { StageReader } from './stage-reader';
import { JudgedStages } from './stage-scores';
import { UnitsModule } from '../units/units.module';

@Module({
  // The unit tree is read through the units module's UnitReader, never from its table.
  imports: [UnitsModule],
  controllers: [ContestsController, EditionsController],
  providers: [ContestsService, ContestRepository, EditionRepository, JudgedStages, StageReader],
  exports: [ContestsService, JudgedStages, StageReader],
})
export class ContestsModule {}
