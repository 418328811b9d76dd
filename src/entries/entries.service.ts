import { DownloadFile, SPREADSHEET_TYPES, SpreadsheetFormat } from '../core/http/file-download';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Edition, EditionField } from '../contests/contest.entity';
import { Actor, Role } from '../core/auth/actor';
import { underScopes } from '../core/auth/scope-sql';
import { AuditService } from '../core/audit/audit.service';
import { ConflictError, DomainError, FieldProblem, NotFoundError, RuleViolationError, ValidationError } from '../core/errors/domain-error';
import { Page, pageOf } from '../core/http/paging';
import { OutboxService } from '../core/outbox/outbox.service';
import { toCsv, toXlsx } from '../core/spreadsheet';
import { Unit } from '../units/unit.entity';
import { EditEntryDto, EntrySummaryView, EntryView, RegisterEntryDto } from './dto/entry.dto';
import { EntryFilterQuery, EntryListQuery } from './dto/entry-query.dto';
import { EntriesRepository, ScopedEntry } from './entries.repository';
import { draftProblems, EntryDraft, entrySearchKey } from './entry-draft';
import { windowProblem } from '../contests/edition-lifecycle';
import { ENTRY_EXPORT_COLUMNS, EntryRow, exportFileName } from './entry-export';
import { firstStagePlacement, registrationMail } from './entry-registration';
import { Entry, EntryAuthor, EntryStage } from './entry.entity';

/** Who acts on entries: schools on their own, organisers on those under their unit (admins everywhere). */
export const ENTRY_ROLES: Role[] = ['school', 'organiser'];


/** Refuses a change outside the registration window, saying when it opens or closed. */
export function requireOpenWindow(edition: Edition, now = new Date()): void {
  const problem = windowProblem(edition, now);
  if (problem) throw new RuleViolationError(problem, [{ field: 'editionId', reason: problem }]);
}

export function requireRegistered(entry: Entry): void {
  if (entry.status === 'withdrawn') throw new RuleViolationError('The entry was withdrawn; it can no longer be changed', [{ field: 'status', reason: 'withdrawn' }]);
}

function staleVersion(current: number): DomainError {
  return new DomainError('STALE_VERSION', `The entry was changed by someone else (now version ${current}); reload it and apply your change again`, { currentVersion: current });
}

/** A second entry of the same school and edition with the same reference breaks the unique constraint. */
function duplicateReference(error: unknown, reference: string): ConflictError | null {
  const driver = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : null;
  if (driver?.code !== '23505' || driver.constraint !== 'entries_edition_unit_reference_key') return null;
  return new ConflictError(`This school already has an entry with reference "${reference}" in this edition`, {
    problems: [{ field: 'reference', reason: 'already used by another entry of this school in this edition' }],
  });
}

function refuseIfProblems(problems: FieldProblem[]): void {
  if (problems.length) throw new RuleViolationError(`The entry breaks the contest rules: ${problems.map((p) => p.reason).join('; ')}`, problems);
}

/** What the audit trail keeps of an entry: its content as the school filled it in. */
function snapshot(draft: EntryDraft, status: Entry['status']) {
  return { ...draft, status };
}

