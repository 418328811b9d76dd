import { Module } from '@nestjs/common';
import { BulkImportController } from './bulk-import.controller';
import { BulkImportService } from './bulk-import.service';
import { DossiersController } from './dossiers.controller';
import { DossiersService } from './dossiers.service';
import { EntriesController } from './entries.controller';
import { EntriesRepository } from './entries.repository';
import { EntriesService } from './entries.service';

@Module({
  controllers: [EntriesController, DossiersController, BulkImportController],
  providers: [EntriesService, EntriesRepository, DossiersService, BulkImportService],
})
export class EntriesModule {}
