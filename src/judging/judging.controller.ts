import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { download, SPREADSHEET_TYPES } from '../core/http/file-download';
import { PageQuery } from '../core/http/paging';
import {
  AddMemberDto,
  AddMembersDto,
  AssignedEntryView,
  AssignmentView,
  PinsView,
  ConfirmedSheetView,
  ConflictDeclaredView,
  ConflictRecordedView,
  FlagSettledView,
  JudgeEntryDetailView,
  PanelSummaryPage,
  ProgressView,
  RejudgeView,
  ScoreTableView,
  SheetView,
  ConfirmSheetDto,
  CreatePanelDto,
  DeclareConflictDto,
  PanelView,
  ReasonDto,
  RecordConflictDto,
  RejudgeDto,
  SaveSheetDto,
  SetPinsDto,
  SettleFlagDto,
  UpdateWindowDto,
} from './dto/judging.dto';
import { JudgingService } from './judging.service';

const MEMBERSHIP = 'Panel membership, not a role grant, gives access: anyone else gets 404, as for a missing panel.';

/**
 * Judging panels. Organiser routes need the organiser role; member routes (judges, chair) are open to any signed-in
 * account and decided by membership in src/judging/judging-access.ts.
 */
@ApiTags('judging')
@ApiBearerAuth()
@Controller()
export class JudgingController {
  constructor(private readonly judging: JudgingService) {}

  @Post('stages/:stageId/panels')
  @Requires(Permission.PanelManage)
  @ApiOperation({ summary: 'Form a panel of a judged stage at a unit of its level that you organise, for one or several fields' })
  @ApiCreatedResponse({ type: PanelView })
  @ApiErrors(400, 403, 404, 409, 422)
  createPanel(@CurrentActor() actor: Actor, @Param('stageId', ParseUUIDPipe) stageId: string, @Body() dto: CreatePanelDto): Promise<PanelView> {
    return this.judging.createPanel(actor, stageId, dto);
  }

