import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { JudgedStage, JudgedStages } from '../contests/stage-scores';
import { AuditService } from '../core/audit/audit.service';
import { Actor } from '../core/auth/actor';
import { ConflictError, DomainError, FieldProblem, invalidRequest, NotFoundError, problem, problemOf, reason, Reason, RuleViolationError, ValidationError } from '../core/errors/domain-error';
import { pageOf, PageQuery } from '../core/http/paging';
import { changeNeedsTransaction } from '../core/idempotency/idempotency-scope';
import { StatementGatherer } from '../core/database/statement-gatherer';
import type { SqlPart } from '../core/database/sql-part';
import { OutboxService } from '../core/outbox/outbox.service';
import { toXlsx } from '../core/spreadsheet';
import { aggregateTotals, closeProblems, formatHundredths, needsReview, normalisedTotals, panelProgress, sheetProblems, sheetTotal, spreadOf, toHundredths } from './aggregation';
import { affiliationConflict, assignJudges } from './assignment';
import {
  AddMemberDto,
  ConfirmSheetDto,
  CreatePanelDto,
  DeclareConflictDto,
  ReasonDto,
  RecordConflictDto,
  RejudgeDto,
  SaveSheetDto,
  SetPinsDto,
  SettleFlagDto,
  UpdateWindowDto,
} from './dto/judging.dto';
import { assignedSheet, organisesUnit, panelFor, panelReach, seesAllScores } from './judging-access';
import { judgeAssignedMail, rescoreAskedMail } from '../core/outbox/mail-catalogue';
import { Panel, PanelMember, ScoreSheet } from './judging.entity';
import { InfeasibleAssignmentError, panelClosed, stalePanel, staleSheet } from './judging.errors';
import { blindFileName, DraftOutcome, DraftSave, JudgingRepository, MemberRow, NO_STANDING, sheetSnapshot } from './judging.repository';
import { ScoringRules, ScoringRulesCache } from './scoring-rules';
import { CountedSheet, cuspEntries, earlierJudges, entryProblems, roundedAssignment, settledScores } from './rejudge';
import { attachmentDisposition } from '../entries/dossier-files';
import { readTogether } from '../core/database/read-together';

const pairKey = (entryId: string, judgeId: string) => `${entryId}\n${judgeId}`;

function sheetView(sheet: Pick<ScoreSheet, 'id' | 'status' | 'points' | 'total' | 'comment' | 'version' | 'confirmedAt'>) {
  return {
    id: sheet.id,
    status: sheet.status,
    points: sheet.points,
    total: sheet.total === null ? null : sheet.total.toFixed(2),
    comment: sheet.comment,
    version: sheet.version,
    confirmedAt: sheet.confirmedAt,
  };
}

