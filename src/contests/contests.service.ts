import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../core/audit/audit.service';
import { AccessService } from '../core/access/access.service';
import { Permission, reaches } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { ConflictError, DomainError, NotFoundError, problem, RuleViolationError, staleVersion } from '../core/errors/domain-error';
import type { Thing } from '../core/errors/problem-codes';
import { Page, pageOf } from '../core/http/paging';
import { UnitReader, UnitView, UnitWithLevel } from '../units/unit-reader';
import { Contest, Edition, Stage } from './contest.entity';
import { ContestRepository } from './contest.repository';
import { ContestListQuery, ContestView, CreateContestDto } from './dto/contest.dto';
import { ArchiveEditionDto, ChangeEditionStateDto, CreateEditionDto, EditionDefinitionDto, EditionListQuery, EditionSummaryView, EditionView, UpdateEditionDto } from './dto/edition.dto';
import { editionChangeProblems, frozenPaths, registrationOpen, transitionProblems } from './edition-lifecycle';
import { editionProblems, editionWarnings, rubricTotal } from './edition-rules';
import { EditionRepository, FirstStage, LoadedEdition, RegistrationEditionRow } from './edition.repository';
import type { ContestKind, EditionDefinition, Eligibility, StageDefinition } from './edition.types';

function notFoundInBody(what: Thing, field: string): DomainError {
  return new NotFoundError(what, { problems: [problem(field, 'NOT_IN_SCOPE', { what })] });
}

function numberTaken(error: unknown, number: number): unknown {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  if (driverError?.code === '23505' && driverError.constraint === 'editions_contest_number_key') {
    return new ConflictError('EDITION_NUMBER_TAKEN', { number }, { problems: [problem('number', 'EDITION_NUMBER_EXISTS', { number })] });
  }
  return error;
}

/** The definition a DTO describes, with the defaults of optional stage settings filled in. */
function toDefinition(dto: EditionDefinitionDto): EditionDefinition {
  const eligibility: Eligibility =
    dto.eligibility.kind === 'youth' ? { kind: 'youth', bornFrom: dto.eligibility.bornFrom, bornTo: dto.eligibility.bornTo } : { kind: 'technical', createdFromYear: dto.eligibility.createdFromYear };
  return {
    number: dto.number,
    seasonLabel: dto.seasonLabel,
    registrationOpensAt: new Date(dto.registrationOpensAt),
    registrationClosesAt: new Date(dto.registrationClosesAt),
    eligibility,
    maxAuthors: dto.maxAuthors,
    plannedEntries: dto.plannedEntries ?? null,
    fields: dto.fields.map((f) => ({ code: f.code, name: f.name })),
    rubric: dto.rubric.map((c) => ({ code: c.code, name: c.name, maxPoints: c.maxPoints })),
    stages: dto.stages.map((s) => ({
      name: s.name,
      levelCode: s.levelCode,
      judged: s.judged,
      judgesPerEntry: s.judgesPerEntry ?? 0,
      aggregation: s.aggregation ?? 'mean',
      discrepancySpread: s.discrepancySpread ?? null,
      tieBreak: s.tieBreak ?? [],
      blind: s.blind ?? false,
      normaliseBias: s.normaliseBias ?? false,
      rejudgeMode: s.rejudgeMode ?? 'join',
      advancement: s.advancement ? { ...s.advancement } : null,
      prizeScheme: s.prizeScheme ? { tiePolicy: s.prizeScheme.tiePolicy, passUnusedQuotaDown: s.prizeScheme.passUnusedQuotaDown, levels: s.prizeScheme.levels.map((l) => ({ ...l })) } : null,
    })),
  };
}

function editionColumns(definition: EditionDefinition) {
  const { fields: _fields, rubric: _rubric, stages: _stages, ...columns } = definition;
  return columns;
}

type UnitName = Pick<UnitView, 'code' | 'name'>;

function contestView(contest: Contest, unit: UnitName): ContestView {
  return { id: contest.id, kind: contest.kind, name: contest.name, unitId: contest.unitId, unitCode: unit.code, unitName: unit.name, createdAt: contest.createdAt };
}