  @Get('panels')
  @Requires(Permission.PanelRead)
  @ApiOperation({ summary: 'The panels you organise or sit on (as judge or chair), newest first' })
  @ApiOkResponse({ type: PanelSummaryPage, description: 'A page of panels with your standing on each' })
  @ApiErrors(400)
  listPanels(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<PanelSummaryPage> {
    return this.judging.listPanels(actor, query);
  }

  @Get('panels/:id')
  @Requires(Permission.PanelRead)
  @ApiOperation({ summary: 'A panel with its judges and chair (organisers and members)', description: MEMBERSHIP })
  @ApiOkResponse({ type: PanelView })
  @ApiErrors(400, 404)
  getPanel(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<PanelView> {
    return this.judging.getPanel(actor, id);
  }

  @Post('panels/:id/members')
  @Requires(Permission.PanelManage)
  @ApiOperation({ summary: 'Seat a judge or the chair: an account with a grant at or under the panel’s unit, with affiliation and expertise' })
  @ApiCreatedResponse({ type: PanelView })
  @ApiErrors(400, 403, 404, 409)
  addMember(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AddMemberDto) {
    return this.judging.addMember(actor, id, dto);
  }

  @Post('panels/:id/members/batch')
  @Requires(Permission.PanelManage)
  @ApiOperation({
    summary: 'Seat several judges and the chair at once, each as `POST /panels/{id}/members` seats one',
    description: 'All or nothing: a member listed twice answers 400, a refused member 404 or 409 naming `members[i]…`, and nobody is seated. One audit row per member.',
  })
  @ApiCreatedResponse({ type: PanelView })
  @ApiErrors(400, 403, 404, 409)
  addMembers(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AddMembersDto) {
    return this.judging.addMembers(actor, id, dto.members);
  }

  @Delete('panels/:id/members/:userId')
  @Requires(Permission.PanelManage)
  @ApiOperation({ summary: 'Take a member off the panel; a judge’s confirmed scores stay on record but stop counting, and their entries are reassigned (422 when they cannot be)' })
  @ApiOkResponse({ type: PanelView })
  @ApiErrors(400, 403, 404, 422)
  removeMember(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.judging.removeMember(actor, id, userId);
  }

  @Post('panels/:id/conflicts')
  @Requires(Permission.PanelManage)
  @ApiOperation({ summary: 'Record a conflict of interest (relative, supervisor, other); an assigned pair it breaks is reassigned' })
  @ApiCreatedResponse({ type: ConflictRecordedView, description: 'The conflict, and whether an assigned pair was moved' })
  @ApiErrors(400, 403, 404, 422)
  recordConflict(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RecordConflictDto): Promise<ConflictRecordedView> {
    return this.judging.recordConflict(actor, id, dto);
  }

  @Put('panels/:id/pins')
  @Requires(Permission.PanelManage)
  @ApiOperation({
    summary: 'Pin judges to entries: the assignment keeps them among each entry’s judges',
    description:
      'Each listed entry’s pins become its `judgeIds` (empty: none); entries left out keep theirs. A pin names a judge of the panel without a conflict with the entry, at most the stage’s judges per entry: otherwise 404 or 422 naming `entries[i]…`, nothing written. An assigned panel is re-assigned around the pins at once.',
  })
  @ApiOkResponse({ type: PinsView, description: 'Every pin of the panel, and the re-assignment when the panel was assigned already (else null)' })
  @ApiErrors(400, 403, 404, 422)
  setPins(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPinsDto): Promise<PinsView> {
    return this.judging.setPins(actor, id, dto);
  }

  @Put('panels/:id/window')
  @Requires(Permission.PanelManage)
  @ApiOperation({
    summary: 'Move the panel’s scoring window (and how long before closing judges are reminded)',
    description: 'Opens must be before closes (422 naming scoringClosesAt); a stale version answers 409; audited. The reminder follows the new closing time.',
  })
  @ApiOkResponse({ type: PanelView })
  @ApiErrors(400, 403, 404, 409, 422)
  updateWindow(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateWindowDto): Promise<PanelView> {
    return this.judging.updateWindow(actor, id, dto);
  }

  @Post('panels/:id/rejudge')
  @HttpCode(200)
  @Requires(Permission.PanelManage)
  @ApiOperation({
    summary: 'Send the entries whose score sits within a margin of a cut to fresh judges (none who scored them before)',
    description:
      'Only entries with all their scores confirmed and no open flag are looked at. The new scores replace or join the earlier ones by the stage’s rejudgeMode; every sheet stays on record. Infeasible: 422 naming the entries, nothing changes.',
  })
  @ApiOkResponse({ type: RejudgeView, description: 'The entries sent, each with its score, nearest cut, distance, round and fresh judges' })
  @ApiErrors(400, 403, 404, 422)
  rejudge(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RejudgeDto): Promise<RejudgeView> {
    return this.judging.rejudge(actor, id, dto);
  }

  @Post('panels/:id/assignment')
  @HttpCode(200)
  @Requires(Permission.PanelManage)
  @ApiOperation({
    summary: 'Give every entry of the panel k judges: no conflicts, balanced loads, expertise preferred; keeps what still holds',
    description: 'When it cannot be done: 422 naming the entries and why (details.assignment), and nothing changes.',
  })
  @ApiOkResponse({ type: AssignmentView, description: 'Pairs added and dropped, and each judge’s load' })
  @ApiErrors(400, 403, 404, 422)
  assign(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<AssignmentView> {
    return this.judging.assign(actor, id);
  }

  @Get('panels/:id/progress')
  @Requires(Permission.PanelOversee)
  @ApiOperation({ summary: 'Per judge assigned, drafted, confirmed; per entry confirmed scores and flags (organisers and the chair)', description: MEMBERSHIP })
  @ApiOkResponse({ type: ProgressView, description: 'Per judge assigned, drafted, confirmed; per entry confirmed count and open flag; what still keeps the panel from closing' })
  @ApiErrors(400, 404)
  progress(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ProgressView> {
    return this.judging.progress(actor, id);
  }

  @Get('panels/:id/scores')
  @Requires(Permission.PanelRead)
  @ApiOperation({ summary: 'Confirmed totals per judge, aggregated score, spread and flags per entry (organisers and the chair; judges once the panel closed)', description: MEMBERSHIP })
  @ApiOkResponse({ type: ScoreTableView, description: 'Per entry: each judge’s confirmed points and total (raw and normalised), the aggregated score, spread and flags' })
  @ApiErrors(400, 404)
  scores(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ScoreTableView> {
    return this.judging.scores(actor, id);
  }

  @Get('panels/:id/scores.xlsx')
  @Requires(Permission.PanelOversee)
  @ApiProduces(SPREADSHEET_TYPES.xlsx)
  @ApiOperation({ summary: 'The panel’s score sheet as XLSX: criteria and totals per judge, aggregated score, flags (organisers and the chair)', description: MEMBERSHIP })
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The score sheet as XLSX' })
  @ApiErrors(400, 404)
  async exportScores(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    return download({ content: await this.judging.exportScores(actor, id), fileName: `bang-diem-${id.slice(0, 8)}.xlsx`, mediaType: SPREADSHEET_TYPES.xlsx });
  }

  @Get('panels/:id/entries')
  @Requires(Permission.ScoreWrite)
  @ApiOperation({ summary: 'The entries assigned to you in this panel, with your own sheet', description: MEMBERSHIP })
  @ApiOkResponse({ type: [AssignedEntryView], description: 'Your entries with a blind number and your sheet' })
  @ApiErrors(400, 404)
  myEntries(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<AssignedEntryView[]> {
    return this.judging.myEntries(actor, id);
  }

  @Get('panels/:id/entries/:entryId')
  @Requires(Permission.ScoreWrite)
  @ApiOperation({ summary: 'An entry assigned to you, with its dossier (blind where the panel is), the rubric and your sheet', description: `${MEMBERSHIP} An entry not assigned to you answers 404.` })
  @ApiOkResponse({ type: JudgeEntryDetailView, description: 'The entry (blind where the stage is), its dossier files, the rubric and your sheet' })
  @ApiErrors(400, 404)
  myEntry(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('entryId', ParseUUIDPipe) entryId: string): Promise<JudgeEntryDetailView> {
    return this.judging.myEntry(actor, id, entryId);
  }

  @Get('panels/:id/entries/:entryId/files/:fileId')
  @Requires(Permission.ScoreWrite)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiOperation({ summary: 'Download a dossier file of an entry assigned to you (under a blind name where the stage is blind)', description: `${MEMBERSHIP} Any other entry or file answers 404.` })
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The file as uploaded' })
  @ApiErrors(400, 404)
  async dossierFile(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('entryId', ParseUUIDPipe) entryId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
  ): Promise<StreamableFile> {
    const file = await this.judging.myDossierFile(actor, id, entryId, fileId);
    return new StreamableFile(file.stream, { type: file.mediaType, disposition: file.disposition, length: file.length });
  }

  @Put('panels/:id/entries/:entryId/sheet')
  @Requires(Permission.ScoreWrite)
  @ApiOperation({
    summary: 'Save your draft scores for an entry assigned to you',
    description:
      'Points 0..max per criterion in the rubric step; a bad point or unknown criterion answers 400 naming it and nothing is written. A stale version answers 409; a confirmed sheet or a closed panel 422.',
  })
  @ApiOkResponse({ type: SheetView, description: 'Your sheet as saved, with its new version' })
  @ApiErrors(400, 404, 409, 422)
  saveDraft(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('entryId', ParseUUIDPipe) entryId: string, @Body() dto: SaveSheetDto): Promise<SheetView> {
    return this.judging.saveDraft(actor, id, entryId, dto);
  }

  @Post('panels/:id/entries/:entryId/sheet/confirm')
  @HttpCode(200)
  @Requires(Permission.ScoreWrite)
  @ApiOperation({
    summary: 'Confirm your sheet: only confirmed scores count; afterwards only the chair can reopen it',
    description: 'Every criterion must be scored (422 naming the missing ones). A stale version answers 409.',
  })
  @ApiOkResponse({ type: ConfirmedSheetView, description: 'Your confirmed sheet, and whether the entry is now flagged' })
  @ApiErrors(400, 404, 409, 422)
  confirm(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('entryId', ParseUUIDPipe) entryId: string, @Body() dto: ConfirmSheetDto): Promise<ConfirmedSheetView> {
    return this.judging.confirm(actor, id, entryId, dto);
  }

  @Post('panels/:id/entries/:entryId/conflict')
  @HttpCode(200)
  @Requires(Permission.ScoreWrite)
  @ApiOperation({ summary: 'Declare a conflict of interest with an entry assigned to you, before confirming: it is taken from you and reassigned' })
  @ApiOkResponse({ type: ConflictDeclaredView, description: 'Whether the entry went to another judge' })
  @ApiErrors(400, 404, 422)
  declareConflict(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('entryId', ParseUUIDPipe) entryId: string,
    @Body() dto: DeclareConflictDto,
  ): Promise<ConflictDeclaredView> {
    return this.judging.declareConflict(actor, id, entryId, dto);
  }

  @Post('panels/:id/entries/:entryId/sheets/:judgeId/reopen')
  @HttpCode(200)
  @Requires(Permission.PanelChair)
  @ApiOperation({ summary: 'The chair reopens a judge’s confirmed sheet, with a reason (audited)', description: MEMBERSHIP })
  @ApiOkResponse({ type: SheetView, description: 'The sheet, a draft again' })
  @ApiErrors(400, 404, 422)
  reopenSheet(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('entryId', ParseUUIDPipe) entryId: string,
    @Param('judgeId', ParseUUIDPipe) judgeId: string,
    @Body() dto: ReasonDto,
  ): Promise<SheetView> {
    return this.judging.reopenSheet(actor, id, entryId, judgeId, dto);
  }

  @Post('panels/:id/entries/:entryId/flag/settle')
  @HttpCode(200)
  @Requires(Permission.PanelChair)
  @ApiOperation({ summary: 'The chair settles an entry’s open discrepancy flag: accept with a note, ask a judge to rescore, or add a judge', description: MEMBERSHIP })
  @ApiOkResponse({ type: FlagSettledView, description: 'How the flag was settled' })
  @ApiErrors(400, 404, 422)
  settleFlag(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('entryId', ParseUUIDPipe) entryId: string, @Body() dto: SettleFlagDto): Promise<FlagSettledView> {
    return this.judging.settleFlag(actor, id, entryId, dto);
  }

  @Post('panels/:id/close')
  @HttpCode(200)
  @Requires(Permission.PanelChair)
  @ApiOperation({ summary: 'The chair closes the panel: every entry has k confirmed scores and no open flag; scores freeze', description: MEMBERSHIP })
  @ApiOkResponse({ type: PanelView })
  @ApiErrors(400, 404, 422)
  close(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.judging.close(actor, id);
  }

  @Post('panels/:id/reopen')
  @HttpCode(200)
  @Requires(Permission.PanelChair)
  @ApiOperation({ summary: 'The chair reopens a closed panel, with a reason (audited)', description: MEMBERSHIP })
  @ApiOkResponse({ type: PanelView })
  @ApiErrors(400, 404, 422)
  reopen(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto) {
    return this.judging.reopenPanel(actor, id, dto);
  }
}
