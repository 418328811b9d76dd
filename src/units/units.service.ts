import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AccessService } from '../core/access/access.service';
import { Condition, Permission } from '../core/access/policy';
import { AuditChange, AuditService } from '../core/audit/audit.service';
import { Actor } from '../core/auth/actor';
import { ActorCache } from '../core/auth/actor-cache';
import { ConflictError, NotFoundError, problem, problemOf, reason, RuleViolationError, ValidationError } from '../core/errors/domain-error';
import { Page, pageOf } from '../core/http/paging';
import { Upload } from '../core/http/upload';
import { DownloadFile, SPREADSHEET_TYPES, SpreadsheetFormat } from '../core/http/file-download';
import { missingColumns, readTable, toCsv, toXlsx } from '../core/spreadsheet';
import { UNIT_EXPORT_COLUMNS, unitExportFileName } from './unit-export';
import {
  CreateLevelDto,
  CreateUnitDto,
  ImportedUnitView,
  ImportResultView,
  UnitExportQuery,
  LevelView,
  MoveUnitDto,
  UnitDetail,
  UnitFilterQuery,
  UnitListQuery,
  UnitRef,
  UnitView,
  UpdateUnitDto,
} from './dto/unit.dto';
import { canonicalTable, IMPORT_COLUMNS, ImportPlan, ImportRow, importRows, planImport } from './unit-import-plan';
import { codeKey, isWithin, placementProblem } from './unit-rules';
import { Unit, UnitLevel } from './unit.entity';
import { UnitMoves } from './unit-moves';
import { Position, RegisteringUnit, UnitPick, UnitsRepository } from './units.repository';

function isCodeTaken(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const cause = error.driverError as { code?: string; constraint?: string };
  return cause.code === '23505' && cause.constraint === 'units_code_key';
}

function codeTaken(code: string): ConflictError {
  return new ConflictError('UNIT_CODE_TAKEN', { code }, { problems: [problem('code', 'ALREADY_IN_USE', {})] });
}

function toLevelView(level: UnitLevel): LevelView {
  return { code: level.code, name: level.name, rank: level.rank, isLeaf: level.isLeaf };
}

function toRef(unit: Unit): UnitRef {
  return { id: unit.id, code: unit.code, name: unit.name, levelCode: unit.levelCode };
}

function toView(unit: Unit): UnitView {
  return {
    ...toRef(unit),
    levelName: unit.level!.name,
    levelRank: unit.level!.rank,
    isLeaf: unit.level!.isLeaf,
    parentId: unit.parentId,
    depth: unit.depth,
    retiredAt: unit.retiredAt,
  };
}

