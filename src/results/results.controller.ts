import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Public, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { download } from '../core/http/file-download';
import {
  AdvancedManyView,
  AdvancedView,
  AdvanceDto,
  AdvanceManyDto,
  AdvancementPlanView,
  CorrectionDto,
  EntryHistoryView,
  PickWindowDto,
  PickWindowView,
  PrizeListPreview,
  PublicPrizeList,
  PublishProvisionalDto,
  ReportQuery,
  SeasonReportView,
  SelectionsView,
  VersionQuery,
} from './dto/results.dto';
import { AdvancementService } from './advancement.service';
import { PrizeListsService } from './prize-lists.service';
import { SeasonReportService } from './season-report.service';

const STAGE_UNIT = 'stages/:stageId/units/:unitId';

@ApiTags('results')
@ApiBearerAuth()
@Controller()
export class ResultsController {
  constructor(
    private readonly prizeLists: PrizeListsService,
    private readonly advancement: AdvancementService,
    private readonly reports: SeasonReportService,
  ) {}

  @Get(`${STAGE_UNIT}/prize-list/preview`)
  @ApiOperation({ summary: 'Preview the prize list of a stage at a unit' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: PrizeListPreview, description: 'Every entry with rank, score, prize or none and the reason; nothing is written' })
  @ApiErrors(400, 403, 404, 422)
  preview(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string, @Param('unitId', ParseUUIDPipe) unitId: string): Promise<PrizeListPreview> {
    return this.prizeLists.preview(actor, stageId, unitId);
  }

  @Post(`${STAGE_UNIT}/prize-list`)
  @ApiOperation({ summary: 'Publish the provisional prize list' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: PublicPrizeList, description: 'Published as provisional (version 1); schools are told' })
  @ApiErrors(400, 403, 404, 409, 422)
  publish(
    @CurrentActor() actor: Actor,
    @Param('stageId', ParseUUIDPipe) stageId: string,
    @Param('unitId', ParseUUIDPipe) unitId: string,
    @Body() dto: PublishProvisionalDto,
  ): Promise<PublicPrizeList> {
    return this.prizeLists.publishProvisional(actor, stageId, unitId, dto.objectionDays);
  }

  @Get(`${STAGE_UNIT}/prize-list`)
  @ApiOperation({ summary: 'The prize list published for a stage at a unit, as its latest version reads (404 while none is)' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: PublicPrizeList, description: 'The latest version, with every version listed: what an organiser finalises or corrects' })
  @ApiErrors(400, 403, 404, 422)
  published(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string, @Param('unitId', ParseUUIDPipe) unitId: string): Promise<PublicPrizeList> {
    return this.prizeLists.published(actor, stageId, unitId);
  }

