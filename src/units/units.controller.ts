import type { FastifyRequest } from 'fastify';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, ROLES } from '../core/auth/actor';
import { Allow, CurrentActor } from '../core/auth/decorators';
import { ApiErrors } from '../core/http/api-errors';
import { Page } from '../core/http/paging';
import { readUpload } from '../core/http/upload';
import { CreateLevelDto, CreateUnitDto, ImportResultView, LevelView, MoveUnitDto, UnitDetail, UnitFilterQuery, UnitListQuery, UnitPage, UnitView, UpdateUnitDto } from './dto/unit.dto';
import { UnitsService } from './units.service';

/** The Fastify request as readUpload sees it (@fastify/multipart's typing of `file` is narrower than core's). */

@ApiTags('units')
@ApiBearerAuth()
@Controller('unit-levels')
export class UnitLevelsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @Allow(...ROLES)
  @ApiOperation({ summary: 'The levels of the unit tree, from the top down' })
  @ApiOkResponse({ type: [LevelView] })
  @ApiErrors()
  list(@CurrentActor() actor: Actor): Promise<LevelView[]> {
    return this.units.listLevels(actor);
  }

  @Post()
  @Allow('admin')
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
  @Allow(...ROLES)
  @ApiOperation({ summary: 'Units in your scope (an organiser: their area; a school account: its own unit)' })
  @ApiOkResponse({ type: UnitPage })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: UnitListQuery): Promise<Page<UnitView>> {
    return this.units.list(actor, query);
  }

  @Post('import')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import or update the tree from CSV or XLSX (administrators)',
    description:
      'Columns code, name, level, parent_code (or mã, tên, cấp, mã cấp trên), in any order; parents may come after their children. ' +
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
  @Allow(...ROLES)
  @ApiOperation({ summary: 'A unit with its ancestors (root first) and its number of active children' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<UnitDetail> {
    return this.units.get(actor, id);
  }

  @Get(':id/children')
  @Allow(...ROLES)
  @ApiOperation({ summary: 'The units directly under a unit' })
  @ApiOkResponse({ type: UnitPage })
  @ApiErrors(400, 404)
  children(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() query: UnitFilterQuery): Promise<Page<UnitView>> {
    return this.units.children(actor, id, query);
  }

  @Get(':id/subtree')
  @Allow(...ROLES)
  @ApiOperation({ summary: 'A unit and everything under it, e.g. ?level=school for the schools of a district' })
  @ApiOkResponse({ type: UnitPage })
  @ApiErrors(400, 404)
  subtree(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() query: UnitFilterQuery): Promise<Page<UnitView>> {
    return this.units.subtree(actor, id, query);
  }

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Create a unit (administrators); its level must rank below its parent' })
  @ApiCreatedResponse({ type: UnitDetail })
  @ApiErrors(400, 403, 409, 422)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUnitDto): Promise<UnitDetail> {
    return this.units.create(actor, dto);
  }

  @Patch(':id')
  @Allow('admin')
  @ApiOperation({ summary: 'Rename a unit or change its code (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(400, 403, 404, 409)
  rename(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUnitDto): Promise<UnitDetail> {
    return this.units.rename(actor, id, dto);
  }

  @Post(':id/move')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a unit and its whole subtree under another parent (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(400, 403, 404, 422)
  move(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: MoveUnitDto): Promise<UnitDetail> {
    return this.units.move(actor, id, dto);
  }

  @Post(':id/retire')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire a unit and its whole subtree (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(403, 404, 409, 422)
  retire(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<UnitDetail> {
    return this.units.retire(actor, id);
  }

  @Post(':id/restore')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a retired unit and the units retired with it (administrators)' })
  @ApiOkResponse({ type: UnitDetail })
  @ApiErrors(403, 404, 409, 422)
  restore(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<UnitDetail> {
    return this.units.restore(actor, id);
  }
}
