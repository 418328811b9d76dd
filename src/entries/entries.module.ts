import { Module } from '@nestjs/common';
import { ExportCursors } from '../core/database/export-cursor';
import { ContestsModule } from '../contests/contests.module';
import { UnitsModule } from '../units/units.module';
import { BulkImportController } from './bulk-import.controller';
import { BulkImportService } from './bulk-import.service';
import { DossiersController } from './dossiers.controller';
import { DossiersService } from './dossiers.service';
import { EntriesController } from './entries.controller';
import { EntriesFollowUnitMoves } from './entries-follow-unit-moves';
import { EntriesRepository } from './entries.repository';
import { EntriesService } from './entries.service';
import { EntryNaming } from './entry-naming';
import { EntryReader } from './entry-reader';
import { StageEntries } from './stage-entries';

@Module({
  imports: [UnitsModule, ContestsModule],
  controllers: [EntriesController, DossiersController, BulkImportController],
  providers: [ExportCursors, EntriesService, EntriesRepository, DossiersService, BulkImportService, EntriesFollowUnitMoves, EntryReader, EntryNaming, StageEntries],
  exports: [EntryReader, StageEntries],
})
export class EntriesModule {}