/** A loaded edition with the unit it runs at (and that unit's level), read through UnitReader. */
interface UnitEdition extends LoadedEdition {
  unit: UnitWithLevel;
}

/** The definition as stored, in the shape the rules and the lifecycle compare. */
function storedDefinition({ edition, fields, rubric, stages }: LoadedEdition): EditionDefinition {
  return {
    number: edition.number,
    seasonLabel: edition.seasonLabel,
    registrationOpensAt: edition.registrationOpensAt,
    registrationClosesAt: edition.registrationClosesAt,
    eligibility: edition.eligibility,
    maxAuthors: edition.maxAuthors,
    plannedEntries: edition.plannedEntries,
    fields: fields.map((f) => ({ code: f.code, name: f.name })),
    rubric: rubric.map((c) => ({ code: c.code, name: c.name, maxPoints: c.maxPoints })),
    stages: stages.map(stageDefinition),
  };
}

function stageDefinition(stage: Stage): StageDefinition {
  const { name, levelCode, judged, judgesPerEntry, aggregation, discrepancySpread, tieBreak, blind, normaliseBias, rejudgeMode, advancement, prizeScheme } = stage;
  return { name, levelCode, judged, judgesPerEntry, aggregation, discrepancySpread, tieBreak, blind, normaliseBias, rejudgeMode, advancement, prizeScheme };
}

function summaryView(edition: Edition, unit: UnitName, now = new Date()): EditionSummaryView {
  return {
    id: edition.id,
    contestId: edition.contestId,
    contestName: edition.contest!.name,
    kind: edition.contest!.kind,
    number: edition.number,
    seasonLabel: edition.seasonLabel,
    unitId: edition.unitId,
    unitCode: unit.code,
    unitName: unit.name,
    registrationOpensAt: edition.registrationOpensAt,
    registrationClosesAt: edition.registrationClosesAt,
    openForRegistration: registrationOpen(edition, now),
    version: edition.version,
    state: edition.state,
    archivedAt: edition.archivedAt,
  };
}

function editionView(loaded: UnitEdition): EditionView {
  const { edition, unit, fields, rubric, stages } = loaded;
  return {
    ...summaryView(edition, unit),
    eligibility: edition.eligibility,
    maxAuthors: edition.maxAuthors,
    plannedEntries: edition.plannedEntries,
    fields: fields.map((f) => ({ id: f.id, position: f.position, code: f.code, name: f.name })),
    rubric: rubric.map((c) => ({ position: c.position, code: c.code, name: c.name, maxPoints: c.maxPoints })),
    rubricTotal: rubricTotal(rubric),
    stages: stages.map((s) => ({ id: s.id, position: s.position, ...stageDefinition(s), blind: s.blind, normaliseBias: s.normaliseBias, rejudgeMode: s.rejudgeMode })),
    archiveReason: edition.archiveReason,
    warnings: editionWarnings(storedDefinition(loaded)),
    frozen: frozenPaths(storedDefinition(loaded), edition.state, scoredLevels(loaded)),
    updatedAt: edition.updatedAt,
  };
}

/** Levels of the stages whose scores are confirmed: what those scores mean cannot change, whatever the state. */
function scoredLevels({ stages }: LoadedEdition): Set<string> {
  return new Set(stages.filter((s) => s.scoresLockedAt !== null).map((s) => s.levelCode));
}

/** What the audit trail keeps of an edition: its stored definition, without display names or the clock. */
function auditSnapshot(view: EditionView) {
  const { contestName: _c, unitCode: _u, unitName: _n, openForRegistration: _o, rubricTotal: _t, warnings: _w, frozen: _f, updatedAt: _at, ...snapshot } = view;
  return snapshot;
}

/** An edition as registration needs it: its fields by code, in order, and its first stage (null before it has one). */
export interface RegistrationEdition {
  edition: Omit<RegistrationEditionRow, 'fields' | 'firstStage'>;
  fields: Map<string, { id: string; name: string }>;
  firstStage: FirstStage | null;
}

