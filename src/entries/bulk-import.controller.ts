import { Controller, Get, Param, ParseUUIDPipe, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
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
  @Requires(Permission.EntryCreate)
  @ApiOperation({
    summary: 'Register many entries from a CSV or XLSX file, all or none',
    description: [
      'One row per entry, authors in columns. The whole file is checked first: if any row is bad, nothing is written and ' +
        '`details.problems` lists every problem as `{ row, field: <column>, reason }` — 400 when the file is malformed ' +
        '(missing columns or cells, unreadable dates or e-mails, a reference twice in the file), 422 when it is well-formed ' +
        'but breaks the contest rules (unknown field, ineligible authors, a school outside your scope, a reference already ' +
        'registered with other content) or registration is closed.',
      "A school or organisation imports for itself; organisers name each row's school or organisation in `unit_code` (`school_code` is read too). " +
        'Re-uploading a file adds nothing twice: rows whose reference is already registered with the same content are reported as `skipped`. ' +
        "The template's example row (reference `VI-DU`) is never registered; `exampleRows` lists where it was found.",
      'Headers are matched without case or diacritics (spaces, dashes or slashes may stand for underscores); other columns are ignored. ' +
        'The Vietnamese headers of `GET /entries/export.csv` and `.xlsx` are read as well (authors listed in one cell, separated by `;`), ' +
        'so an export can be corrected and imported again. Columns:',
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

  @Post('historical-import')
  @Requires(Permission.EntryRecordPast)
  @ApiOperation({
    summary: "Record a past season's entries into an edition that has reached results or closed, all or none",
    description: [
      'The same file and the same checks as `POST …/entries/import` (columns, fields, eligibility, schools in your scope, references), ' +
        'except the registration window: the edition must be in state `results` or `closed` (422 otherwise) and stays so.',
      'For organisers only. The import is audited as `entry.historical-import`, each entry as `entry.register` with `historical: true`; ' + 'no confirmation mail is sent.',
    ].join('\n\n'),
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: BulkImportFileDto })
  @ApiCreatedResponse({ type: BulkImportResultView })
  @ApiErrors(400, 403, 404, 413, 422)
  async historicalImport(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string, @Req() request: Parameters<typeof readUpload>[0]): Promise<BulkImportResultView> {
    return this.bulkImport.import(actor, editionId, await readUpload(request), 'historical');
  }

  @Get('import-template.xlsx')
  @Requires(Permission.EntryCreate)
  @ApiOperation({ summary: 'An empty XLSX for bulk registration: every column the edition takes and one example row' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(403, 404)
  async templateXlsx(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string): Promise<StreamableFile> {
    return download(await this.bulkImport.template(actor, editionId, 'xlsx'));
  }

  @Get('import-template.csv')
  @Requires(Permission.EntryCreate)
  @ApiOperation({ summary: 'An empty CSV (UTF-8) for bulk registration: every column the edition takes and one example row' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(403, 404)
  async templateCsv(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string): Promise<StreamableFile> {
    return download(await this.bulkImport.template(actor, editionId, 'csv'));
  }
}
