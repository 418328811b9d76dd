import type { FastifyRequest } from 'fastify';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { download } from '../core/http/file-download';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { Page } from '../core/http/paging';
import { readUpload } from '../core/http/upload';
import {
  CreateLevelDto,
  CreateUnitDto,
  ImportResultView,
  UnitExportQuery,
  LevelView,
  MoveUnitDto,
  UnitDetail,
  UnitFilterQuery,
  UnitListQuery,
  UnitPage,
  UnitView,
  UpdateUnitDto,
} from './dto/unit.dto';
import { UnitsService } from './units.service';

/** The Fastify request as readUpload sees it (@fastify/multipart's typing of `file` is narrower than core's). */

@ApiTags('units')
@ApiBearerAuth()
@Controller('unit-levels')
export class UnitLevelsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'The levels of the unit tree, from the top down' })
  @ApiOkResponse({ type: [LevelView] })
  @ApiErrors()
  list(@CurrentActor() actor: Actor): Promise<LevelView[]> {
    return this.units.listLevels(actor);
  }

  @Post()
  @Requires(Permission.UnitManage)
  @ApiOperation({ summary: 'Add a level (administrators)' })
  @ApiCreatedResponse({ type: LevelView })
  @ApiErrors(400, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateLevelDto): Promise<LevelView> {
    return this.units.createLevel(actor, dto);
  }
}

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'Units in your scope (an organiser: their area; a school account: its own unit)' })
  @ApiOkResponse({ type: UnitPage })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: UnitListQuery): Promise<Page<UnitView>> {
    return this.units.list(actor, query);
  }

  @Get('export.csv')
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'The units in your scope as UTF-8 CSV, by code, headed in Vietnamese; POST /units/import takes the file back as it is' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(400)
  async exportCsv(@CurrentActor() actor: Actor, @Query() filter: UnitExportQuery): Promise<StreamableFile> {
    return download(await this.units.export(actor, filter, 'csv'));
  }

  @Get('export.xlsx')
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'The units in your scope as an Excel workbook, by code, headed in Vietnamese; POST /units/import takes the file back as it is' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(400)
  async exportXlsx(@CurrentActor() actor: Actor, @Query() filter: UnitExportQuery): Promise<StreamableFile> {
    return download(await this.units.export(actor, filter, 'xlsx'));
  }

  @Post('import')
  @Requires(Permission.UnitManage)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import or update the tree from CSV or XLSX (administrators)',
    description:
      'Columns code, name, level, parent_code (or mã đơn vị, tên đơn vị, cấp, mã đơn vị cấp trên, as GET /units/export.csv writes them), in any order; parents may come after their children. ' +
      'Codes are matched without case. ' +
      'Upsert keyed by code: new codes are created, known ones renamed or moved. The whole file is checked first: ' +
      'if any row is bad nothing is written and details.problems lists every bad row as { row, field, reason }.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: ImportResultView })
  @ApiErrors(400, 403, 413)
  async import(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<ImportResultView> {
    return this.units.importTree(actor, await readUpload(request));
  }

  @Get(':id')
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'A unit with its ancestors (root first) and its number of active children' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<UnitDetail> {
    return this.units.get(actor, id);
  }

  @Get(':id/children')
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'The units directly under a unit' })
  @ApiOkResponse({ type: UnitPage })
  @ApiErrors(400, 404)
  children(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() query: UnitFilterQuery): Promise<Page<UnitView>> {
    return this.units.children(actor, id, query);
  }

  @Get(':id/subtree')
  @Requires(Permission.UnitRead)
  @ApiOperation({ summary: 'A unit and everything under it, e.g. ?level=school for the schools of a district' })
  @ApiOkResponse({ type: UnitPage })
  @ApiErrors(400, 404)
  subtree(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() query: UnitFilterQuery): Promise<Page<UnitView>> {
    return this.units.subtree(actor, id, query);
  }

  @Post()
  @Requires(Permission.UnitManage)
  @ApiOperation({ summary: 'Create a unit (administrators); its level must rank below its parent' })
  @ApiCreatedResponse({ type: UnitDetail })
  @ApiErrors(400, 403, 409, 422)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUnitDto): Promise<UnitDetail> {
    return this.units.create(actor, dto);
  }

  @Patch(':id')
  @Requires(Permission.UnitManage)
  @ApiOperation({ summary: 'Rename a unit or change its code (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(400, 403, 404, 409)
  rename(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUnitDto): Promise<UnitDetail> {
    return this.units.rename(actor, id, dto);
  }

  @Post(':id/move')
  @Requires(Permission.UnitManage)
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a unit and its whole subtree under another parent (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(400, 403, 404, 422)
  move(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: MoveUnitDto): Promise<UnitDetail> {
    return this.units.move(actor, id, dto);
  }

  @Post(':id/retire')
  @Requires(Permission.UnitManage)
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire a unit and its whole subtree (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(403, 404, 409, 422)
  retire(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<UnitDetail> {
    return this.units.retire(actor, id);
  }

  @Post(':id/restore')
  @Requires(Permission.UnitManage)
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a retired unit and the units retired with it (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(403, 404, 409, 422)
  restore(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<UnitDetail> {
    return this.units.restore(actor, id);
  }
}