/** The unit tree: everyone reads what lies in their scope; administrators shape it. */
@Injectable()
export class UnitsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsRepository,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly moves: UnitMoves,
    private readonly actors: ActorCache,
  ) {}

  /**
   * The units the actor may register entries for, by id or code: the one look-up every registration path
   * (single, bulk, templates) uses. With `usableOnly`, only active schools and organisations.
   */
  registeringUnits(actor: Actor, which: UnitPick): Promise<Unit[]> {
    return this.units.pick(this.access.condition(actor, Permission.EntryCreate, 'u.path'), which);
  }

  /**
   * `registeringUnits` for one unit read by the caller's statement (a registration reads its edition with it), in
   * two steps: the read (`registeringUnitSql`, the unit whose id is the SQL expression `id`, as JSON or null),
   * then `registeringUnitFor` on what it read.
   */
  registeringUnitSql(id: string): string {
    return this.units.registeringUnitSql(id);
  }

  /** The unit `registeringUnitSql` read when the actor may register entries for it; null when missing or out of reach alike. */
  registeringUnitFor(actor: Actor, unit: RegisteringUnit | null): RegisteringUnit | null {
    return unit && this.access.reaches(actor, Permission.EntryCreate, unit.path) ? unit : null;
  }

  async listLevels(_actor: Actor): Promise<LevelView[]> {
    return (await this.units.levels()).map(toLevelView);
  }

  async createLevel(actor: Actor, dto: CreateLevelDto): Promise<LevelView> {
    this.requireAdmin(actor);
    const level = { code: dto.code, name: dto.name, rank: dto.rank, isLeaf: dto.isLeaf ?? false };
    return this.db.transaction(async (manager) => {
      const inserted = await manager.createQueryBuilder().insert().into(UnitLevel).values(level).orIgnore().returning(['code']).execute();
      if (inserted.raw.length === 0) throw new ConflictError('LEVEL_CODE_TAKEN', { code: dto.code }, { problems: [problem('code', 'ALREADY_IN_USE', {})] });
      await this.audit.record(manager, actor, { action: 'unit-level.create', entityType: 'unit-level', entityId: level.code, unitPath: '/', after: level });
      return level;
    });
  }

  async list(actor: Actor, query: UnitListQuery): Promise<Page<UnitView>> {
    const [units, total] = await this.units.page(this.readScopes(actor), query);
    return pageOf(units.map(toView), total, query);
  }

  /** The units in scope as a spreadsheet with Vietnamese headers, which the import takes back as it is. */
  async export(actor: Actor, filter: UnitExportQuery, format: SpreadsheetFormat): Promise<DownloadFile> {
    const rows = await this.units.exportRows(this.readScopes(actor), filter);
    const content = format === 'xlsx' ? await toXlsx('Đơn vị', UNIT_EXPORT_COLUMNS, rows) : toCsv(UNIT_EXPORT_COLUMNS, rows);
    return { content, fileName: unitExportFileName(format, new Date()), mediaType: SPREADSHEET_TYPES[format] };
  }

  async get(actor: Actor, id: string): Promise<UnitDetail> {
    return this.detail(await this.visible(actor, id));
  }

  async children(actor: Actor, id: string, query: UnitFilterQuery): Promise<Page<UnitView>> {
    const parent = await this.visible(actor, id);
    const [units, total] = await this.units.page(this.readScopes(actor), { ...query, parentId: parent.id });
    return pageOf(units.map(toView), total, query);
  }

  /** The unit and everything under it. */
  async subtree(actor: Actor, id: string, query: UnitFilterQuery): Promise<Page<UnitView>> {
    const root = await this.visible(actor, id);
    const [units, total] = await this.units.page(this.readScopes(actor), { ...query, within: root.path });
    return pageOf(units.map(toView), total, query);
  }

  async create(actor: Actor, dto: CreateUnitDto): Promise<UnitDetail> {
    this.requireAdmin(actor);
    return this.db.transaction(async (manager) => {
      await this.units.lockTree(manager);
      const level = await manager.findOneBy(UnitLevel, { code: dto.levelCode });
      if (!level) throw new RuleViolationError('NO_SUCH_LEVEL', { levelCode: dto.levelCode }, [problem('levelCode', 'NO_SUCH_LEVEL', {})]);
      const parent = dto.parentId ? await manager.findOne(Unit, { where: { id: dto.parentId }, relations: { level: true } }) : null;
      if (dto.parentId && !parent) throw new RuleViolationError('PARENT_MISSING', {}, [problem('parentId', 'NO_SUCH_UNIT', {})]);
      const misplaced = placementProblem({ level, active: true, parent: parent && { code: parent.code, level: parent.level!, retired: parent.retiredAt !== null } });
      if (misplaced) throw new RuleViolationError('UNIT_MISPLACED', { why: misplaced }, [problemOf('parentId', misplaced)]);
      const id = randomUUID();
      try {
        await this.units.insertMany(manager, [{ id, code: dto.code, name: dto.name, levelCode: level.code, parentId: parent?.id ?? null }]);
      } catch (error) {
        throw isCodeTaken(error) ? codeTaken(dto.code) : error;
      }
      const unit = await this.reload(manager, id);
      await this.audit.record(manager, actor, {
        action: 'unit.create',
        entityType: 'unit',
        entityId: id,
        unitPath: unit.path,
        after: { code: unit.code, name: unit.name, levelCode: unit.levelCode, parentId: unit.parentId },
      });
      return this.detail(unit, manager);
    });
  }

  async rename(actor: Actor, id: string, dto: UpdateUnitDto): Promise<UnitDetail> {
    this.requireAdmin(actor);
    if (dto.name === undefined && dto.code === undefined) {
      throw new ValidationError('RENAME_NEEDS_CHANGE', {}, [problem('name', 'NAME_OR_CODE_REQUIRED', {})]);
    }
    return this.reshaping(async (manager) => {
      const unit = await manager.findOne(Unit, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!unit) throw new NotFoundError('Unit');
      const before = { code: unit.code, name: unit.name };
      const after = { code: dto.code ?? unit.code, name: dto.name ?? unit.name };
      if (after.code !== before.code || after.name !== before.name) {
        try {
          await this.units.renameMany(manager, [{ id, ...after }]);
        } catch (error) {
          throw isCodeTaken(error) ? codeTaken(after.code) : error;
        }
        await this.audit.record(manager, actor, { action: 'unit.rename', entityType: 'unit', entityId: id, unitPath: unit.path, before, after });
      }
      return this.detail(await this.reload(manager, id), manager);
    });
  }

  async move(actor: Actor, id: string, dto: MoveUnitDto): Promise<UnitDetail> {
    this.requireAdmin(actor);
    return this.reshaping(async (manager) => {
      await this.units.lockTree(manager);
      const unit = await manager.findOne(Unit, { where: { id }, relations: { level: true, parent: true } });
      if (!unit) throw new NotFoundError('Unit');
      const parent = await manager.findOne(Unit, { where: { id: dto.parentId }, relations: { level: true } });
      if (!parent) throw new RuleViolationError('NEW_PARENT_MISSING', {}, [problem('parentId', 'NO_SUCH_UNIT', {})]);
      if (isWithin(parent.path, unit.path)) {
        const why = parent.id === unit.id ? reason('UNIT_OWN_PARENT', {}) : reason('UNIT_LIES_UNDER', { parentCode: parent.code, unitCode: unit.code });
        throw new RuleViolationError('UNIT_UNDER_ITSELF', { why }, [problemOf('parentId', why)]);
      }
      const misplaced = placementProblem({ level: unit.level!, active: unit.retiredAt === null, parent: { code: parent.code, level: parent.level!, retired: parent.retiredAt !== null } });
      if (misplaced) throw new RuleViolationError('UNIT_MISPLACED', { why: misplaced }, [problemOf('parentId', misplaced)]);
      if (parent.id !== unit.parentId) {
        const newPath = await this.moveSubtree(manager, unit, parent);
        await this.audit.record(manager, actor, {
          action: 'unit.move',
          entityType: 'unit',
          entityId: id,
          unitPath: newPath,
          before: { parentId: unit.parentId, parentCode: unit.parent?.code ?? null },
          after: { parentId: parent.id, parentCode: parent.code },
        });
      }
      return this.detail(await this.reload(manager, id), manager);
    });
  }

  /** Retires the unit and every active unit under it; their accounts lose the grants held there. */
  async retire(actor: Actor, id: string): Promise<UnitDetail> {
    this.requireAdmin(actor);
    return this.reshaping(async (manager) => {
      await this.units.lockTree(manager);
      const unit = await manager.findOneBy(Unit, { id });
      if (!unit) throw new NotFoundError('Unit');
      if (unit.retiredAt) throw new ConflictError('UNIT_ALREADY_RETIRED', { code: unit.code });
      if (actor.grants.some((g) => g.role === 'admin' && isWithin(g.unitPath, unit.path))) {
        throw new RuleViolationError('RETIRE_OWN_ADMIN', { code: unit.code });
      }
      const retiredUnits = await this.units.retireSubtree(manager, unit.path);
      await this.audit.record(manager, actor, { action: 'unit.retire', entityType: 'unit', entityId: id, unitPath: unit.path, after: { retiredUnits } });
      return this.detail(await this.reload(manager, id), manager);
    });
  }

  /** Brings back the unit and the units retired together with it. */
  async restore(actor: Actor, id: string): Promise<UnitDetail> {
    this.requireAdmin(actor);
    return this.reshaping(async (manager) => {
      await this.units.lockTree(manager);
      const unit = await manager.findOne(Unit, { where: { id }, relations: { parent: true } });
      if (!unit) throw new NotFoundError('Unit');
      if (!unit.retiredAt) throw new ConflictError('UNIT_NOT_RETIRED', { code: unit.code });
      if (unit.parent?.retiredAt) throw new RuleViolationError('RESTORE_PARENT_FIRST', { parentCode: unit.parent.code });
      const restoredUnits = await this.units.restoreSubtree(manager, unit.id, unit.path);
      await this.audit.record(manager, actor, { action: 'unit.restore', entityType: 'unit', entityId: id, unitPath: unit.path, after: { restoredUnits } });
      return this.detail(await this.reload(manager, id), manager);
    });
  }

  /**
   * Upserts the tree from a CSV or XLSX file, keyed by code. The whole file is checked first; one bad
   * row and nothing is written. Each created, renamed or moved unit gets its own audit row.
   */
  async importTree(actor: Actor, upload: Upload): Promise<ImportResultView> {
    this.requireAdmin(actor);
    const { table, problems: headerProblems } = canonicalTable(await readTable(upload.content));
    const columnProblems = [...headerProblems, ...missingColumns(table, [...IMPORT_COLUMNS])];
    if (columnProblems.length > 0) throw new ValidationError('UNIT_FILE_COLUMNS', {}, columnProblems);
    const rows = importRows(table);
    return this.reshaping(async (manager) => {
      await this.units.lockTree(manager);
      const levels = await this.units.levels(manager);
      const codes = [...new Set(rows.flatMap((r) => [r.code, r.parentCode]).filter(Boolean))];
      const known = await this.units.knownByCode(manager, codes);
      const outcome = planImport(rows, levels, known);
      if (!outcome.ok) {
        const badRows = new Set(outcome.problems.map((p) => p.row)).size;
        throw new ValidationError('UNIT_FILE_ROWS', { badRows }, outcome.problems);
      }
      const idOf = new Map(known.map((unit) => [unit.code, unit.id]));
      await this.applyImport(manager, actor, outcome.plan, idOf);
      const { created, updated, unchanged, total } = outcome.plan;
      return { created, updated, unchanged, total, units: importedUnits(rows, outcome.plan, idOf) };
    });
  }

  /** Creates and renames the plan's units; `idOf` (code → id) gains the new units' ids. */
  private async applyImport(manager: EntityManager, actor: Actor, plan: ImportPlan, idOf: Map<string, string>): Promise<void> {
    const parentIdOf = (code: string | null) => (code === null ? null : idOf.get(code)!);
    for (const batch of plan.batches) for (const unit of batch.creates) idOf.set(unit.code, randomUUID());
    // Batches climb down the ranks: every parent is in its final place before its children are written.
    for (const batch of plan.batches) {
      const positions = await this.units.positions(
        manager,
        batch.moves.flatMap((m) => [idOf.get(m.code)!, parentIdOf(m.parentCode)!]),
      );
      for (const move of batch.moves) await this.moveSubtree(manager, { ...positions.get(idOf.get(move.code)!)!, code: move.code }, positions.get(parentIdOf(move.parentCode)!)!);
      await this.units.insertMany(
        manager,
        batch.creates.map((unit) => ({ id: idOf.get(unit.code)!, code: unit.code, name: unit.name, levelCode: unit.levelCode, parentId: parentIdOf(unit.parentCode) })),
      );
    }
    await this.units.renameMany(
      manager,
      plan.updates.filter((u) => u.renamed).map((u) => ({ id: idOf.get(u.code)!, code: u.code, name: u.name })),
    );
    const changed = [...plan.batches.flatMap((b) => b.creates), ...plan.updates];
    const finalPaths = await this.units.positions(
      manager,
      changed.map((unit) => idOf.get(unit.code)!),
    );
    const audits: AuditChange[] = changed.map((unit) => ({
      action: 'unit.import',
      entityType: 'unit',
      entityId: idOf.get(unit.code)!,
      unitPath: finalPaths.get(idOf.get(unit.code)!)!.path,
      before: 'before' in unit ? unit.before : null,
      after: { code: unit.code, name: unit.name, levelCode: unit.levelCode, parentCode: unit.parentCode },
    }));
    await this.audit.record(manager, actor, audits);
  }

  /** Moves the subtree and lets the domains above follow (or refuse) in the same transaction. */
  private async moveSubtree(manager: EntityManager, unit: Position & { code: string }, parent: Position): Promise<string> {
    const toPath = await this.units.moveSubtree(manager, unit, parent);
    await this.moves.moved(manager, { unitId: unit.id, unitCode: unit.code, fromPath: unit.path, toPath });
    return toPath;
  }

  /**
   * Moves, retirements, restores and renames change the paths grants reach through or the names accounts show:
   * every remembered actor is forgotten once they commit.
   */
  private async reshaping<T>(change: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(change);
    } finally {
      this.actors.forgetAll();
    }
  }

  private readScopes(actor: Actor): Condition {
    return this.access.condition(actor, Permission.UnitRead, 'u.path');
  }

  private async visible(actor: Actor, id: string): Promise<Unit> {
    const unit = await this.units.findInScope(this.readScopes(actor), id);
    if (!unit) throw new NotFoundError('Unit');
    return unit;
  }

  private reload(manager: EntityManager, id: string): Promise<Unit> {
    return manager.findOneOrFail(Unit, { where: { id }, relations: { level: true } });
  }

  private async detail(unit: Unit, manager: EntityManager = this.db.manager): Promise<UnitDetail> {
    const ancestors = await this.units.ancestors(unit, manager);
    const childCount = await this.units.activeChildCount(unit.id, manager);
    return { ...toView(unit), ancestors: ancestors.map(toRef), childCount };
  }

  private requireAdmin(actor: Actor): void {
    this.access.assert(actor, Permission.UnitManage);
  }
}

/** Each row's unit with its id and what the import did to it, in file order. */
function importedUnits(rows: ImportRow[], plan: ImportPlan, idOf: Map<string, string>): ImportedUnitView[] {
  const idByKey = new Map([...idOf].map(([code, id]) => [codeKey(code), { code, id }]));
  const created = new Set(plan.batches.flatMap((b) => b.creates.map((u) => codeKey(u.code))));
  const updated = new Set(plan.updates.map((u) => codeKey(u.code)));
  return rows.map((row) => {
    const key = codeKey(row.code);
    const { code, id } = idByKey.get(key)!;
    return { id, code, outcome: created.has(key) ? 'created' : updated.has(key) ? 'updated' : 'unchanged' };
  });
}
