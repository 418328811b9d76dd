import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { ApiErrors } from '../core/http/api-errors';
import { IgnoresReadOnly, ReadOnlyShape } from '../core/http/read-only-properties';
import { LocalisesWarnings } from '../core/i18n/localised-warnings';
import { LargeBody } from '../core/http/body-limit';
import { Page, PageDto } from '../core/http/paging';
import { ContestsService } from './contests.service';
import { ContestListQuery, ContestView, CreateContestDto } from './dto/contest.dto';
import { ArchiveEditionDto, ChangeEditionStateDto, CreateEditionDto, EditionListQuery, EditionSummaryView, EditionView, UpdateEditionDto } from './dto/edition.dto';

/** What GET /editions/{id} shows beside the definition: PUT takes the view back as it is and ignores these. */
const EDITION_VIEW_ONLY: ReadOnlyShape = {
  top: ['id', 'contestId', 'contestName', 'kind', 'unitId', 'unitCode', 'unitName', 'openForRegistration', 'state', 'archivedAt', 'archiveReason', 'rubricTotal', 'warnings', 'frozen', 'updatedAt'],
  nested: { fields: ['id', 'position'], rubric: ['position'], stages: ['id', 'position'] },
};

const DEFINITION_ERRORS =
  'A body of the wrong shape (missing or mistyped properties, unknown properties) answers 400 VALIDATION_FAILED. ' +
  'A well-formed definition that cannot run (registration closing before it opens, stages that do not climb the unit tree, ' +
  'a rubric without criteria, a negative quota…) answers 422 RULE_VIOLATION. Both list every problem in details.problems ' +
  'as { field, reason }, with paths such as stages[2].prizeScheme.levels[0].quota.';

@ApiTags('contests')
@ApiBearerAuth()
@Controller('contests')
export class ContestsController {
  constructor(private readonly contests: ContestsService) {}

  @Post()
  @Requires(Permission.ContestManage)
  @ApiOperation({ summary: 'Create a contest (youth or technical) at a unit you organise' })
  @ApiCreatedResponse({ type: ContestView })
  @ApiErrors(400, 403, 404)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateContestDto): Promise<ContestView> {
    return this.contests.createContest(actor, dto);
  }

  @Get()
  @Requires(Permission.ContestRead)
  @ApiOperation({
    summary: 'Contests at units above or below any of your grants',
    description: "A school and a district organiser both see their provincial contest; a district organiser does not see another district's contests.",
  })
  @ApiOkResponse({ type: PageDto(ContestView) })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: ContestListQuery): Promise<Page<ContestView>> {
    return this.contests.listContests(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Show one contest' })
  @Requires(Permission.ContestRead)
  @ApiOkResponse({ type: ContestView })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ContestView> {
    return this.contests.getContest(actor, id);
  }

  @Post(':id/editions')
  @LargeBody()
  @LocalisesWarnings()
  @Requires(Permission.EditionManage)
  @ApiOperation({
    summary: "Add an edition with its whole definition (organisers of the contest's unit)",
    description: `The edition runs at the contest's unit unless unitId names a unit under it. ${DEFINITION_ERRORS} An edition number already used in the contest answers 409 naming \`number\`.`,
  })
  @ApiCreatedResponse({ type: EditionView })
  @ApiErrors(400, 403, 404, 409, 422)
  createEdition(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateEditionDto): Promise<EditionView> {
    return this.contests.createEdition(actor, id, dto);
  }
}

@ApiTags('contests')
@ApiBearerAuth()
@LocalisesWarnings()
@Controller('editions')
export class EditionsController {
  constructor(private readonly contests: ContestsService) {}

  @Get()
  @Requires(Permission.EditionRead)
  @ApiOperation({
    summary: 'Editions at units above or below any of your grants',
    description: 'With openForRegistration=true, only editions whose registration window is open now: for a school, the editions it can register in.',
  })
  @ApiOkResponse({ type: PageDto(EditionSummaryView) })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: EditionListQuery): Promise<Page<EditionSummaryView>> {
    return this.contests.listEditions(actor, query);
  }

  @Get(':id')
  @Requires(Permission.EditionRead)
  @ApiOperation({ summary: 'An edition with its fields, rubric and stages in order' })
  @ApiOkResponse({ type: EditionView })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<EditionView> {
    return this.contests.getEdition(actor, id);
  }

  @Put(':id')
  @LargeBody()
  @Requires(Permission.EditionManage)
  @IgnoresReadOnly(EDITION_VIEW_ONLY)
  @ApiOperation({
    summary: 'Replace the definition of an edition you organise',
    description:
      `Send back the edition as GET returned it, with your changes: what only the view holds (ids, positions, names of the contest and unit, state, warnings…) is ignored. ` +
      `Send back the version you read: if the edition changed since, the answer is 409 STALE_VERSION. ${DEFINITION_ERRORS} ` +
      'Fields and rubric criteria are matched by code and stages by level, so entries stay attached; removing a field or a stage that entries use answers 422 naming it.',
  })
  @ApiOkResponse({ type: EditionView })
  @ApiErrors(400, 403, 404, 409, 422)
  update(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateEditionDto): Promise<EditionView> {
    return this.contests.updateEdition(actor, id, dto);
  }

  @Post(':id/state')
  @HttpCode(200)
  @Requires(Permission.EditionManage)
  @ApiOperation({
    summary: 'Move an edition you organise to its next state',
    description:
      'draft → registration → judging → results → closed, one step at a time. Schools register only while the edition is in registration and its window is open. ' +
      'From judging on, fields, rubric, stages and the registration rules are frozen; from results on, tie-breaks and prize-level codes too; a closed edition keeps its definition. ' +
      'A move that is not the next step, or any move of an archived edition, answers 422 naming `state`.',
  })
  @ApiOkResponse({ type: EditionView })
  @ApiErrors(400, 403, 404, 422)
  changeState(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEditionStateDto): Promise<EditionView> {
    return this.contests.changeState(actor, id, dto);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Requires(Permission.EditionManage)
  @ApiOperation({
    summary: 'Archive a wrong edition you organise, with the reason',
    description: 'An archived edition stays readable (list it with includeArchived=true), takes no registrations and can no longer be changed. Archiving twice answers 422.',
  })
  @ApiOkResponse({ type: EditionView })
  @ApiErrors(400, 403, 404, 422)
  archive(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ArchiveEditionDto): Promise<EditionView> {
    return this.contests.archive(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Requires(Permission.EditionManage)
  @ApiOperation({
    summary: 'Delete a draft edition you organise',
    description: 'Only drafts: registration never opened, so nothing refers to them. Any other state answers 422: archive the edition instead.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 403, 404, 422)
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.contests.deleteDraft(actor, id);
  }
}
