import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ContestsModule } from '../contests/contests.module';
import { EntriesModule } from '../entries/entries.module';
import { UnitsModule } from '../units/units.module';
import { JudgingController } from './judging.controller';
import { JudgingRepository } from './judging.repository';
import { JudgingService } from './judging.service';
import { ScoringReminders } from './scoring-reminders';
import { ScoringRulesCache } from './scoring-rules';
import { JudgedStageScores } from './stage-scores.service';

@Module({
  // Entries, units, accounts and stages are read through what these modules export, never by querying their tables.
  imports: [UnitsModule, AccountsModule, ContestsModule, EntriesModule],
  controllers: [JudgingController],
  providers: [JudgingService, JudgingRepository, JudgedStageScores, ScoringReminders, ScoringRulesCache],
  exports: [JudgedStageScores, ScoringReminders],
})
export class JudgingModule {}