@Injectable()
export class JudgingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: JudgingRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly stages: JudgedStages,
    private readonly rules: ScoringRulesCache,
  ) {}

  /** Judges' draft saves arriving together, written by one statement. */
  private readonly draftSaves = new StatementGatherer((saves: DraftSave[]) => this.saveDrafts(this.db.manager, saves));

  // ---------------------------------------------------------------- organisers: form, staff, assign

  /** An organiser forms a panel of a judged stage at a unit of the stage's level that they organise. */
  async createPanel(actor: Actor, stageId: string, dto: CreatePanelDto) {
    return this.db.transaction(async (manager) => {
      const unit = await this.repo.unit(manager, dto.unitId);
      const stage = unit && organisesUnit(actor, unit.path) ? await this.stages.get(manager, stageId) : null;
      if (!unit || !stage || !unit.path.startsWith(stage.editionUnitPath)) throw new NotFoundError('Stage');
      const problems = [];
      if (!stage.judged || stage.judgesPerEntry < 1) problems.push(problem('stageId', 'STAGE_NOT_JUDGED', {}));
      if (stage.editionArchived) problems.push(problem('stageId', 'EDITION_IS_ARCHIVED', {}));
      if (unit.levelCode !== stage.levelCode) problems.push(problem('unitId', 'UNIT_NOT_AT_STAGE_LEVEL', { levelCode: stage.levelCode }));
      const fieldIds = dto.fieldCodes.map((code) => stage.fields.find((f) => f.code.toLowerCase() === code.toLowerCase())?.id);
      dto.fieldCodes.forEach((code, i) => {
        if (!fieldIds[i]) problems.push(problem(`fieldCodes[${i}]`, 'NO_SUCH_FIELD_IN_EDITION', { code }));
      });
      if (new Date(dto.scoringClosesAt) <= new Date(dto.scoringOpensAt)) problems.push(problem('scoringClosesAt', 'AFTER_SCORING_OPENS', {}));
      if (problems.length) throw new RuleViolationError('PANEL_CANNOT_FORM', {}, problems);
      // Panels of one stage and unit are formed one at a time, so two cannot both take a field.
      await this.repo.lockPanelForming(manager, stageId, unit.id);
      const taken = await this.repo.panelsTakingFields(manager, stageId, unit.id, fieldIds as string[]);
      if (taken.length) throw new ConflictError('FIELD_HAS_PANEL', { panel: taken[0] }, { problems: [problem('fieldCodes', 'SCORED_BY_PANEL', { panel: taken[0] })] });
      const inserted = await manager.insert(Panel, {
        stageId,
        unitId: unit.id,
        unitPath: unit.path,
        name: dto.name,
        fieldIds: fieldIds as string[],
        scoringOpensAt: new Date(dto.scoringOpensAt),
        scoringClosesAt: new Date(dto.scoringClosesAt),
        scoreStep: dto.scoreStep ?? 0.5,
        reminderLeadHours: dto.reminderLeadHours ?? 24,
      });
      const id: string = inserted.identifiers[0].id;
      await this.audit.record(manager, actor, { action: 'panel.create', entityType: 'panel', entityId: id, unitPath: unit.path, after: { stageId, ...dto } });
      return this.view(manager, await manager.findOneByOrFail(Panel, { id }), stage);
    });
  }

  /** The panels the actor organises or sits on, newest first, with their standing on each. */
  async listPanels(actor: Actor, query: PageQuery) {
    const [panels, total] = await this.repo.reachablePanels(this.db.manager, actor, panelReach('view'), query);
    const standings = await this.repo.standingsOn(
      this.db.manager,
      actor,
      panels.map((panel) => panel.id),
    );
    const items = panels.map((panel) => {
      const standing = standings.get(panel.id) ?? NO_STANDING;
      return {
        id: panel.id,
        stageId: panel.stageId,
        unitId: panel.unitId,
        name: panel.name,
        state: panel.state,
        scoringOpensAt: panel.scoringOpensAt,
        scoringClosesAt: panel.scoringClosesAt,
        organiser: standing.organiser,
        role: standing.role,
      };
    });
    return pageOf(items, total, query);
  }

  async getPanel(actor: Actor, panelId: string) {
    const panel = await panelFor(this.repo, this.db.manager, actor, panelId, 'view');
    return this.view(this.db.manager, panel);
  }

  /** Seats a judge or the chair: an active account with a grant at or under the panel's unit. */
  async addMember(actor: Actor, panelId: string, dto: AddMemberDto) {
    return this.seat(actor, panelId, [dto], (_i, field) => field);
  }

  /** `addMember` for several members in one transaction: any refused refuses all, its problems named `members[i].…`. */
  async addMembers(actor: Actor, panelId: string, members: AddMemberDto[]) {
    const at = (i: number, field: string) => `members[${i}].${field}`;
    const twice = members.flatMap((m, i) => (members.findIndex((q) => q.userId === m.userId) < i ? [problem(at(i, 'userId'), 'LISTED_TWICE', { id: m.userId })] : []));
    if (twice.length > 0) throw invalidRequest(twice);
    const secondChair = members.findIndex((m, i) => m.role === 'chair' && members.findIndex((q) => q.role === 'chair') < i);
    if (secondChair >= 0) throw new ConflictError('PANEL_HAS_CHAIR', {}, { problems: [problem(at(secondChair, 'role'), 'PANEL_HAS_CHAIR', {})] });
    return this.seat(actor, panelId, members, at);
  }

  /** Seats members in one statement, each checked as a single seat is; `at` names a member's field in a refusal. */
  private async seat(actor: Actor, panelId: string, members: AddMemberDto[], at: (index: number, field: string) => string) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      const [accounts, activeUnits, seated] = await readTogether(manager, [
        () =>
          this.repo.accountsUnder(
            manager,
            members.map((m) => m.userId),
            panel.unitPath,
          ),
        () =>
          this.repo.activeUnitIds(
            manager,
            members.flatMap((m) => (m.affiliationUnitId ? [m.affiliationUnitId] : [])),
          ),
        () => manager.findBy(PanelMember, { panelId, userId: In(members.map((m) => m.userId)) }),
      ]);
      const seatedAs = new Map(seated.filter((m) => !m.removedAt).map((m) => [m.userId, m.role]));
      members.forEach((dto, i) => {
        if (!accounts.has(dto.userId)) throw new NotFoundError('User', { problems: [problem(at(i, 'userId'), 'NO_ACCOUNT_UNDER_PANEL', {})] });
        if (dto.affiliationUnitId && !activeUnits.has(dto.affiliationUnitId)) throw new NotFoundError('Unit', { problems: [problem(at(i, 'affiliationUnitId'), 'NO_ACTIVE_UNIT', {})] });
        const role = seatedAs.get(dto.userId);
        if (role) throw new ConflictError('ALREADY_ON_PANEL', {}, { problems: [problem(at(i, 'userId'), 'ALREADY_PANEL_ROLE', { role })] });
      });
      const seats = members.map((dto) => ({ userId: dto.userId, role: dto.role, affiliationUnitId: dto.affiliationUnitId ?? null, fieldCodes: dto.fieldCodes ?? [] }));
      try {
        await this.repo.seatMembers(manager, panelId, seats);
      } catch (error) {
        const driver = error instanceof QueryFailedError ? (error.driverError as { constraint?: string }) : undefined;
        const chair = members.findIndex((m) => m.role === 'chair');
        if (driver?.constraint === 'panel_members_one_chair_key') throw new ConflictError('PANEL_HAS_CHAIR', {}, { problems: [problem(at(chair, 'role'), 'PANEL_HAS_CHAIR', {})] });
        throw error;
      }
      await this.audit.record(
        manager,
        actor,
        seats.map(({ userId, ...values }) => ({ action: 'panel.member-add', entityType: 'panel', entityId: panelId, unitPath: panel.unitPath, after: { userId, ...values, removedAt: null } })),
      );
      return this.view(manager, panel);
    });
  }

  /**
   * Takes a member off the panel. A judge's sheets stop counting (confirmed ones stay on record) and, once the
   * panel is assigned, their entries go to other judges in the same transaction: if that cannot be done, 422
   * and nothing changes.
   */
  async removeMember(actor: Actor, panelId: string, userId: string) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      if (panel.state === 'closed') throw panelClosed();
      const member = await manager.findOneBy(PanelMember, { panelId, userId });
      if (!member || member.removedAt) throw new NotFoundError('Panel member');
      await manager.update(PanelMember, { id: member.id }, { removedAt: () => 'now()' });
      const sheets = await manager.find(ScoreSheet, { where: { panelId, judgeId: userId, active: true } });
      if (sheets.length) {
        await manager.update(ScoreSheet, { panelId, judgeId: userId, active: true }, { active: false, version: () => 'version + 1' });
        await this.reassign(manager, actor, panel, 'strict');
      }
      await this.audit.record(manager, actor, {
        action: 'panel.member-remove',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        before: { userId, role: member.role },
        after: { sheetsSetAside: sheets.map((s) => ({ entryId: s.entryId, status: s.status, total: s.total })) },
      });
      return this.view(manager, panel);
    });
  }

  /** Records a conflict of interest by hand; an assigned pair it breaks moves to another judge. */
  async recordConflict(actor: Actor, panelId: string, dto: RecordConflictDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      if (panel.state === 'closed') throw panelClosed();
      const judge = (await this.repo.members(manager, panelId)).find((m) => m.userId === dto.judgeId && m.role === 'judge');
      if (!judge) throw new NotFoundError('Panel member', { problems: [problem('judgeId', 'NOT_PANEL_JUDGE', {})] });
      if (!(await this.repo.entry(manager, panel, (await this.stages.get(manager, panel.stageId))!, dto.entryId)))
        throw new NotFoundError('Entry', { problems: [problem('entryId', 'NOT_PANEL_ENTRY', {})] });
      await this.repo.recordConflict(manager, panelId, dto.judgeId, dto.entryId, dto.kind, dto.note ?? null);
      const moved = (await manager.count(ScoreSheet, { where: { panelId, entryId: dto.entryId, judgeId: dto.judgeId, active: true } })) > 0;
      if (moved) await this.reassign(manager, actor, panel, 'strict');
      await this.audit.record(manager, actor, { action: 'panel.conflict-record', entityType: 'panel', entityId: panelId, unitPath: panel.unitPath, after: { ...dto, reassigned: moved } });
      return { judgeId: dto.judgeId, entryId: dto.entryId, kind: dto.kind, reassigned: moved };
    });
  }

  /**
   * Pins judges to entries: each listed entry's pins become its `judgeIds`. A pin must name a judge of the panel
   * without a conflict with the entry, at most k per entry (422 naming each bad one, nothing written). An assigned
   * panel is re-assigned around the new pins at once; otherwise the next assignment starts from them.
   */
  async setPins(actor: Actor, panelId: string, dto: SetPinsDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      if (panel.state === 'closed') throw panelClosed();
      const stage = (await this.stages.get(manager, panel.stageId))!;
      const entries = new Map((await this.repo.entries(manager, panel, stage)).map((e) => [e.id, e]));
      const judges = new Map(this.repo.judges(await this.repo.members(manager, panelId)).map((j) => [j.id, j]));
      const recorded = new Set((await this.repo.conflicts(manager, panelId)).map((c) => `${c.entryId}\n${c.judgeId}`));
      const missing: FieldProblem[] = [];
      const refused: FieldProblem[] = [];
      dto.entries.forEach(({ entryId, judgeIds }, i) => {
        const entry = entries.get(entryId);
        if (!entry) missing.push(problem(`entries[${i}].entryId`, 'NOT_PANEL_ENTRY', {}));
        if (dto.entries.findIndex((e) => e.entryId === entryId) < i) refused.push(problem(`entries[${i}].entryId`, 'LISTED_TWICE', { id: entryId }));
        if (judgeIds.length > stage.judgesPerEntry) refused.push(problem(`entries[${i}].judgeIds`, 'PINS_BEYOND_K', { entryIds: [entryId], pinned: judgeIds.length, needed: stage.judgesPerEntry }));
        judgeIds.forEach((judgeId, j) => {
          const judge = judges.get(judgeId);
          if (!judge) missing.push(problem(`entries[${i}].judgeIds[${j}]`, 'NOT_PANEL_JUDGE', {}));
          else if (entry && (affiliationConflict(judge.affiliationPath, entry.unitPath, panel.unitPath) || recorded.has(`${entryId}\n${judgeId}`)))
            refused.push(problem(`entries[${i}].judgeIds[${j}]`, 'JUDGE_CONFLICTED', {}));
        });
      });
      if (missing.length) throw new NotFoundError('Panel member', { problems: missing });
      if (refused.length) throw new RuleViolationError('CANNOT_PIN', { count: refused.length }, refused);
      const pins = dto.entries.flatMap(({ entryId, judgeIds }) => judgeIds.map((judgeId) => ({ entryId, judgeId })));
      await this.repo.replacePins(
        manager,
        panelId,
        dto.entries.map((e) => e.entryId),
        pins,
      );
      const assigned = (await this.repo.sheets(manager, panelId)).some((s) => s.active);
      const assignment = assigned ? await this.reassign(manager, actor, panel, 'strict') : null;
      await this.audit.record(manager, actor, { action: 'panel.pins-set', entityType: 'panel', entityId: panelId, unitPath: panel.unitPath, after: { entries: dto.entries, reassigned: assigned } });
      return { pins: await this.repo.pins(manager, panelId), assignment };
    });
  }

  /** Gives every entry of the panel k judges, keeping what still holds. Infeasible: 422 naming entries, nothing written. */
  async assign(actor: Actor, panelId: string) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      if (panel.state === 'closed') throw panelClosed();
      const result = await this.reassign(manager, actor, panel, 'strict');
      await this.audit.record(manager, actor, {
        action: 'panel.assign',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        after: { added: result.added.length, dropped: result.dropped.length, loads: result.loads },
      });
      return result;
    });
  }

  /**
   * Runs the assignment over the panel as it stands and applies it, round by round where entries were re-judged
   * (roundedAssignment): pairs that no longer hold stop counting (their sheets stay), new pairs get a sheet in
   * their round (an old one of the same pair counts again), and each judge with new entries gets one mail.
   * `lenient`: when it cannot be done, leave things as they are (a judge declaring a conflict must not be refused
   * for the panel's shortage).
   */
  private async reassign(manager: EntityManager, actor: Actor, panel: Panel, mode: 'strict' | 'lenient') {
    const stage = (await this.stages.get(manager, panel.stageId))!;
    const entries = await this.repo.entries(manager, panel, stage);
    const members = await this.repo.members(manager, panel.id);
    const sheets = await this.repo.sheets(manager, panel.id);
    const rounds = roundedAssignment(entries, sheets, await this.repo.conflicts(manager, panel.id), stage.rejudgeMode, stage.judgesPerEntry);
    const result = assignJudges({
      entries: rounds.entries,
      judges: this.repo.judges(members),
      stageUnitPath: panel.unitPath,
      judgesPerEntry: stage.judgesPerEntry,
      conflicts: rounds.conflicts,
      current: rounds.current,
      // Pins name entries, which are their first round's slots; a later round takes fresh judges only.
      pins: (await this.repo.pins(manager, panel.id)).filter((pin) => rounds.entries.some((slot) => slot.id === pin.entryId)),
    });
    if (!result.ok) {
      const problems = entryProblems(result.problems, rounds.slotOf);
      if (mode === 'lenient') return { assignments: 0, added: [], dropped: [], loads: [], problems };
      throw new InfeasibleAssignmentError(problems);
    }
    const added = result.added.map((a) => ({ ...rounds.slotOf(a.entryId), judgeId: a.judgeId }));
    const dropped = result.dropped.map(({ entryId, judgeId, reason, scores }) => ({ entryId: rounds.slotOf(entryId).entryId, judgeId, reason, scores }));
    const byPair = new Map(sheets.map((s) => [pairKey(s.entryId, s.judgeId), s]));
    const drop = dropped.map((d) => byPair.get(pairKey(d.entryId, d.judgeId))!.id);
    if (drop.length) await this.repo.deactivateSheets(manager, drop);
    if (added.length) {
      await this.repo.assignSheets(manager, panel.id, added);
      const runId = randomUUID();
      const counts = new Map<string, number>();
      for (const a of added) counts.set(a.judgeId, (counts.get(a.judgeId) ?? 0) + 1);
      await this.outbox.add(
        manager,
        [...counts].map(([judgeId, count]) => judgeAssignedMail(panel, this.person(members, judgeId), count, runId)),
      );
    }
    return {
      assignments: result.assignments.length,
      added: added.map(({ entryId, judgeId, round }) => ({ entryId, judgeId, round })),
      dropped,
      loads: result.loads,
      problems: [],
    };
  }

  private person(members: MemberRow[], userId: string) {
    const member = members.find((m) => m.userId === userId)!;
    return { id: member.userId, email: member.email, fullName: member.fullName };
  }

  /**
   * The organiser moves a panel's scoring window (opens before closes) and, optionally, how long before closing
   * judges are reminded. The reminder follows: it is due again before the new closing time, once.
   */
  async updateWindow(actor: Actor, panelId: string, dto: UpdateWindowDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      if (panel.state === 'closed') throw panelClosed();
      if (panel.version !== dto.version) throw stalePanel(dto.version, panel.version);
      const scoringOpensAt = new Date(dto.scoringOpensAt);
      const scoringClosesAt = new Date(dto.scoringClosesAt);
      if (scoringClosesAt <= scoringOpensAt) throw new RuleViolationError('PANEL_WINDOW_INVALID', {}, [problem('scoringClosesAt', 'AFTER_SCORING_OPENS', {})]);
      const reminderLeadHours = dto.reminderLeadHours ?? panel.reminderLeadHours;
      await manager.update(Panel, { id: panelId }, { scoringOpensAt, scoringClosesAt, reminderLeadHours, version: () => 'version + 1' });
      await this.audit.record(manager, actor, {
        action: 'panel.window',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        before: { scoringOpensAt: panel.scoringOpensAt.toISOString(), scoringClosesAt: panel.scoringClosesAt.toISOString(), reminderLeadHours: panel.reminderLeadHours },
        after: { scoringOpensAt: scoringOpensAt.toISOString(), scoringClosesAt: scoringClosesAt.toISOString(), reminderLeadHours },
      });
      return this.view(manager, await manager.findOneByOrFail(Panel, { id: panelId }));
    });
  }

  /**
   * Cusp re-judging: the entries whose settled score lies within `margin` of a cut go to k fresh judges (none who
   * ever held a sheet of them), in a new round. By the stage's `rejudgeMode` the new scores replace the earlier
   * ones (those stop counting) or join them; every sheet stays on record. Infeasible: 422 naming the entries, and
   * nothing changes.
   */
  async rejudge(actor: Actor, panelId: string, dto: RejudgeDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'organise', 'update');
      if (panel.state === 'closed') throw panelClosed();
      const stage = (await this.stages.get(manager, panel.stageId))!;
      const rubricTotal = stage.rubric.reduce((sum, c) => sum + toHundredths(c.maxPoints)!, 0);
      const cuts = dto.cuts.map(toHundredths);
      const margin = toHundredths(dto.margin);
      const problems = [
        ...cuts.flatMap((cut, i) => (cut === null || cut < 0 || cut > rubricTotal ? [problem(`cuts[${i}]`, 'CUTS_OUT_OF_RANGE', { max: rubricTotal / 100 })] : [])),
        ...(margin === null || margin <= 0 || margin > 10_000 ? [problem('margin', 'MARGIN_OUT_OF_RANGE', { max: 100 })] : []),
      ];
      if (problems.length) throw new ValidationError('REJUDGE_INVALID', {}, problems);
      const entries = await this.repo.entries(manager, panel, stage);
      const members = await this.repo.members(manager, panelId);
      const sheets = await this.repo.sheets(manager, panelId);
      const counting = sheets.filter((s) => s.active && s.status === 'confirmed');
      const raw = new Map(counting.map((s) => [s.id, toHundredths(s.total!)!]));
      const counted = stage.normaliseBias ? normalisedTotals(counting.map((s) => ({ id: s.id, judgeId: s.judgeId, total: raw.get(s.id)! }))) : raw;
      const record: CountedSheet[] = sheets.map((s) => ({ entryId: s.entryId, judgeId: s.judgeId, status: s.status, active: s.active, round: s.round, total: counted.get(s.id) ?? null }));
      const scores = settledScores(
        entries.map((e) => e.id),
        record,
        await this.repo.openFlagEntries(manager, panelId),
        stage.judgesPerEntry,
        stage.aggregation,
      );
      const cusp = cuspEntries(scores, cuts as number[], margin!, record);
      if (cusp.length === 0) return { mode: stage.rejudgeMode, entries: [] };
      const chosen = new Set(cusp.map((c) => c.entryId));
      const result = assignJudges({
        entries: entries.filter((e) => chosen.has(e.id)),
        judges: this.repo.judges(members),
        stageUnitPath: panel.unitPath,
        judgesPerEntry: stage.judgesPerEntry,
        conflicts: [...(await this.repo.conflicts(manager, panelId)), ...earlierJudges(cusp, record)],
        current: [],
      });
      if (!result.ok) throw new InfeasibleAssignmentError(result.problems);
      const earlier = new Map(cusp.map((c) => [c.entryId, sheets.filter((s) => s.entryId === c.entryId && s.active).map((s) => ({ judgeId: s.judgeId, round: s.round, total: s.total }))]));
      if (stage.rejudgeMode === 'replace') {
        await this.repo.deactivateEntrySheets(manager, panelId, [...chosen]);
      }
      const round = new Map(cusp.map((c) => [c.entryId, c.round]));
      const pairs = result.assignments.flatMap((a) => a.judgeIds.map((judgeId) => ({ entryId: a.entryId, judgeId, round: round.get(a.entryId)! })));
      await this.repo.insertSheets(manager, panelId, pairs);
      const runId = randomUUID();
      const counts = new Map<string, number>();
      for (const p of pairs) counts.set(p.judgeId, (counts.get(p.judgeId) ?? 0) + 1);
      await this.outbox.add(
        manager,
        [...counts].map(([judgeId, count]) => judgeAssignedMail(panel, this.person(members, judgeId), count, runId)),
      );
      const view = cusp.map((c) => ({
        entryId: c.entryId,
        score: formatHundredths(c.score),
        cut: formatHundredths(c.cut),
        distance: formatHundredths(c.distance),
        round: c.round,
        judgeIds: pairs.filter((p) => p.entryId === c.entryId).map((p) => p.judgeId),
      }));
      await this.audit.record(manager, actor, {
        action: 'panel.rejudge',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        before: { entries: cusp.map((c) => ({ entryId: c.entryId, score: formatHundredths(c.score), sheets: earlier.get(c.entryId) })) },
        after: { mode: stage.rejudgeMode, cuts: dto.cuts, margin: dto.margin, entries: view },
      });
      return { mode: stage.rejudgeMode, entries: view };
    });
  }

  // ---------------------------------------------------------------- organisers and the chair: progress and scores

  async progress(actor: Actor, panelId: string) {
    const manager = this.db.manager;
    const panel = await panelFor(this.repo, manager, actor, panelId, 'oversee');
    const stage = (await this.stages.get(manager, panel.stageId))!;
    const members = await this.repo.members(manager, panelId);
    const entries = await this.repo.entries(manager, panel, stage);
    const judges = members.filter((m) => m.role === 'judge');
    const progress = panelProgress(
      entries.map((e) => e.id),
      judges.map((j) => j.userId),
      await this.repo.sheets(manager, panelId),
      await this.repo.openFlagEntries(manager, panelId),
    );
    return {
      panelId,
      state: panel.state,
      judgesPerEntry: stage.judgesPerEntry,
      judges: progress.judges.map((p) => ({ ...p, fullName: judges.find((j) => j.userId === p.judgeId)!.fullName })),
      entries: progress.entries.map((p) => {
        const entry = entries.find((e) => e.id === p.entryId)!;
        return { ...p, reference: entry.reference, blindNumber: entry.blindNumber };
      }),
      closable: closeProblems(progress, stage.judgesPerEntry),
    };
  }

  /**
   * Every entry's confirmed totals per judge, its aggregated score (fixed decimals), spread and flags. Organisers
   * and the chair see it throughout; judges only once the panel closed.
   */
  async scores(actor: Actor, panelId: string) {
    const manager = this.db.manager;
    const panel = await panelFor(this.repo, manager, actor, panelId, 'view');
    if (!seesAllScores(await this.repo.standingOn(manager, actor, panel.id), panel)) throw new NotFoundError('Panel scores');
    return this.scoreTable(manager, panel);
  }

  private async scoreTable(manager: EntityManager, panel: Panel) {
    const stage = (await this.stages.get(manager, panel.stageId))!;
    const entries = await this.repo.entries(manager, panel, stage);
    const members = await this.repo.members(manager, panel.id, true);
    const sheets = (await this.repo.sheets(manager, panel.id)).filter((s) => s.active && s.status === 'confirmed');
    const flags = await this.repo.flags(manager, panel.id);
    const totals = new Map(sheets.map((s) => [s.id, toHundredths(s.total!)!]));
    const normalised = stage.normaliseBias ? normalisedTotals(sheets.map((s) => ({ id: s.id, judgeId: s.judgeId, total: totals.get(s.id)! }))) : null;
    const rows = entries.map((entry) => {
      const own = sheets.filter((s) => s.entryId === entry.id);
      const raw = own.map((s) => totals.get(s.id)!);
      const score = aggregateTotals(raw, stage.aggregation);
      const normalisedScore = normalised
        ? aggregateTotals(
            own.map((s) => normalised.get(s.id)!),
            stage.aggregation,
          )
        : null;
      const entryFlags = flags.filter((f) => f.entryId === entry.id);
      return {
        entryId: entry.id,
        reference: entry.reference,
        blindNumber: entry.blindNumber,
        title: entry.title,
        fieldCode: entry.fieldCode,
        judges: own.map((s) => ({
          judgeId: s.judgeId,
          fullName: members.find((m) => m.userId === s.judgeId)?.fullName ?? '',
          points: s.points,
          total: formatHundredths(totals.get(s.id)!),
          normalisedTotal: normalised ? formatHundredths(normalised.get(s.id)!) : null,
        })),
        confirmed: own.length,
        score: score === null ? null : formatHundredths(score),
        normalisedScore: normalisedScore === null ? null : formatHundredths(normalisedScore),
        spread: formatHundredths(spreadOf(raw)),
        openFlag: entryFlags.some((f) => f.status === 'open'),
        flags: entryFlags.map((f) => ({ status: f.status, spread: f.spread.toFixed(2), settlement: f.settlement, note: f.note })),
      };
    });
    return { panelId: panel.id, state: panel.state, aggregation: stage.aggregation, normaliseBias: stage.normaliseBias, rubric: stage.rubric, entries: rows };
  }

  /** The panel's score sheet as organisers file it: one row per entry, a column per judge and criterion, the score and flags. */
  async exportScores(actor: Actor, panelId: string): Promise<Buffer> {
    const panel = await panelFor(this.repo, this.db.manager, actor, panelId, 'oversee');
    const table = await this.scoreTable(this.db.manager, panel);
    const judgeIds = [...new Set(table.entries.flatMap((e) => e.judges.map((j) => j.judgeId)))];
    const names = new Map(table.entries.flatMap((e) => e.judges.map((j) => [j.judgeId, j.fullName] as const)));
    type Row = (typeof table.entries)[number];
    const columns = [
      { header: 'Số báo danh', value: (r: Row) => r.blindNumber },
      { header: 'Mã sản phẩm', value: (r: Row) => r.reference },
      { header: 'Tên sản phẩm', value: (r: Row) => r.title },
      { header: 'Lĩnh vực', value: (r: Row) => r.fieldCode },
      ...judgeIds.flatMap((judgeId, j) => [
        ...table.rubric.map((c) => ({ header: `GK${j + 1} ${names.get(judgeId)} - ${c.name}`, value: (r: Row) => r.judges.find((x) => x.judgeId === judgeId)?.points[c.code] ?? null })),
        { header: `GK${j + 1} ${names.get(judgeId)} - Tổng`, value: (r: Row) => numberOrNull(r.judges.find((x) => x.judgeId === judgeId)?.total) },
      ]),
      { header: 'Điểm tổng hợp', value: (r: Row) => numberOrNull(r.score) },
      ...(table.normaliseBias ? [{ header: 'Điểm chuẩn hóa', value: (r: Row) => numberOrNull(r.normalisedScore) }] : []),
      { header: 'Chênh lệch', value: (r: Row) => numberOrNull(r.spread) },
      { header: 'Cờ chênh lệch', value: (r: Row) => r.flags.map((f) => `${f.status === 'open' ? 'chưa xử lý' : f.settlement}: ${f.spread}${f.note ? ` (${f.note})` : ''}`).join('; ') },
    ];
    return toXlsx('Bảng điểm', columns, table.entries);
  }

  // ---------------------------------------------------------------- judges

  /** The entries assigned to the judge, with their own sheet's state only. */
  async myEntries(actor: Actor, panelId: string) {
    const manager = this.db.manager;
    const panel = await panelFor(this.repo, manager, actor, panelId, 'judge');
    const stage = (await this.stages.get(manager, panel.stageId))!;
    const entries = new Map((await this.repo.entries(manager, panel, stage)).map((e) => [e.id, e]));
    const sheets = await manager.find(ScoreSheet, { where: { panelId, judgeId: actor.userId, active: true } });
    return sheets
      .filter((s) => entries.has(s.entryId))
      .map((s) => {
        const entry = entries.get(s.entryId)!;
        return { entryId: s.entryId, blindNumber: entry.blindNumber, title: entry.title, fieldCode: entry.fieldCode, ...(stage.blind ? {} : { reference: entry.reference }), sheet: sheetView(s) };
      })
      .sort((a, b) => (a.blindNumber < b.blindNumber ? -1 : 1));
  }

  async myEntry(actor: Actor, panelId: string, entryId: string) {
    const manager = this.db.manager;
    const panel = await panelFor(this.repo, manager, actor, panelId, 'judge');
    const sheet = await assignedSheet(this.repo, manager, actor, panelId, entryId);
    const stage = (await this.stages.get(manager, panel.stageId))!;
    const entry = await this.repo.entry(manager, panel, stage, entryId);
    if (!entry) throw new NotFoundError('Entry');
    const field = stage.fields.find((f) => f.id === entry.fieldId)!;
    return { ...(await this.repo.judgeEntryView(manager, stage.blind, entry, { code: field.code, name: field.name })), rubric: stage.rubric, scoreStep: panel.scoreStep, sheet: sheetView(sheet) };
  }

  /** A file of the dossier of an entry assigned to the judge; on a blind stage under its blind name. Anything else: 404. */
  async myDossierFile(actor: Actor, panelId: string, entryId: string, fileId: string) {
    const manager = this.db.manager;
    const panel = await panelFor(this.repo, manager, actor, panelId, 'judge');
    await assignedSheet(this.repo, manager, actor, panelId, entryId);
    const stage = (await this.stages.get(manager, panel.stageId))!;
    const entry = await this.repo.entry(manager, panel, stage, entryId);
    const file = entry && (await this.repo.dossierFile(manager, entryId, fileId));
    if (!entry || !file) throw new NotFoundError('Dossier file');
    const name = stage.blind ? blindFileName(entry.blindNumber, file.index, file.name) : file.name;
    return { stream: file.stream, length: file.length, mediaType: file.mediaType, disposition: attachmentDisposition(name) };
  }

  /**
   * Saves a draft: any criteria so far, each 0..max in the step; nothing written on a bad point. The hot path of
   * scoring: the points are checked against the panel's remembered rules, then one statement, shared with the
   * other judges' saves arriving at the same time, checks the judge's seat and sheet, the panel's state and window,
   * the version and the rubric, and writes the sheet with its audit row. Refusals come in the order a judge fixes
   * them: not theirs (404), closed, stale, confirmed, bad points.
   */
  async saveDraft(actor: Actor, panelId: string, entryId: string, dto: SaveSheetDto) {
    // The rubric changing between the check and the write is rare: the write then reads it again (a few times at most).
    for (let attempt = 1; ; attempt += 1) {
      const rules = await this.rules.get(panelId, () => this.loadScoringRules(panelId));
      if (!rules) throw new NotFoundError('Entry');
      const problems = sheetProblems(rules.rubric, dto.points, rules.scoreStep);
      const valid = problems.length === 0;
      const save: DraftSave = {
        panelId,
        entryId,
        judgeId: actor.userId,
        version: dto.version,
        valid,
        points: dto.points,
        total: valid && Object.keys(dto.points).length ? formatHundredths(sheetTotal(dto.points)) : null,
        comment: dto.comment,
        stageId: rules.stageId,
        rubric: rules.rubricKey,
        unitPath: rules.unitPath,
      };
      // A keyed request's save runs alone in the transaction that marks its key; any other joins the saves arriving with it.
      const outcome = changeNeedsTransaction() ? (await this.db.transaction((manager) => this.saveDrafts(manager, [save])))[0] : await this.draftSaves.submit(save);
      if (!outcome.found) throw new NotFoundError('Entry');
      openForScoring({ state: outcome.state!, scoringOpensAt: outcome.scoringOpensAt!, scoringClosesAt: outcome.scoringClosesAt! }, outcome.open);
      if (outcome.readVersion !== dto.version) throw staleSheet(dto.version, outcome.readVersion!);
      if (outcome.readStatus === 'confirmed') throw new RuleViolationError('SHEET_CONFIRMED_CHAIR_REOPENS', {}, [problem('status', 'SHEET_STATUS', { status: 'confirmed' })]);
      if (!outcome.rubricUnchanged) {
        this.rules.forget(panelId);
        if (attempt < 3) continue;
        throw new DomainError('STALE_VERSION', 'STALE_VERSION', { what: 'Edition', expected: null, actual: null });
      }
      if (!valid) throw new ValidationError('SCORES_INVALID', { fields: problems.map((p) => p.field) }, problems);
      // Everything held as read, yet the sheet changed before it could be written: another save got there first.
      if (!outcome.written) throw staleSheet(dto.version, await this.repo.sheetVersion(this.db.manager, outcome.sheetId!));
      return sheetView(outcome.written);
    }
  }

  private saveDrafts(manager: EntityManager, saves: DraftSave[]): Promise<DraftOutcome[]> {
    return this.repo.saveDrafts(manager, saves, {
      rubricUnchanged: (stageId, rubric) => this.stages.rubricUnchanged(stageId, rubric),
      audit: (rows) => this.audit.insertionOf({ action: 'score.draft', entityType: 'score_sheet' }, rows),
    });
  }

  private async loadScoringRules(panelId: string): Promise<ScoringRules | null> {
    const panel = await this.repo.scoringRules(this.db.manager, panelId);
    if (!panel) return null;
    const rubric = await this.stages.rubric(this.db.manager, panel.stageId);
    return { ...panel, rubric, rubricKey: this.stages.rubricKey(rubric) };
  }

  /**
   * Confirms the judge's sheet: complete, in range, the version they read. Confirmations of one entry follow
   * each other (its sheets are locked in one order), so the flag check sees every confirmed total.
   */
  async confirm(actor: Actor, panelId: string, entryId: string, dto: ConfirmSheetDto) {
    return this.db.transaction(async (manager) => {
      // The panel's stage is fixed once it is formed: remembered with its scoring rules, so the stage's rules are read
      // in the same statement as the judge's seat and the entry's sheets (their active sheet among them is the
      // assignment check).
      const rules = await this.rules.get(panelId, () => this.loadScoringRules(panelId));
      if (!rules) throw new NotFoundError('Panel');
      const stageRead = this.stages.rulesRead(rules.stageId);
      const state = await this.repo.confirmationState(manager, { panelId, judgeId: actor.userId, entryId }, stageRead.part);
      const { panel, sheets: locked } = state;
      if (!panel) throw new NotFoundError('Panel');
      openForScoring(panel);
      const stage = stageRead.parse(state.stage)!;
      const sheet = locked.find((s) => s.judgeId === actor.userId);
      if (!sheet) throw new NotFoundError('Entry');
      if (sheet.version !== dto.version) throw staleSheet(dto.version, sheet.version);
      if (sheet.status === 'confirmed') throw new RuleViolationError('SHEET_ALREADY_CONFIRMED', {}, [problem('status', 'SHEET_STATUS', { status: 'confirmed' })]);
      const problems = sheetProblems(stage.rubric, sheet.points, panel.scoreStep, true);
      if (problems.length) throw new RuleViolationError('SHEET_INCOMPLETE', { fields: problems.map((p) => p.field) }, problems);
      const total = formatHundredths(sheetTotal(sheet.points));
      // The flag is decided before the write, from the entry's locked sheets with this one's total as confirmed.
      const totals = [...locked.filter((s) => s.id !== sheet.id && s.status === 'confirmed').map((s) => toHundredths(s.total!)!), toHundredths(Number(total))!];
      const review = needsReview(totals, stage.judgesPerEntry, stage.discrepancySpread);
      const spread = formatHundredths(spreadOf(totals));
      const flagAudit = { action: 'score.flag', entityType: 'panel', entityId: panelId, unitPath: panel.unitPath, after: { entryId, spread } };
      const written = await this.repo.confirmSheet(
        manager,
        { id: sheet.id, version: sheet.version, total, actorId: actor.userId, unitPath: panel.unitPath },
        (rows) => this.audit.insertionOf({ action: 'score.confirm', entityType: 'score_sheet' }, rows),
        [
          // Read in this transaction: once the stage is marked, every later confirmation leaves the mark out.
          ...(stage.scoresLocked ? [] : [['marked', this.stages.scoredMark(panel.stageId)] as [string, SqlPart]]),
          ...(review
            ? [
                ['flagged', this.repo.flagRaising(panelId, entryId, spread)] as [string, SqlPart],
                ['flag_audited', this.audit.insertion(actor, [flagAudit], 'EXISTS (SELECT 1 FROM flagged)')] as [string, SqlPart],
              ]
            : []),
        ],
      );
      if (!written) throw staleSheet(sheet.version, (await manager.findOneByOrFail(ScoreSheet, { id: sheet.id })).version);
      return { ...sheetView({ ...sheet, status: 'confirmed', total: Number(total), version: written.version, confirmedAt: written.confirmedAt }), flagged: written.flagged };
    });
  }

  /** Before confirming, a judge declares a conflict: the entry leaves them and goes to another judge where one can take it. */
  async declareConflict(actor: Actor, panelId: string, entryId: string, dto: DeclareConflictDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'judge', 'update');
      if (panel.state === 'closed') throw panelClosed();
      const sheet = await assignedSheet(this.repo, manager, actor, panelId, entryId, 'update');
      if (sheet.status === 'confirmed') throw new RuleViolationError('SHEET_CONFIRMED_BEFORE_CONFLICT', {}, [problem('status', 'SHEET_STATUS', { status: 'confirmed' })]);
      await this.repo.declareConflict(manager, panelId, actor.userId, entryId, dto.note);
      await manager.update(ScoreSheet, { id: sheet.id }, { active: false, version: () => 'version + 1' });
      const result = await this.reassign(manager, actor, panel, 'lenient');
      await this.audit.record(manager, actor, {
        action: 'panel.conflict-declare',
        entityType: 'score_sheet',
        entityId: sheet.id,
        unitPath: panel.unitPath,
        before: sheetSnapshot(sheet),
        after: { ...sheetSnapshot(sheet), active: false, note: dto.note, reassigned: result.problems.length === 0 },
      });
      return { entryId, reassigned: result.problems.length === 0 };
    });
  }

  // ---------------------------------------------------------------- the chair

  /** Only the chair reopens a confirmed sheet, with a reason; the judge can then change and confirm it again. */
  async reopenSheet(actor: Actor, panelId: string, entryId: string, judgeId: string, dto: ReasonDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'chair', 'share');
      if (panel.state === 'closed') throw panelClosed();
      const sheet = await manager.findOne(ScoreSheet, { where: { panelId, entryId, judgeId, active: true }, lock: { mode: 'pessimistic_write' } });
      if (!sheet) throw new NotFoundError('Score sheet');
      if (sheet.status !== 'confirmed') throw new RuleViolationError('SHEET_NOT_CONFIRMED', {}, [problem('status', 'SHEET_STATUS', { status: sheet.status })]);
      return sheetView(await this.reopenConfirmed(manager, actor, panel.unitPath, sheet, dto.reason));
    });
  }

  /** The chair settles an open flag: accept the scores with a note, ask a judge to rescore, or add a judge. */
  async settleFlag(actor: Actor, panelId: string, entryId: string, dto: SettleFlagDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'chair', 'share');
      if (panel.state === 'closed') throw panelClosed();
      const entry = await this.repo.entry(manager, panel, (await this.stages.get(manager, panel.stageId))!, entryId);
      if (!entry) throw new NotFoundError('Entry');
      const flag = await this.repo.lockOpenFlag(manager, panelId, entryId);
      if (!flag) throw new RuleViolationError('NO_OPEN_FLAG', {}, [problem('entryId', 'NO_OPEN_FLAG_SHORT', {})]);
      const members = await this.repo.members(manager, panelId);
      const sheets = await this.repo.lockEntrySheets(manager, panelId, entryId);
      const judgeProblem = (why: Reason) => new RuleViolationError('FLAG_CANNOT_SETTLE', { why }, [problemOf('judgeId', why)]);
      if (dto.action === 'rescore') {
        const sheet = sheets.find((s) => s.judgeId === dto.judgeId && s.status === 'confirmed');
        if (!sheet) throw judgeProblem(reason('NO_CONFIRMED_SHEET_OF_JUDGE', {}));
        await this.reopenConfirmed(manager, actor, panel.unitPath, sheet, dto.note);
        await this.outbox.add(manager, rescoreAskedMail(panel, this.person(members, dto.judgeId!), { id: entryId, label: entry.blindNumber }, dto.note, flag.id));
      }
      if (dto.action === 'add_judge') {
        const judge = members.find((m) => m.userId === dto.judgeId && m.role === 'judge');
        if (!judge) throw judgeProblem(reason('NOT_A_PANEL_JUDGE', {}));
        if (sheets.some((s) => s.judgeId === judge.userId)) throw judgeProblem(reason('JUDGE_HAS_ENTRY', {}));
        // The added judge scores in the entry's current round; one who held a sheet of it in another round is not fresh.
        const round = Math.max(1, ...sheets.map((s) => s.round));
        const earlier = (await this.repo.sheets(manager, panelId)).some((s) => s.entryId === entryId && s.judgeId === judge.userId && s.round !== round);
        if (earlier) throw judgeProblem(reason('JUDGE_HAS_ENTRY', {}));
        const conflicted =
          affiliationConflict(judge.affiliationPath, entry.unitPath, panel.unitPath) || (await this.repo.conflicts(manager, panelId)).some((c) => c.judgeId === judge.userId && c.entryId === entryId);
        if (conflicted) throw judgeProblem(reason('JUDGE_CONFLICTED', {}));
        await this.repo.assignSheet(manager, panelId, entryId, judge.userId, round);
        await this.outbox.add(manager, judgeAssignedMail(panel, this.person(members, judge.userId), 1, flag.id));
      }
      await this.repo.settleFlag(manager, flag.id, dto.action, dto.note, actor.userId);
      await this.audit.record(manager, actor, {
        action: 'score.flag-settle',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        before: { entryId, status: 'open', spread: flag.spread },
        after: { entryId, status: 'settled', settlement: dto.action, note: dto.note, judgeId: dto.judgeId ?? null },
      });
      return { entryId, settlement: dto.action };
    });
  }

  /** The chair closes the panel once every entry has k confirmed scores and no flag is open; the scores freeze. */
  async close(actor: Actor, panelId: string) {
    return this.db.transaction(async (manager) => {
      // The update lock waits for confirmations in flight (they hold a share lock) and keeps new ones out.
      const panel = await panelFor(this.repo, manager, actor, panelId, 'chair', 'update');
      if (panel.state === 'closed') throw new RuleViolationError('PANEL_ALREADY_CLOSED', {}, [problem('state', 'PANEL_STATE', { state: 'closed' })]);
      const stage = (await this.stages.get(manager, panel.stageId))!;
      const members = await this.repo.members(manager, panelId);
      const entries = await this.repo.entries(manager, panel, stage);
      const progress = panelProgress(
        entries.map((e) => e.id),
        members.filter((m) => m.role === 'judge').map((m) => m.userId),
        await this.repo.sheets(manager, panelId),
        await this.repo.openFlagEntries(manager, panelId),
      );
      const problems = closeProblems(progress, stage.judgesPerEntry);
      if (problems.length) throw new RuleViolationError('PANEL_CANNOT_CLOSE', {}, problems);
      await manager.update(Panel, { id: panelId }, { state: 'closed', closedAt: () => 'now()', version: () => 'version + 1' });
      await this.audit.record(manager, actor, {
        action: 'panel.close',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        before: { state: 'open' },
        after: { state: 'closed', entries: entries.length },
      });
      return this.view(manager, await manager.findOneByOrFail(Panel, { id: panelId }), stage);
    });
  }

  async reopenPanel(actor: Actor, panelId: string, dto: ReasonDto) {
    return this.db.transaction(async (manager) => {
      const panel = await panelFor(this.repo, manager, actor, panelId, 'chair', 'update');
      if (panel.state !== 'closed') throw new RuleViolationError('PANEL_IS_OPEN', {}, [problem('state', 'PANEL_STATE', { state: 'open' })]);
      await manager.update(Panel, { id: panelId }, { state: 'open', closedAt: null, version: () => 'version + 1' });
      await this.audit.record(manager, actor, {
        action: 'panel.reopen',
        entityType: 'panel',
        entityId: panelId,
        unitPath: panel.unitPath,
        before: { state: 'closed' },
        after: { state: 'open', reason: dto.reason },
      });
      return this.view(manager, await manager.findOneByOrFail(Panel, { id: panelId }));
    });
  }

  // ---------------------------------------------------------------- shared

  /** A confirmed sheet back to draft, for the chair's reopening or a rescore the chair asked for; audited with the reason. */
  private async reopenConfirmed(manager: EntityManager, actor: Actor, unitPath: string, sheet: ScoreSheet, reason: string): Promise<ScoreSheet> {
    const after = await this.writeSheet(manager, sheet, { status: 'draft', points: sheet.points, comment: sheet.comment });
    await this.audit.record(manager, actor, {
      action: 'score.reopen',
      entityType: 'score_sheet',
      entityId: sheet.id,
      unitPath,
      before: sheetSnapshot(sheet),
      after: { ...sheetSnapshot(after), reason },
    });
    return after;
  }

  /** Writes a sheet if its version is still the one read (a lost update is a 409), and returns it as written. */
  private async writeSheet(manager: EntityManager, sheet: ScoreSheet, change: { status: ScoreSheet['status']; points: Record<string, number>; comment: string | null }): Promise<ScoreSheet> {
    const total = Object.keys(change.points).length ? formatHundredths(sheetTotal(change.points)) : null;
    const written = await this.repo.writeSheet(manager, sheet.id, sheet.version, { ...change, total });
    if (!written) {
      const current = await manager.findOneByOrFail(ScoreSheet, { id: sheet.id });
      throw staleSheet(sheet.version, current.version);
    }
    return Object.assign(new ScoreSheet(), sheet, { ...change, total: total === null ? null : Number(total), version: written.version, confirmedAt: written.confirmedAt });
  }

  private async view(manager: EntityManager, panel: Panel, stage?: JudgedStage) {
    const s = stage ?? (await this.stages.get(manager, panel.stageId))!;
    const members = await this.repo.members(manager, panel.id);
    return {
      id: panel.id,
      stageId: panel.stageId,
      stageName: s.name,
      unitId: panel.unitId,
      name: panel.name,
      fieldCodes: panel.fieldIds.map((id) => s.fields.find((f) => f.id === id)?.code ?? id),
      scoringOpensAt: panel.scoringOpensAt,
      scoringClosesAt: panel.scoringClosesAt,
      blind: s.blind,
      normaliseBias: s.normaliseBias,
      scoreStep: panel.scoreStep,
      reminderLeadHours: panel.reminderLeadHours,
      rejudgeMode: s.rejudgeMode,
      state: panel.state,
      judgesPerEntry: s.judgesPerEntry,
      version: panel.version,
      members: members.map((m) => ({ userId: m.userId, fullName: m.fullName, role: m.role, affiliationUnitId: m.affiliationUnitId, fieldCodes: m.fieldCodes })),
    };
  }
}

/**
 * Scores are taken while the panel is open and inside its scoring window; `inWindow` when the database already
 * said so (a save decides it in the statement that writes).
 */
function openForScoring(panel: Pick<Panel, 'state' | 'scoringOpensAt' | 'scoringClosesAt'>, inWindow = isInWindow(panel, new Date())): void {
  if (panel.state === 'closed') throw panelClosed();
  if (!inWindow) {
    const window = { opensAt: panel.scoringOpensAt.toISOString(), closesAt: panel.scoringClosesAt.toISOString() };
    throw new RuleViolationError('OUTSIDE_SCORING_WINDOW', window, [problem('panel', 'SCORING_WINDOW', window)]);
  }
}

function isInWindow(panel: Pick<Panel, 'scoringOpensAt' | 'scoringClosesAt'>, now: Date): boolean {
  return now >= panel.scoringOpensAt && now <= panel.scoringClosesAt;
}

function numberOrNull(text: string | null | undefined): number | null {
  return text === null || text === undefined ? null : Number(text);
}
