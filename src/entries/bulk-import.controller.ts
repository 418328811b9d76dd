import { Controller, Get, Param, ParseUUIDPipe, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { Allow, CurrentActor } from '../core/auth/decorators';
import { ApiErrors } from '../core/http/api-errors';
import { download } from '../core/http/file-download';
import { readUpload } from '../core/http/upload';
import { BulkImportService } from './bulk-import.service';
import { BulkImportFileDto, BulkImportResultView } from './dto/bulk-import.dto';
import { describeImportColumns } from './entry-rows';

@ApiTags('entries')
@ApiBearerAuth()
@Controller('editions/:editionId/entries')
export class BulkImportController {
  constructor(private readonly bulkImport: BulkImportService) {}

  @Post('import')
  @Allow('school', 'organiser')
  @ApiOperation({
    summary: 'Register many entries from a CSV or XLSX file, all or none',
    description: [
      'One row per entry, authors in columns. The whole file is checked first: if any row is bad, nothing is written and ' +
        '`details.problems` lists every problem as `{ row, field: <column>, reason }` — 400 when the file is malformed ' +
        '(missing columns or cells, unreadable dates or e-mails, a reference twice in the file), 422 when it is well-formed ' +
        'but breaks the contest rules (unknown field, ineligible authors, a school outside your scope, a reference already ' +
        'registered with other content) or registration is closed.',
      'A school imports for itself; organisers name each row\'s school in `school_code`. Re-uploading a file adds nothing twice: ' +
        'rows whose reference is already registered with the same content are reported as `skipped`.',
      'Headers are matched without case (spaces or dashes may stand for underscores); other columns are ignored. Columns:',
      describeImportColumns(),
      'Get a ready-made file from `import-template.xlsx` or `import-template.csv`.',
    ].join('\n\n'),
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: BulkImportFileDto })
  @ApiCreatedResponse({ type: BulkImportResultView })
  @ApiErrors(400, 403, 404, 413, 422)
  async import(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string, @Req() request: Parameters<typeof readUpload>[0]): Promise<BulkImportResultView> {
    return this.bulkImport.import(actor, editionId, await readUpload(request));
  }

  @Get('import-template.xlsx')
  @Allow('school', 'organiser')
  @ApiOperation({ summary: 'An empty XLSX for bulk registration: every column the edition takes and one example row' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(403, 404)
  async templateXlsx(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string): Promise<StreamableFile> {
    return download(await this.bulkImport.template(actor, editionId, 'xlsx'));
  }

  @Get('import-template.csv')
  @Allow('school', 'organiser')
  @ApiOperation({ summary: 'An empty CSV (UTF-8) for bulk registration: every column the edition takes and one example row' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(403, 404)
  async templateCsv(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string): Promise<StreamableFile> {
    return download(await this.bulkImport.template(actor, editionId, 'csv'));
  }
}
