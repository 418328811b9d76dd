import { DownloadFile, SPREADSHEET_TYPES, SpreadsheetFormat } from '../core/http/file-download';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ContestsService } from '../contests/contests.service';
import { EntryEditionRules, StageReader } from '../contests/stage-reader';
import { violatedConstraint } from '../core/database/constraint-errors';
import { AccessService } from '../core/access/access.service';
import { ownUnitIds, Permission } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { ConflictError, FieldProblem, invalidRequest, NotFoundError, problem, problemOf, RuleViolationError, staleVersion } from '../core/errors/domain-error';
import { LIST_DATABASE, RouteClassDatabase } from '../core/database/route-class';
import { OutboxService } from '../core/outbox/outbox.service';
import { changeNeedsTransaction } from '../core/idempotency/idempotency-scope';
import { StatementGatherer } from '../core/database/statement-gatherer';
import { csvStream, RowBatches, xlsxStream } from '../core/spreadsheet';
import { ExportCursors } from '../core/database/export-cursor';
import { UnitReader } from '../units/unit-reader';
import { UnitsService } from '../units/units.service';
import type { RegisteringUnit } from '../units/units.repository';
import { EditEntryDto, EntryView, RegisterEntryDto } from './dto/entry.dto';
import { EntryFilterQuery, EntryListQuery } from './dto/entry-query.dto';
import { EntriesRepository, EntryRefsSql, ListFilter, ScopedEntry } from './entries.repository';
import { EntryNaming, StoredEntryRow } from './entry-naming';
import { entryPageJson } from './entry-page';
import { draftProblems, EntryDraft } from './entry-draft';
import { RegistrationWindow, windowProblem } from '../contests/edition-lifecycle';
import { ENTRY_EXPORT_COLUMNS, EntryRow, exportFileName } from './entry-export';
import { FormRegistration, schoolPlacement, writeForms } from './entry-registration';
import { Entry, EntryAuthor } from './entry.entity';
import { decodeCursor, encodeCursor } from './list-cursor';

/** Refuses a change outside the registration window, saying when it opens or closed. */
export function requireOpenWindow(edition: RegistrationWindow, now = new Date()): void {
  const closed = windowProblem(edition, now);
  if (closed) throw new RuleViolationError(closed.code, closed.params as never, [problemOf('editionId', closed)]);
}

/**
 * Entries come from schools and organisations (leaf units). In the technical contest an author who enters on their
 * own, through no employer, is registered by the organisers at the edition's own unit (the province). The unit was
 * found through the caller's EntryCreate access, so only an organiser or an administrator gets here with a non-leaf.
 */
export function requireRegisteringUnit(unit: RegisteringUnit, edition: { unitId: string; contest: { kind: string } }): void {
  if (unit.level.isLeaf) return;
  const individual = edition.contest.kind === 'technical' && edition.unitId === unit.id;
  if (individual) return;
  const why = edition.contest.kind === 'technical' ? 'NOT_REGISTERING_NOR_RUNNING_UNIT' : 'NOT_SCHOOL_OR_ORGANISATION';
  throw new RuleViolationError('NOT_A_REGISTERING_UNIT', { level: unit.level.name }, [problem('unitId', why, {})]);
}

export function requireRegistered(entry: Pick<Entry, 'status'>): void {
  if (entry.status === 'withdrawn') throw new RuleViolationError('ENTRY_WITHDRAWN', {}, [problem('status', 'WITHDRAWN', {})]);
}

/** What a registration reads before it writes: its school and its edition, as JSON, each null when missing. */
interface RegistrationRead {
  school: RegisteringUnit | null;
  edition: Parameters<ContestsService['editionForRegistrationOf']>[1];
}

/** The edition's field ids by field code. */
function fieldsByCode(edition: Pick<EntryEditionRules, 'fields'>): Map<string, string> {
  return new Map(edition.fields.map((f) => [f.code, f.id]));
}