  @Post('prize-lists/:id/final')
  @ApiOperation({ summary: 'Make the prize list final after the objection window' })
  @Requires(Permission.ResultManage)
  @HttpCode(201)
  @ApiOkResponse({ type: PublicPrizeList, description: 'The provisional list, unchanged, published as final (a new version) once the objection window is over' })
  @ApiErrors(400, 403, 404, 422)
  finalise(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<PublicPrizeList> {
    return this.prizeLists.finalise(actor, id);
  }

  @Post('prize-lists/:id/corrections')
  @ApiOperation({ summary: 'Publish a correction of the prize list' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: PublicPrizeList, description: 'Recomputed from the current scores and published as a new version with the reason; earlier versions stay readable' })
  @ApiErrors(400, 403, 404, 422)
  correct(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CorrectionDto): Promise<PublicPrizeList> {
    return this.prizeLists.correct(actor, id, dto.reason);
  }

  @Get('public/prize-lists/:id')
  @ApiOperation({ summary: 'Read a published prize list' })
  @Public()
  @ApiOkResponse({ type: PublicPrizeList, description: 'A published prize list, the latest version unless ?version= names another; no login needed' })
  @ApiErrors(400, 404)
  read(@Param('id', ParseUUIDPipe) id: string, @Query() query: VersionQuery): Promise<PublicPrizeList> {
    return this.prizeLists.read(id, query.version);
  }

  @Get('public/prize-lists/:id/export.xlsx')
  @ApiOperation({ summary: 'Export a published prize list as XLSX' })
  @Public()
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The published list by prize then rank, with the money per level' })
  @ApiErrors(400, 404)
  async exportXlsx(@Param('id', ParseUUIDPipe) id: string, @Query() query: VersionQuery): Promise<StreamableFile> {
    return download(await this.prizeLists.export(id, query.version, 'xlsx'));
  }

  @Get('public/prize-lists/:id/export.csv')
  @ApiOperation({ summary: 'Export a published prize list as CSV' })
  @Public()
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The same as UTF-8 CSV (with BOM, for Excel)' })
  @ApiErrors(400, 404)
  async exportCsv(@Param('id', ParseUUIDPipe) id: string, @Query() query: VersionQuery): Promise<StreamableFile> {
    return download(await this.prizeLists.export(id, query.version, 'csv'));
  }

  @Post(`${STAGE_UNIT}/advancement/preview`)
  @ApiOperation({ summary: 'Preview which entries go on to the next stage' })
  @Requires(Permission.EntryAdvance)
  @HttpCode(200)
  @ApiOkResponse({ type: AdvancementPlanView, description: 'What confirming would move, each entry with its outcome and reason; nothing is written' })
  @ApiErrors(400, 403, 404, 422)
  previewAdvancement(
    @CurrentActor() actor: Actor,
    @Param('stageId', ParseUUIDPipe) stageId: string,
    @Param('unitId', ParseUUIDPipe) unitId: string,
    @Body() dto: AdvanceDto,
  ): Promise<AdvancementPlanView> {
    return this.advancement.preview(actor, stageId, unitId, dto.entryIds);
  }

  @Post(`${STAGE_UNIT}/advancement`)
  @ApiOperation({ summary: 'Send entries on to the next stage' })
  @Requires(Permission.EntryAdvance)
  @HttpCode(200)
  @ApiOkResponse({ type: AdvancedView, description: 'Moved to the next stage; `moved` lists what this call moved, `alreadyAdvanced` what was there before' })
  @ApiErrors(400, 403, 404, 422)
  advance(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string, @Param('unitId', ParseUUIDPipe) unitId: string, @Body() dto: AdvanceDto): Promise<AdvancedView> {
    return this.advancement.confirm(actor, stageId, unitId, dto.entryIds);
  }

  @Post('stages/:stageId/advancement')
  @ApiOperation({
    summary: 'Send entries on to the next stage from many units at once',
    description:
      'What `POST /stages/{stageId}/units/{unitId}/advancement` does, for every listed unit, in one transaction: if any unit is refused nothing moves, and the problems name `units[i]`. ' +
      'For an organiser sending up the picks of the schools or districts under them.',
  })
  @Requires(Permission.EntryAdvance)
  @HttpCode(200)
  @ApiOkResponse({ type: AdvancedManyView })
  @ApiErrors(400, 403, 404, 422)
  advanceMany(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string, @Body() dto: AdvanceManyDto): Promise<AdvancedManyView> {
    return this.advancement.confirmMany(actor, stageId, dto.units);
  }

  @Put(`${STAGE_UNIT}/pick-window`)
  @ApiOperation({ summary: 'Set the window in which schools pick their entries' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: PickWindowView, description: 'Schools under the unit may pick their entries for the next stage within it' })
  @ApiErrors(400, 403, 404, 422)
  pickWindow(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string, @Param('unitId', ParseUUIDPipe) unitId: string, @Body() dto: PickWindowDto): Promise<PickWindowView> {
    return this.advancement.setPickWindow(actor, stageId, unitId, new Date(dto.opensAt), new Date(dto.closesAt));
  }

  @Get('stages/:stageId/selections')
  @ApiOperation({ summary: 'List the entries selected for a stage' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: SelectionsView, description: 'Entries sent up to the stage, by sending unit: yours, or every sender when the stage runs at or under your unit' })
  @ApiErrors(400, 403, 404)
  selections(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string): Promise<SelectionsView> {
    return this.advancement.selections(actor, stageId);
  }

  @Get('entries/:id/stages')
  @ApiOperation({ summary: 'Show the stages an entry went through' })
  @Requires(Permission.EntryRead)
  @ApiOkResponse({ type: EntryHistoryView, description: 'Every stage the entry reached, with its score and prize there' })
  @ApiErrors(400, 403, 404)
  history(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<EntryHistoryView> {
    return this.advancement.history(actor, id);
  }

  @Get('editions/:id/report')
  @ApiOperation({ summary: 'Read the season report of an edition' })
  @Requires(Permission.ResultManage)
  @ApiOkResponse({ type: SeasonReportView, description: 'Units taking part, entries per stage, prizes by level and field, entries sent up, prize money, achievement against plan' })
  @ApiErrors(400, 403, 404)
  report(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() query: ReportQuery): Promise<SeasonReportView> {
    return this.reports.report(actor, id, query.unitId);
  }

  @Get('editions/:id/report.xlsx')
  @ApiOperation({ summary: 'Export the season report as XLSX' })
  @Requires(Permission.ResultManage)
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(400, 403, 404)
  async reportXlsx(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() query: ReportQuery): Promise<StreamableFile> {
    return download(await this.reports.xlsx(actor, id, query.unitId));
  }
}
