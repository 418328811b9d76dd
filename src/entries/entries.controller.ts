import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { LargeBody } from '../core/http/body-limit';
import { download } from '../core/http/file-download';
import { EditEntryDto, EntryPage, EntryView, RegisterEntryDto } from './dto/entry.dto';
import { EntryFilterQuery, EntryListQuery } from './dto/entry-query.dto';
import { EntriesService } from './entries.service';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Repeat the request safely: the same key and body return the first answer' };

@ApiTags('entries')
@ApiBearerAuth()
@Controller()
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Post('editions/:editionId/entries')
  @ApiOperation({ summary: 'Register an entry with its authors' })
  @LargeBody()
  @Requires(Permission.EntryCreate)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: EntryView, description: 'Registered in the first stage; a confirmation goes to the contact' })
  @ApiErrors(400, 403, 404, 409, 422)
  register(@CurrentActor() actor: Actor, @Param('editionId', ParseUUIDPipe) editionId: string, @Body() dto: RegisterEntryDto): Promise<EntryView> {
    return this.entries.register(actor, editionId, dto);
  }

  @Get('entries')
  @ApiOperation({ summary: 'List entries in your scope, a page at a time (follow nextCursor)' })
  @Requires(Permission.EntryRead)
  @ApiOkResponse({ type: EntryPage, description: "Entries in your scope by edition, then unit (a school's entries together, a district's schools together), then reference" })
  @ApiErrors(400, 403, 503)
  @Header('Content-Type', 'application/json; charset=utf-8')
  list(@CurrentActor() actor: Actor, @Query() query: EntryListQuery): Promise<Buffer> {
    return this.entries.list(actor, query);
  }

  @Get('entries/export.xlsx')
  @ApiOperation({ summary: 'Export the filtered entries as XLSX' })
  @Requires(Permission.EntryRead)
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The filtered list as an Excel workbook' })
  @ApiErrors(400, 403)
  async exportXlsx(@CurrentActor() actor: Actor, @Query() filter: EntryFilterQuery): Promise<StreamableFile> {
    return download(await this.entries.export(actor, filter, 'xlsx'));
  }

  @Get('entries/export.csv')
  @ApiOperation({ summary: 'Export the filtered entries as CSV' })
  @Requires(Permission.EntryRead)
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The filtered list as UTF-8 CSV (with BOM, for Excel)' })
  @ApiErrors(400, 403)
  async exportCsv(@CurrentActor() actor: Actor, @Query() filter: EntryFilterQuery): Promise<StreamableFile> {
    return download(await this.entries.export(actor, filter, 'csv'));
  }

  @Get('entries/:id')
  @ApiOperation({ summary: 'Show one entry' })
  @Requires(Permission.EntryRead)
  @ApiOkResponse({ type: EntryView })
  @ApiErrors(400, 403, 404)
  show(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<EntryView> {
    return this.entries.show(actor, id);
  }

  @Patch('entries/:id')
  @ApiOperation({ summary: 'Change an entry while registration is open' })
  @LargeBody()
  @Requires(Permission.EntryUpdate)
  @ApiOkResponse({ type: EntryView })
  @ApiErrors(400, 403, 404, 409, 422)
  edit(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: EditEntryDto): Promise<EntryView> {
    return this.entries.edit(actor, id, dto);
  }

  @Post('entries/:id/withdraw')
  @ApiOperation({ summary: 'Withdraw an entry' })
  @Requires(Permission.EntryUpdate)
  @HttpCode(200)
  @ApiOkResponse({ type: EntryView, description: 'Withdrawn (repeating it changes nothing)' })
  @ApiErrors(400, 403, 404, 422)
  withdraw(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<EntryView> {
    return this.entries.withdraw(actor, id);
  }
}