/** A second entry of the same school and edition with the same reference. */
function duplicateReference(reference: string): ConflictError {
  return new ConflictError('REFERENCE_TAKEN', { reference }, { problems: [problem('reference', 'REFERENCE_USED', {})] });
}

function refuseIfProblems(problems: FieldProblem[]): void {
  if (problems.length) throw new RuleViolationError('ENTRY_BREAKS_RULES', { count: problems.length }, problems);
}

/** What the audit trail keeps of an entry: its content as the school filled it in. */
function snapshot(draft: EntryDraft, status: Entry['status']) {
  return { ...draft, status };
}

@Injectable()
export class EntriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    readonly entries: EntriesRepository,
    readonly audit: AuditService,
    readonly outbox: OutboxService,
    private readonly access: AccessService,
    private readonly units: UnitsService,
    private readonly contests: ContestsService,
    @Inject(LIST_DATABASE) private readonly lists: RouteClassDatabase,
    private readonly cursors: ExportCursors,
    private readonly naming: EntryNaming,
    private readonly unitReader: UnitReader,
    private readonly stages: StageReader,
  ) {}

  /** Forms arriving together are written by one statement (writeForms): one round trip, one commit for tens of them. */
  private readonly forms = new StatementGatherer((forms: FormRegistration[]) => writeForms(this.db.manager, this, forms));

  /** The schools and editions of forms arriving together, read by one statement whose text never varies (so it is prepared). */
  private readonly registrationReads = new StatementGatherer((keys: Array<{ schoolId: string; editionId: string }>) =>
    this.entries.registrationReads<RegistrationRead>(this.db.manager, { school: (id) => this.units.registeringUnitSql(id), edition: (id) => this.contests.editionForRegistrationSql(id) }, keys),
  );

  /**
   * A school (or an organiser on its behalf) registers one entry in the first stage of an edition: its school and
   * edition read in one statement shared with the other forms sent at that moment (another when a unit above the
   * school runs the first stage) and checked against the actor's reach, then everything the registration writes in
   * one statement, shared likewise; a form holding an Idempotency-Key is written alone, in the transaction that
   * marks its key. The answer is built from what was written.
   */
  async register(actor: Actor, editionId: string, dto: RegisterEntryDto): Promise<EntryView> {
    const read = await this.registrationReads.submit({ schoolId: this.schoolIdOf(actor, dto.unitId), editionId });
    const school = this.units.registeringUnitFor(actor, read.school);
    if (!school) throw new NotFoundError('Unit');
    if (school.retiredAt) throw new RuleViolationError('UNIT_RETIRED_CANNOT_REGISTER', { name: school.name }, [problem('unitId', 'RETIRED_UNIT', {})]);
    const { edition, fields, firstStage } = this.contests.editionForRegistrationOf(actor, read.edition, school.path);
    requireRegisteringUnit(school, edition);
    requireOpenWindow(edition);
    const id = randomUUID();
    const draft = this.draftOf(dto, dto.reference ?? `${school.code}-${id.slice(0, 8).toUpperCase()}`);
    draft.fieldCode = this.canonicalField(fields, draft.fieldCode);
    refuseIfProblems(draftProblems(draft, edition, new Set(fields.keys())));
    const placement = await schoolPlacement(this.db.manager, firstStage, school);
    const field = fields.get(draft.fieldCode)!;
    const form: FormRegistration = {
      actor,
      edition: { id: edition.id, seasonLabel: edition.seasonLabel, number: edition.number, contestName: edition.contest!.name },
      registration: { id, school, fieldId: field.id, draft },
      placement,
    };
    const createdAt = changeNeedsTransaction() ? (await this.db.transaction((manager) => writeForms(manager, this, [form])))[0] : await this.forms.submit(form);
    if (!createdAt) throw duplicateReference(draft.reference);
    return {
      id,
      editionId: edition.id,
      unit: { id: school.id, code: school.code, name: school.name },
      reference: draft.reference,
      title: draft.title,
      summary: draft.summary,
      field: { code: draft.fieldCode, name: field.name },
      contact: { name: draft.contactName, email: draft.contactEmail, phone: draft.contactPhone },
      createdYear: draft.createdYear,
      status: 'registered',
      version: 1,
      authors: draft.authors.map((author, i) => ({ position: i + 1, ...author })),
      currentStage: { id: placement.stageId, name: placement.stageName, position: 1, unitId: placement.unitId },
      dossierFiles: [],
      createdAt,
      updatedAt: createdAt,
    };
  }

  /** The entry with its school, field and current stage named. */
  private async view(manager: EntityManager, id: string): Promise<EntryView> {
    const { unitId, fieldId, stages, ...entry } = await this.entries.storedView(manager, id);
    return { ...entry, ...(await this.naming.nameOne(manager, { unitId, editionId: entry.editionId, fieldId, stages })) };
  }

  async show(actor: Actor, id: string): Promise<EntryView> {
    await this.entryInScope(actor, id, Permission.EntryRead);
    return this.view(this.db.manager, id);
  }

  /** Changes an entry while registration is open; `version` guards against overwriting someone else's edit. */
  async edit(actor: Actor, id: string, dto: EditEntryDto): Promise<EntryView> {
    const entry = await this.entryInScope(actor, id, Permission.EntryUpdate);
    if (entry.version !== dto.version) throw staleVersion('Entry', dto.version, entry.version);
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
    const fields = fieldsByCode(entry.edition);
    after.fieldCode = this.canonicalField(fields, after.fieldCode);
    refuseIfProblems(draftProblems(after, entry.edition, new Set(fields.keys())));
    try {
      return await this.db.transaction(async (manager) => {
        if (!(await this.entries.updateDraft(manager, id, dto.version, fields.get(after.fieldCode)!, after, dto.authors !== undefined))) {
          throw staleVersion('Entry', dto.version, (await manager.findOneByOrFail(Entry, { id })).version);
        }
        await this.audit.record(manager, actor, {
          action: 'entry.edit',
          entityType: 'entry',
          entityId: id,
          unitPath: entry.unitPath,
          before: snapshot(before, entry.status),
          after: snapshot(after, entry.status),
        });
        return this.view(manager, id);
      });
    } catch (error) {
      throw violatedConstraint(error) === 'entries_edition_unit_reference_key' ? duplicateReference(after.reference) : error;
    }
  }

  /** Takes an entry out of the contest while registration is open; it stays listed as withdrawn. Repeating it changes nothing. */
  async withdraw(actor: Actor, id: string): Promise<EntryView> {
    const entry = await this.entryInScope(actor, id, Permission.EntryUpdate);
    requireOpenWindow(entry.edition);
    return this.db.transaction(async (manager) => {
      if (await this.entries.withdraw(manager, id)) {
        await this.audit.record(manager, actor, {
          action: 'entry.withdraw',
          entityType: 'entry',
          entityId: id,
          unitPath: entry.unitPath,
          before: { status: 'registered' },
          after: { status: 'withdrawn' },
        });
      }
      return this.view(manager, id);
    });
  }

  /** How a list page's statement names its entries' schools, fields and current stages: through the readers of their domains. */
  private readonly refs: EntryRefsSql = {
    unit: (id) => this.unitReader.refSql(id),
    field: (id) => this.stages.fieldRefSql(id),
    currentStage: (id, unitId) => this.stages.stageRefSql(id, unitId),
  };

  /** A page of the entries in scope that pass the filter, read on the lists' own connections, as the UTF-8 JSON of an EntryPage. */
  async list(actor: Actor, query: EntryListQuery): Promise<Buffer> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw invalidRequest([problem('cursor', 'NOT_A_LIST_CURSOR', {})]);
    const scope = { condition: this.access.condition(actor, Permission.EntryRead, 'e.unit_path'), range: this.access.oneRange(actor, Permission.EntryRead) };
    const { pageSize } = query;
    return this.lists.read(async (manager) => {
      const filter = await this.listFilter(manager, query);
      const { items, next, total } = filter ? await this.entries.page(manager, scope, filter, { after, limit: pageSize }, this.refs) : { items: [], next: null, total: { count: 0, exact: true } };
      return entryPageJson(items, { pageSize, nextCursor: next && encodeCursor(next), total: total.count, totalExact: total.exact });
    });
  }

  /**
   * The filtered list as a spreadsheet, every matching entry (150,000 for a national organiser), streamed from a
   * cursor as the client downloads it, each batch named as it comes. The first batch is read before answering, so
   * a failing query is an error answer rather than a cut file.
   */
  async export(actor: Actor, filter: EntryFilterQuery, format: SpreadsheetFormat): Promise<DownloadFile> {
    const manager = this.db.manager;
    const resolved = await this.listFilter(manager, filter);
    const query = resolved && this.entries.exportQuery(manager, this.access.condition(actor, Permission.EntryRead, 'e.unit_path'), resolved);
    const stored: RowBatches<StoredEntryRow> = query ? await this.cursors.cursor<StoredEntryRow>(...query) : { next: async () => [], close: async () => undefined };
    const rows: RowBatches<EntryRow> = { next: async () => this.naming.name(manager, await stored.next()), close: () => stored.close() };
    const first = await rows.next();
    const content = format === 'xlsx' ? xlsxStream('Danh sách dự thi', ENTRY_EXPORT_COLUMNS, rows, first) : csvStream(ENTRY_EXPORT_COLUMNS, rows, first);
    return { content, fileName: exportFileName(format, new Date()), mediaType: SPREADSHEET_TYPES[format] };
  }

  /** The filter with its unit and field codes resolved, or null when it names a unit that does not exist. */
  private async listFilter(manager: EntityManager, filter: EntryFilterQuery): Promise<ListFilter | null> {
    const { editionId, stageId, status, q } = filter;
    const unit = filter.unitId ? await this.unitReader.unit(filter.unitId, manager) : undefined;
    if (unit === null) return null;
    const fieldIds = filter.fieldCode === undefined ? undefined : await this.naming.fieldIds(manager, filter.fieldCode, editionId);
    return { editionId, unitPath: unit?.path, fieldIds, stageId, status, q };
  }

  /** The entry if the actor holds `permission` on it; otherwise 404, exactly as when it does not exist. */
  async entryInScope(actor: Actor, id: string, permission: Permission): Promise<ScopedEntry> {
    const entry = await this.entries.findInScope(this.db.manager, this.access.condition(actor, permission, 'e.unit_path'), id);
    if (!entry) throw new NotFoundError('Entry');
    return { ...entry, edition: (await this.stages.entryRules(entry.editionId))! };
  }

  /** The school an entry is registered for: the one given (checked with the edition), else the actor's own school. */
  private schoolIdOf(actor: Actor, unitId: string | undefined): string {
    const own = ownUnitIds(actor.grants, Permission.EntryCreate);
    const id = unitId ?? (own.length === 1 ? own[0] : undefined);
    if (!id) {
      throw invalidRequest([problem('unitId', own.length > 1 ? 'SEVERAL_SCHOOLS' : 'UNIT_ID_REQUIRED', {})]);
    }
    return id;
  }

  /** Field codes are matched without case, as the database keeps them unique: `mt` is the field MT. */
  private canonicalField(fields: Map<string, unknown>, code: string): string {
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

  private async draftFromStore(entry: ScopedEntry): Promise<EntryDraft> {
    const authors = await this.db.getRepository(EntryAuthor).find({ where: { entryId: entry.id }, order: { position: 'ASC' } });
    return {
      reference: entry.reference,
      title: entry.title,
      fieldCode: entry.edition.fields.find((f) => f.id === entry.fieldId)!.code,
      summary: entry.summary,
      contactName: entry.contactName,
      contactEmail: entry.contactEmail,
      contactPhone: entry.contactPhone,
      createdYear: entry.createdYear,
      authors: authors.map((a) => ({ fullName: a.fullName, birthDate: a.birthDate, classOrJob: a.classOrJob })),
    };
  }
}