function summaryView(row: EntryRow): EntrySummaryView {
  return {
    id: row.id,
    editionId: row.editionId,
    unit: { id: row.unitId, code: row.unitCode, name: row.unitName },
    reference: row.reference,
    title: row.title,
    field: { code: row.fieldCode, name: row.fieldName },
    status: row.status,
    version: row.version,
    authors: row.authors,
    currentStage: row.stage,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class EntriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly entries: EntriesRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** A school (or an organiser on its behalf) registers one entry in the first stage of an edition. */
  async register(actor: Actor, editionId: string, dto: RegisterEntryDto): Promise<EntryView> {
    const school = await this.schoolInScope(actor, dto.unitId);
    const edition = await this.editionFor(editionId, school);
    requireOpenWindow(edition);
    const id = randomUUID();
    const draft = this.draftOf(dto, dto.reference ?? `${school.code}-${id.slice(0, 8).toUpperCase()}`);
    const fields = await this.fieldsOf(edition.id);
    draft.fieldCode = this.canonicalField(fields, draft.fieldCode);
    refuseIfProblems(draftProblems(draft, edition, new Set(fields.keys())));
    try {
      return await this.db.transaction(async (manager) => {
        await manager.insert(Entry, {
          id,
          editionId: edition.id,
          unitId: school.id,
          unitPath: school.path,
          fieldId: fields.get(draft.fieldCode)!,
          ...this.columnsOf(draft),
          createdBy: actor.userId,
        });
        await this.insertAuthors(manager, id, draft);
        const placement = await firstStagePlacement(manager, edition.id, school.path);
        await manager.insert(EntryStage, { entryId: id, ...placement });
        await this.audit.record(manager, actor, { action: 'entry.register', entityType: 'entry', entityId: id, unitPath: school.path, after: snapshot(draft, 'registered') });
        await this.outbox.add(manager, registrationMail({ id, title: draft.title, reference: draft.reference }, school, edition, edition.contest!.name, draft.contactEmail));
        return this.entries.view(manager, id);
      });
    } catch (error) {
      throw duplicateReference(error, draft.reference) ?? error;
    }
  }

  async show(actor: Actor, id: string): Promise<EntryView> {
    await this.entryInScope(actor, id);
    return this.entries.view(this.db.manager, id);
  }

  /** Changes an entry while registration is open; `version` guards against overwriting someone else's edit. */
  async edit(actor: Actor, id: string, dto: EditEntryDto): Promise<EntryView> {
    const entry = await this.entryInScope(actor, id);
    if (entry.version !== dto.version) throw staleVersion(entry.version);
    requireOpenWindow(entry.edition);
    requireRegistered(entry);
    const before = await this.draftFromStore(entry);
    const after: EntryDraft = {
      reference: dto.reference ?? before.reference,
      title: dto.title ?? before.title,
      fieldCode: dto.fieldCode ?? before.fieldCode,
      summary: dto.summary ?? before.summary,
      contactName: dto.contact?.name ?? before.contactName,
      contactEmail: dto.contact?.email ?? before.contactEmail,
      contactPhone: dto.contact ? (dto.contact.phone ?? null) : before.contactPhone,
      createdYear: dto.createdYear !== undefined ? dto.createdYear : before.createdYear,
      authors: dto.authors ? this.authorsOf(dto.authors) : before.authors,
    };
    const fields = await this.fieldsOf(entry.editionId);
    after.fieldCode = this.canonicalField(fields, after.fieldCode);
    refuseIfProblems(draftProblems(after, entry.edition, new Set(fields.keys())));
    try {
      return await this.db.transaction(async (manager) => {
        const updated = await manager
          .createQueryBuilder()
          .update(Entry)
          .set({ ...this.columnsOf(after), fieldId: fields.get(after.fieldCode)!, version: () => 'version + 1' })
          .where('id = :id AND version = :version', { id, version: dto.version })
          .execute();
        if (!updated.affected) throw staleVersion((await manager.findOneByOrFail(Entry, { id })).version);
        if (dto.authors) {
          await manager.delete(EntryAuthor, { entryId: id });
          await this.insertAuthors(manager, id, after);
        }
        await this.audit.record(manager, actor, { action: 'entry.edit', entityType: 'entry', entityId: id, unitPath: entry.unitPath, before: snapshot(before, entry.status), after: snapshot(after, entry.status) });
        return this.entries.view(manager, id);
      });
    } catch (error) {
      throw duplicateReference(error, after.reference) ?? error;
    }
  }

  /** Takes an entry out of the contest while registration is open; it stays listed as withdrawn. Repeating it changes nothing. */
  async withdraw(actor: Actor, id: string): Promise<EntryView> {
    const entry = await this.entryInScope(actor, id);
    requireOpenWindow(entry.edition);
    return this.db.transaction(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(Entry)
        .set({ status: 'withdrawn', version: () => 'version + 1' })
        .where("id = :id AND status = 'registered'", { id })
        .execute();
      if (updated.affected) {
        await this.audit.record(manager, actor, { action: 'entry.withdraw', entityType: 'entry', entityId: id, unitPath: entry.unitPath, before: { status: 'registered' }, after: { status: 'withdrawn' } });
      }
      return this.entries.view(manager, id);
    });
  }

  async list(actor: Actor, query: EntryListQuery): Promise<Page<EntrySummaryView>> {
    const { rows, total } = await this.entries.page(actor.scopes(...ENTRY_ROLES), query, { offset: (query.page - 1) * query.pageSize, limit: query.pageSize });
    return pageOf(rows.map(summaryView), total, query);
  }

  /** The filtered list as a spreadsheet, every matching entry (a province has a few thousand). */
  async export(actor: Actor, filter: EntryFilterQuery, format: SpreadsheetFormat): Promise<DownloadFile> {
    const rows = await this.entries.all(actor.scopes(...ENTRY_ROLES), filter);
    const content = format === 'xlsx' ? await toXlsx('Danh sách dự thi', ENTRY_EXPORT_COLUMNS, rows) : toCsv(ENTRY_EXPORT_COLUMNS, rows);
    return { content, fileName: exportFileName(format, new Date()), mediaType: SPREADSHEET_TYPES[format] };
  }

  /** The entry if the actor may act on it; otherwise 404, exactly as when it does not exist. */
  async entryInScope(actor: Actor, id: string): Promise<ScopedEntry> {
    const entry = await this.entries.findInScope(this.db.manager, actor.scopes(...ENTRY_ROLES), id);
    if (!entry) throw new NotFoundError('Entry');
    return entry;
  }

  /** The school an entry is registered for: the one given (within scope), else the actor's own school. */
  private async schoolInScope(actor: Actor, unitId: string | undefined): Promise<Unit> {
    const schools = actor.grants.filter((g) => g.role === 'school');
    const id = unitId ?? (schools.length === 1 ? schools[0].unitId : undefined);
    if (!id) {
      const reason = schools.length > 1 ? 'you hold several school accounts: say which one registers' : 'required when registering on behalf of a school';
      throw new ValidationError(`unitId: ${reason}`, [{ field: 'unitId', reason }]);
    }
    const scopes = actor.scopes(...ENTRY_ROLES);
    if (scopes.length === 0) throw new NotFoundError('Unit');
    const [scope, params] = underScopes('u.path', scopes);
    const unit = await this.db.createQueryBuilder(Unit, 'u').innerJoinAndSelect('u.level', 'level').where('u.id = :id', { id }).andWhere(scope, params).getOne();
    if (!unit) throw new NotFoundError('Unit');
    if (!unit.level!.isLeaf) {
      throw new RuleViolationError(`Entries are registered by a school or organisation, not by a ${unit.level!.name}`, [{ field: 'unitId', reason: 'not a school or organisation' }]);
    }
    if (unit.retiredAt) throw new RuleViolationError(`${unit.name} is retired and cannot register entries`, [{ field: 'unitId', reason: 'retired unit' }]);
    return unit;
  }

  /** The edition, if it is run at the school's unit or above it; any other edition does not exist for that school. */
  private async editionFor(editionId: string, school: Unit): Promise<Edition> {
    const edition = await this.db
      .createQueryBuilder(Edition, 'ed')
      .innerJoinAndSelect('ed.contest', 'contest')
      .innerJoin('ed.unit', 'eu')
      .where('ed.id = :editionId', { editionId })
      .andWhere('starts_with(CAST(:schoolPath AS text), eu.path)', { schoolPath: school.path })
      .getOne();
    if (!edition) throw new NotFoundError('Edition');
    return edition;
  }

  /** Field id by field code. */
  private async fieldsOf(editionId: string): Promise<Map<string, string>> {
    const fields = await this.db.getRepository(EditionField).find({ where: { editionId }, order: { position: 'ASC' } });
    return new Map(fields.map((f) => [f.code, f.id]));
  }

  /** Field codes are matched without case, as the database keeps them unique: `mt` is the field MT. */
  private canonicalField(fields: Map<string, string>, code: string): string {
    return [...fields.keys()].find((known) => known.toLowerCase() === code.toLowerCase()) ?? code;
  }

  private draftOf(dto: RegisterEntryDto, reference: string): EntryDraft {
    return {
      reference,
      title: dto.title,
      fieldCode: dto.fieldCode,
      summary: dto.summary,
      contactName: dto.contact.name,
      contactEmail: dto.contact.email,
      contactPhone: dto.contact.phone ?? null,
      createdYear: dto.createdYear ?? null,
      authors: this.authorsOf(dto.authors),
    };
  }

  private authorsOf(authors: RegisterEntryDto['authors']): EntryDraft['authors'] {
    return authors.map((a) => ({ fullName: a.fullName, birthDate: a.birthDate ?? null, classOrJob: a.classOrJob ?? null }));
  }

  private async draftFromStore(entry: Entry): Promise<EntryDraft> {
    const [authors, field] = await Promise.all([
      this.db.getRepository(EntryAuthor).find({ where: { entryId: entry.id }, order: { position: 'ASC' } }),
      this.db.getRepository(EditionField).findOneByOrFail({ id: entry.fieldId }),
    ]);
    return {
      reference: entry.reference,
      title: entry.title,
      fieldCode: field.code,
      summary: entry.summary,
      contactName: entry.contactName,
      contactEmail: entry.contactEmail,
      contactPhone: entry.contactPhone,
      createdYear: entry.createdYear,
      authors: authors.map((a) => ({ fullName: a.fullName, birthDate: a.birthDate, classOrJob: a.classOrJob })),
    };
  }

  private columnsOf(draft: EntryDraft) {
    return {
      reference: draft.reference,
      title: draft.title,
      summary: draft.summary,
      contactName: draft.contactName,
      contactEmail: draft.contactEmail,
      contactPhone: draft.contactPhone,
      createdYear: draft.createdYear,
      searchKey: entrySearchKey(draft),
    };
  }

  private async insertAuthors(manager: EntityManager, entryId: string, draft: EntryDraft): Promise<void> {
    await manager.insert(
      EntryAuthor,
      draft.authors.map((a, i) => ({ entryId, position: i + 1, ...a })),
    );
  }
}