@Injectable()
export class ContestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly editions: EditionRepository,
    private readonly access: AccessService,
    private readonly contestRows: ContestRepository,
    private readonly units: UnitReader,
  ) {}

  /**
   * The edition entries are registered into, if it lies along the path of a unit the actor registers for (at
   * or above it, or for an organiser also below); with `unitPath`, only if it runs at that unit or above it.
   * Any other edition does not exist for them. The one look-up single registration, bulk import and templates share.
   */
  async editionForRegistration(actor: Actor, editionId: string, unitPath?: string): Promise<RegistrationEdition> {
    return this.registrationEditionAt(actor, await this.editions.registrationEdition(this.db.manager, editionId), unitPath);
  }

  /**
   * editionForRegistration read by the caller's statement (a registration reads its school with it), in two steps:
   * the read (the edition whose id is the SQL expression `id`, as JSON or null), then `editionForRegistrationOf`.
   */
  editionForRegistrationSql(id: string): string {
    return this.editions.registrationEditionSql(id);
  }

  /** What editionForRegistrationSql read, checked as editionForRegistration checks it. */
  editionForRegistrationOf(actor: Actor, json: Parameters<EditionRepository['registrationEditionOf']>[0], unitPath?: string): RegistrationEdition {
    return this.registrationEditionAt(actor, this.editions.registrationEditionOf(json), unitPath);
  }

  private registrationEditionAt(actor: Actor, row: RegistrationEditionRow | null, unitPath: string | undefined): RegistrationEdition {
    const reachable = row && this.access.reaches(actor, Permission.EditionRegister, row.unit.path);
    if (!row || !reachable || (unitPath !== undefined && !unitPath.startsWith(row.unit.path))) throw new NotFoundError('Edition');
    const { fields, firstStage, ...edition } = row;
    return { edition, fields: new Map(fields.map(({ code, id, name }) => [code, { id, name }])), firstStage };
  }

  async createContest(actor: Actor, dto: CreateContestDto): Promise<ContestView> {
    return this.db.transaction(async (manager) => {
      const unit = await this.activeUnitWithin(manager, dto.unitId, (path) => reaches(actor.grants, Permission.ContestManage, path));
      const contest = await manager.save(manager.create(Contest, { kind: dto.kind, name: dto.name, unitId: unit.id }));
      await this.audit.record(manager, actor, {
        action: 'contest.create',
        entityType: 'contest',
        entityId: contest.id,
        unitPath: unit.path,
        after: { kind: contest.kind, name: contest.name, unitId: unit.id },
      });
      return contestView(contest, unit);
    });
  }

  async listContests(actor: Actor, query: ContestListQuery): Promise<Page<ContestView>> {
    const [rows, total] = await this.contestRows.page(this.db.manager, this.access.condition(actor, Permission.ContestRead, 'u.path'), query.kind, query);
    const units = await this.units.many(rows.map((c) => c.unitId));
    return pageOf(
      rows.map((c) => contestView(c, units.get(c.unitId)!)),
      total,
      query,
    );
  }

  async getContest(actor: Actor, contestId: string): Promise<ContestView> {
    const contest = await this.contestRows.inScope(this.db.manager, contestId, this.access.condition(actor, Permission.ContestRead, 'u.path'));
    if (!contest) throw new NotFoundError('Contest');
    return contestView(contest, (await this.units.unit(contest.unitId))!);
  }

  /** An organiser of the contest's unit adds an edition, at that unit or one under it. */
  async createEdition(actor: Actor, contestId: string, dto: CreateEditionDto): Promise<EditionView> {
    const definition = toDefinition(dto);
    return this.db.transaction(async (manager) => {
      const contest = await this.contestRows.inScope(manager, contestId, this.access.condition(actor, Permission.EditionManage, 'u.path'));
      if (!contest) throw new NotFoundError('Contest');
      const contestUnit = (await this.units.withLevel(manager, contest.unitId))!;
      const unit = dto.unitId ? await this.activeUnitWithin(manager, dto.unitId, (path) => path.startsWith(contestUnit.path)) : contestUnit;
      await this.checkDefinition(manager, definition, contest.kind, unit);
      let editionId: string;
      try {
        const inserted = await manager.insert(Edition, { ...editionColumns(definition), contestId: contest.id, unitId: unit.id, version: 1 });
        editionId = inserted.identifiers[0].id;
      } catch (error) {
        throw numberTaken(error, definition.number);
      }
      await this.editions.insertChildren(manager, editionId, definition);
      const view = editionView((await this.loadEdition(manager, editionId))!);
      await this.audit.record(manager, actor, { action: 'edition.create', entityType: 'edition', entityId: editionId, unitPath: unit.path, after: auditSnapshot(view) });
      return view;
    });
  }

  async listEditions(actor: Actor, query: EditionListQuery): Promise<Page<EditionSummaryView>> {
    const now = new Date();
    const filter = { contestId: query.contestId, includeArchived: query.includeArchived, openForRegistration: query.openForRegistration, now };
    const [rows, total] = await this.editions.page(this.db.manager, this.access.condition(actor, Permission.EditionRead, 'u.path'), filter, query);
    const units = await this.units.many(rows.map((e) => e.unitId));
    return pageOf(
      rows.map((e) => summaryView(e, units.get(e.unitId)!, now)),
      total,
      query,
    );
  }

  async getEdition(actor: Actor, editionId: string): Promise<EditionView> {
    const visible = await this.editions.inScope(this.db.manager, editionId, this.access.condition(actor, Permission.EditionRead, 'u.path'));
    const loaded = visible ? await this.loadEdition(this.db.manager, editionId) : null;
    if (!loaded) throw new NotFoundError('Edition');
    return editionView(loaded);
  }

  /**
   * Replaces the whole definition if nobody changed it since the caller read `version`. Rows that stay keep
   * their ids, so entries (by field) and their stage records (by stage) stay attached.
   */
  async updateEdition(actor: Actor, editionId: string, dto: UpdateEditionDto): Promise<EditionView> {
    const definition = toDefinition(dto);
    return this.db.transaction(async (manager) => {
      const inScope = await this.editions.inScope(manager, editionId, this.access.condition(actor, Permission.EditionManage, 'u.path'));
      const before = inScope ? await this.loadEdition(manager, editionId) : null;
      if (!before) throw new NotFoundError('Edition');
      const { edition } = before;
      await this.checkDefinition(manager, definition, edition.contest!.kind, before.unit);
      if (edition.archivedAt) throw new RuleViolationError('EDITION_ARCHIVED', {}, [problem('state', 'ARCHIVED', {})]);
      const frozen = editionChangeProblems(storedDefinition(before), definition, edition.state, scoredLevels(before));
      if (frozen.length) throw new RuleViolationError('EDITION_CHANGE_UNSAFE', { state: edition.state, fields: frozen.map((p) => p.field) }, frozen);
      let changed: number;
      try {
        const result = await manager
          .createQueryBuilder()
          .update(Edition)
          .set({ ...editionColumns(definition), version: () => 'version + 1' })
          .where('id = :editionId AND version = :version', { editionId, version: dto.version })
          .execute();
        changed = result.affected ?? 0;
      } catch (error) {
        throw numberTaken(error, definition.number);
      }
      if (changed === 0) {
        throw staleVersion('Edition', dto.version, edition.version);
      }
      await this.editions.replaceChildren(manager, editionId, definition);
      const after = editionView((await this.loadEdition(manager, editionId))!);
      await this.audit.record(manager, actor, {
        action: 'edition.update',
        entityType: 'edition',
        entityId: editionId,
        unitPath: before.unit.path,
        before: auditSnapshot(editionView(before)),
        after: auditSnapshot(after),
      });
      return after;
    });
  }

  /** Moves an edition one step through draft → registration → judging → results → closed. */
  async changeState(actor: Actor, editionId: string, dto: ChangeEditionStateDto): Promise<EditionView> {
    return this.db.transaction(async (manager) => {
      const edition = await this.organisedEdition(manager, actor, editionId);
      const problems = transitionProblems(edition.state, dto.state, edition.archivedAt !== null);
      if (problems.length) throw new RuleViolationError('TRANSITION_REFUSED', { from: edition.state, to: dto.state }, problems);
      await manager.update(Edition, { id: editionId }, { state: dto.state, version: () => 'version + 1' });
      await this.audit.record(manager, actor, {
        action: 'edition.state',
        entityType: 'edition',
        entityId: editionId,
        unitPath: edition.unitPath,
        before: { state: edition.state },
        after: { state: dto.state },
      });
      return editionView((await this.loadEdition(manager, editionId))!);
    });
  }

  /** Sets a wrong edition aside: it stays readable (and listed on request) and nothing changes it any more. */
  async archive(actor: Actor, editionId: string, dto: ArchiveEditionDto): Promise<EditionView> {
    return this.db.transaction(async (manager) => {
      const edition = await this.organisedEdition(manager, actor, editionId);
      if (edition.archivedAt) throw new RuleViolationError('EDITION_ALREADY_ARCHIVED', {}, [problem('state', 'ARCHIVED', {})]);
      await manager.update(Edition, { id: editionId }, { archivedAt: () => 'now()', archiveReason: dto.reason, version: () => 'version + 1' });
      await this.audit.record(manager, actor, { action: 'edition.archive', entityType: 'edition', entityId: editionId, unitPath: edition.unitPath, after: { reason: dto.reason } });
      return editionView((await this.loadEdition(manager, editionId))!);
    });
  }

  /** Deletes a draft: registration never opened, so nothing can refer to it. */
  async deleteDraft(actor: Actor, editionId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const edition = await this.organisedEdition(manager, actor, editionId);
      if (edition.state !== 'draft') {
        throw new RuleViolationError('DELETE_ONLY_DRAFT', { state: edition.state }, [problem('state', 'NOT_DRAFT', { state: edition.state })]);
      }
      const before = auditSnapshot(editionView((await this.loadEdition(manager, editionId))!));
      await manager.delete(Edition, { id: editionId });
      await this.audit.record(manager, actor, { action: 'edition.delete', entityType: 'edition', entityId: editionId, unitPath: edition.unitPath, before });
    });
  }

  /** An edition the actor organises, with its unit's path, locked against concurrent changes; missing and out of scope look alike. */
  private async organisedEdition(manager: EntityManager, actor: Actor, editionId: string): Promise<Edition & { unitPath: string }> {
    const edition = await this.editions.lockInScope(manager, editionId, this.access.condition(actor, Permission.EditionManage, 'u.path'));
    if (!edition) throw new NotFoundError('Edition');
    return edition;
  }

  /** The edition with its definition and the unit it runs at; null when there is none. */
  private async loadEdition(manager: EntityManager, editionId: string): Promise<UnitEdition | null> {
    const loaded = await this.editions.load(manager, editionId);
    if (!loaded) return null;
    const unit = await this.units.withLevel(manager, loaded.edition.unitId);
    return { ...loaded, unit: unit! };
  }

  /** An active unit (with its level) whose path `within` accepts; missing and out of reach look alike. */
  private async activeUnitWithin(manager: EntityManager, unitId: string, within: (path: string) => boolean): Promise<UnitWithLevel> {
    const unit = await this.units.activeWithLevel(manager, unitId);
    if (!unit || !within(unit.path)) throw notFoundInBody('Unit', 'unitId');
    return unit;
  }

  private async checkDefinition(manager: EntityManager, definition: EditionDefinition, contestKind: ContestKind, unit: UnitWithLevel): Promise<void> {
    const levels = await this.units.levels(manager);
    const problems = editionProblems(definition, {
      contestKind,
      levels: new Map(levels.map((l) => [l.code, { rank: l.rank, isLeaf: l.isLeaf }])),
      editionUnitRank: unit.level.rank,
    });
    if (problems.length) throw new RuleViolationError('EDITION_CANNOT_RUN', { fields: problems.map((p) => p.field) }, problems);
  }
}
