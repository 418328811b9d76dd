import { Module } from '@nestjs/common';
import { ContestsController, EditionsController } from './contests.controller';
import { ContestsService } from './contests.service';
import { EditionRepository } from './edition.repository';

@Module({
  controllers: [ContestsController, EditionsController],
  providers: [ContestsService, EditionRepository],
  exports: [ContestsService],
})
export class ContestsModule {}
