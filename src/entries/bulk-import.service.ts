import { DownloadFile, SPREADSHEET_TYPES, SpreadsheetFormat } from '../core/http/file-download';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ContestsService, RegistrationEdition } from '../contests/contests.service';
import { Permission, reachesBeyondOwnUnit, ownUnitIds } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { OutboxService } from '../core/outbox/outbox.service';
import { FieldProblem, problem, problemOf, reason, RuleViolationError, ValidationError } from '../core/errors/domain-error';
import { MAX_LISTED_PROBLEMS } from '../core/errors/problem-list';
import type { Upload } from '../core/http/upload';
import { ExportColumn, readTable, toCsv, toXlsx } from '../core/spreadsheet';
import { UnitsService } from '../units/units.service';
import { BulkImportResultView, ImportedEntryView } from './dto/bulk-import.dto';
import { EntryDraft } from './entry-draft';
import { windowProblem } from '../contests/edition-lifecycle';
import { writeRegistrations } from './entry-registration';
import { EntriesRepository } from './entries.repository';
import { changedColumns, EntryRowsResult, EXAMPLE_REFERENCE, importColumns, ImportRow, readEntryRows, UNIT_CODE } from './entry-rows';

/** The edition columns an import needs, with its unit's path, its contest's name and its fields. */
type ImportEdition = Pick<RegistrationEdition['edition'], 'id' | 'number' | 'seasonLabel' | 'registrationOpensAt' | 'registrationClosesAt' | 'state' | 'archivedAt' | 'eligibility' | 'maxAuthors'> & {
  unitPath: string;
  contestName: string;
  /** Field id by code, in the edition's order. */
  fields: Map<string, string>;
};

interface School {
  id: string;
  code: string;
  name: string;
  path: string;
}

/** A row ready to be written: its draft and the school it belongs to. */
interface Placed extends ImportRow {
  school: School;
}

interface RegisteredEntry {
  id: string;
  unitId: string;
  draft: EntryDraft;
}

/**
 * `registration`: schools and organisers register while the window is open. `historical`: an organiser records a past
 * season's entries into an edition that has reached its results or closed, without reopening its window; every other
 * check holds, the import is audited as such and no confirmation mail goes out.
 */
export type ImportMode = 'registration' | 'historical';

/** Past seasons only: an edition still open, being judged or archived takes no historical records. */
function requireHistorical(edition: ImportEdition): void {
  const why = edition.archivedAt ? reason('HISTORICAL_ARCHIVED', {}) : edition.state === 'results' || edition.state === 'closed' ? null : reason('HISTORICAL_TOO_EARLY', { state: edition.state });
  if (why) throw new RuleViolationError('HISTORICAL_NOT_HERE', { why }, [problemOf('editionId', why)]);
}

/** The deepest unit path that holds all `paths` (what an import touching several schools is filed under in the audit trail). */
function commonPath(paths: string[]): string {
  const split = paths.map((p) => p.split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; split.every((ids) => i < ids.length && ids[i] === split[0][i]); i += 1) common.push(split[0][i]);
  return common.length ? `/${common.join('/')}/` : '/';
}

/**
 * Bulk registration from a CSV or XLSX file. The whole file is checked before anything is written;
 * then every new entry, its authors, its first-stage placement, its audit row and its registration mail
 * go in with one set-based statement per table, in one transaction.
 */
@Injectable()
export class BulkImportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    readonly entries: EntriesRepository,
    readonly audit: AuditService,
    readonly outbox: OutboxService,
    private readonly units: UnitsService,
    private readonly contests: ContestsService,
  ) {}

  /**
   * Registers every row of the file, or none. A row whose reference the school already registered with
   * the same content is skipped (re-uploading a file adds nothing); with different content it is refused,
   * since importing it would silently change nothing.
   */
  async import(actor: Actor, editionId: string, upload: Upload, mode: ImportMode = 'registration'): Promise<BulkImportResultView> {
    const edition = await this.editionFor(actor, editionId);
    if (mode === 'historical') requireHistorical(edition);
    else {
      const closed = windowProblem(edition, new Date());
      if (closed) throw new RuleViolationError(closed.code, closed.params as never, [problemOf('editionId', closed)]);
    }
    const ownSchool = this.ownSchoolGrant(actor);
    const { read, rowCount } = await readImportRows(upload, edition, ownSchool === null);
    if (read.rows.length === 0) {
      refuseIfProblems(read.malformed, [], rowCount);
      throw new ValidationError('ONLY_EXAMPLE_ROW', { reference: EXAMPLE_REFERENCE }, [problem('reference', 'EXAMPLE_ROW_MARK', { reference: EXAMPLE_REFERENCE }, read.examples[0])]);
    }
    const { placed, problems: schoolProblems } = await this.placeRows(actor, edition, read.rows, ownSchool);

    const sha256 = createHash('sha256').update(upload.content).digest('hex');
    const { created, skipped } = await this.db.transaction(async (manager) => {
      // Imports for the same schools take turns from here on, and each compares its rows with what is registered
      // only once it has its turn: the loser of a race is judged against the winner's rows, like a later upload.
      await this.lockSchools(manager, edition.id, placed);
      const { toCreate, skipped, conflicts } = againstRegistered(placed, await this.registeredEntries(manager, edition, placed));
      refuseIfProblems(read.malformed, [...read.ineligible, ...schoolProblems, ...conflicts], rowCount);
      const created = await this.insertEntries(manager, actor, edition, toCreate, sha256, mode);
      const late = toCreate.filter((row) => !created.has(row));
      if (late.length > 0) {
        // A single registration (which does not take the lock) took some of these references since our check:
        // the same content counts as skipped, other content refuses the whole file.
        const recheck = againstRegistered(late, await this.registeredEntries(manager, edition, late));
        refuseIfProblems([], recheck.conflicts, rowCount);
        for (const [row, id] of recheck.skipped) skipped.set(row, id);
      }
      const schools = new Set(placed.map((r) => r.school.path));
      await this.audit.record(manager, actor, {
        action: mode === 'historical' ? 'entry.historical-import' : 'entry.bulk-import',
        entityType: 'edition',
        entityId: edition.id,
        unitPath: commonPath([...schools]),
        after: { fileName: upload.filename, sha256, created: created.size, skipped: placed.length - created.size, total: placed.length },
      });
      return { created, skipped };
    });

    const entries: ImportedEntryView[] = placed.map((row) => ({
      row: row.row,
      schoolCode: row.school.code,
      reference: row.draft.reference,
      id: created.get(row) ?? skipped.get(row)!,
      status: created.has(row) ? 'created' : 'skipped',
    }));
    return { created: created.size, skipped: placed.length - created.size, total: placed.length, entries, exampleRows: read.examples };
  }

  /** An empty file for the edition with every column it takes and one example row, which an import leaves out. */
  async template(actor: Actor, editionId: string, format: SpreadsheetFormat): Promise<DownloadFile> {
    const edition = await this.editionFor(actor, editionId);
    const forOrganiser = this.ownSchoolGrant(actor) === null;
    const columns = importColumns(edition.eligibility.kind, edition.maxAuthors, forOrganiser, [...edition.fields.keys()]);
    const example = Object.fromEntries(columns.map((c) => [c.name, c.example]));
    if (edition.eligibility.kind === 'youth') {
      // An example author born mid-window, so that the example row itself is eligible.
      const middle = (Date.parse(edition.eligibility.bornFrom) + Date.parse(edition.eligibility.bornTo)) / 2;
      example.author1_birth_date = new Date(middle).toISOString().slice(0, 10).split('-').reverse().join('/');
    }
    if (forOrganiser) {
      const [school] = await this.schoolsInScope(actor, edition, { limit: 1 });
      if (school) example[UNIT_CODE] = school.code;
    }
    const exportColumns: ExportColumn<Record<string, string>>[] = columns.map((c) => ({ header: c.name, value: (row) => row[c.name], width: Math.max(14, c.name.length + 2) }));
    const content = format === 'xlsx' ? await toXlsx('Danh sách dự thi', exportColumns, [example]) : toCsv(exportColumns, [example]);
    return { content, fileName: `mau-dang-ky-${edition.number}.${format}`, mediaType: SPREADSHEET_TYPES[format] };
  }

  /** The unit a school or organisation account imports for; null for those who name each row's school (organisers, admins). */
  private ownSchoolGrant(actor: Actor): { unitId: string } | null {
    if (reachesBeyondOwnUnit(actor.grants, Permission.EntryCreate)) return null;
    const own = ownUnitIds(actor.grants, Permission.EntryCreate);
    return own.length === 1 ? { unitId: own[0] } : null;
  }

  /** The edition, if the actor registers inside its tree (a school under it) or above it; otherwise 404 as if missing. */
  private async editionFor(actor: Actor, editionId: string): Promise<ImportEdition> {
    const { edition, fields } = await this.contests.editionForRegistration(actor, editionId);
    const { id, number, seasonLabel, registrationOpensAt, registrationClosesAt, state, archivedAt, eligibility, maxAuthors } = edition;
    return {
      id,
      number,
      seasonLabel,
      registrationOpensAt,
      registrationClosesAt,
      state,
      archivedAt,
      eligibility,
      maxAuthors,
      unitPath: edition.unit!.path,
      contestName: edition.contest!.name,
      fields: new Map([...fields].map(([code, field]) => [code, field.id])),
    };
  }

  /** Active schools under the edition's unit that the actor may register for, by code (lower case) or all of them. */
  private async schoolsInScope(actor: Actor, edition: ImportEdition, which: { codes?: string[]; id?: string; limit?: number }): Promise<School[]> {
    const units = await this.units.registeringUnits(actor, { codes: which.codes, ids: which.id ? [which.id] : undefined, within: edition.unitPath, usableOnly: true, limit: which.limit });
    return units.map(({ id, code, name, path }) => ({ id, code, name, path }));
  }

  /** Attaches each row to its school: the account's own, or the one its `unit_code` names within the actor's scope. */
  private async placeRows(actor: Actor, edition: ImportEdition, rows: ImportRow[], ownSchool: ReturnType<BulkImportService['ownSchoolGrant']>) {
    const problems: FieldProblem[] = [];
    const placed: Placed[] = [];
    const named = rows.filter((r) => r.schoolCode);
    const codes = [...new Set(named.map((r) => r.schoolCode!.toLowerCase()))];
    const byCode = new Map((codes.length ? await this.schoolsInScope(actor, edition, { codes }) : []).map((s) => [s.code.toLowerCase(), s]));
    let own: School | undefined;
    if (ownSchool && named.length < rows.length) {
      [own] = await this.schoolsInScope(actor, edition, { id: ownSchool.unitId });
      if (!own) throw new RuleViolationError('OWN_SCHOOL_CANNOT_REGISTER', {}, [problem(UNIT_CODE, 'OWN_SCHOOL_OUTSIDE', {})]);
    }
    for (const row of rows) {
      if (!row.schoolCode) {
        // No code on the row: either the account's own school, or a missing cell the row checks already reported.
        if (own) placed.push({ ...row, school: own });
        continue;
      }
      const school = byCode.get(row.schoolCode.toLowerCase());
      if (school) placed.push({ ...row, school });
      else problems.push(problem(UNIT_CODE, 'SCHOOL_NOT_YOURS', { schoolCode: row.schoolCode }, row.row));
    }
    return { placed, problems };
  }

  private lockSchools(manager: EntityManager, editionId: string, rows: Placed[]): Promise<void> {
    return this.entries.lockSchoolsForImport(
      manager,
      editionId,
      rows.map((r) => r.school.id),
    );
  }

  /** Entries of the edition already registered under the rows' (school, reference), keyed `<unit id>\0<reference>`. */
  private async registeredEntries(manager: EntityManager, edition: ImportEdition, rows: Placed[]): Promise<Map<string, RegisteredEntry>> {
    const found = await this.entries.registeredDrafts(
      manager,
      edition.id,
      rows.map((r) => ({ unitId: r.school.id, reference: r.draft.reference })),
    );
    const fieldCodes = new Map([...edition.fields].map(([code, id]) => [id, code]));
    return new Map(found.map(({ id, unitId, fieldId, draft }) => [`${unitId}\u0000${draft.reference}`, { id, unitId, draft: { ...draft, fieldCode: fieldCodes.get(fieldId) ?? '' } }]));
  }

  /**
   * Writes the rows through the one registration write path (entries, authors, first stages, audit, mail), a
   * statement per table whatever the row count. Returns the id of each row inserted; a row another upload
   * registered meanwhile is left out.
   */
  private async insertEntries(manager: EntityManager, actor: Actor, edition: ImportEdition, rows: Placed[], sha256: string, mode: ImportMode): Promise<Map<Placed, string>> {
    const registrations = rows.map((row) => ({ id: randomUUID(), school: row.school, fieldId: edition.fields.get(row.draft.fieldCode)!, draft: row.draft, row }));
    const historical = mode === 'historical';
    const written = await writeRegistrations(manager, this, actor, edition, registrations, {
      auditExtra: historical ? { importSha256: sha256, historical } : { importSha256: sha256 },
      mail: !historical,
    });
    return new Map(registrations.filter((r) => written.has(r.id)).map((r) => [r.row, r.id]));
  }
}

/**
 * The file's rows as checked drafts. The raw table (every cell of every row, keyed by header) is left here for the
 * garbage collector: the write that follows holds only the drafts, not the file's text twice over.
 */
async function readImportRows(upload: Upload, edition: ImportEdition, schoolCodeRequired: boolean): Promise<{ read: EntryRowsResult; rowCount: number }> {
  const table = await readTable(upload.content);
  if (table.rows.length === 0) throw new ValidationError('INVALID_REQUEST', { fields: ['file'] }, [problem('file', 'FILE_NO_ROWS', {})]);
  const rules = { eligibility: edition.eligibility, maxAuthors: edition.maxAuthors, fieldCodes: new Set(edition.fields.keys()) };
  return { read: readEntryRows(table, rules, { schoolCodeRequired }), rowCount: table.rows.length };
}

/** Splits rows into new ones, re-uploads of registered entries (skipped) and changed rows under a registered reference (refused). */
function againstRegistered(rows: Placed[], registered: Map<string, RegisteredEntry>) {
  const toCreate: Placed[] = [];
  const skipped = new Map<Placed, string>();
  const conflicts: FieldProblem[] = [];
  for (const row of rows) {
    const existing = registered.get(`${row.school.id}\u0000${row.draft.reference}`);
    const changed = existing ? changedColumns(row.draft, existing.draft) : [];
    if (!existing) toCreate.push(row);
    else if (changed.length === 0) skipped.set(row, existing.id);
    else {
      conflicts.push(problem('reference', 'REFERENCE_CHANGED', { reference: row.draft.reference, schoolCode: row.school.code, changed }, row.row));
    }
  }
  return { toCreate, skipped, conflicts };
}

/**
 * Nothing is written unless the whole file is good. Every problem is listed; malformed input (unreadable
 * cells, missing columns) answers 400 as a malformed single registration does, a well-formed file that
 * breaks contest rules answers 422.
 */
function refuseIfProblems(malformed: FieldProblem[], broken: FieldProblem[], rowCount: number): void {
  const problems = [...malformed, ...broken].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (problems.length === 0) return;
  const badRows = new Set(problems.filter((p) => p.row !== 1).map((p) => p.row)).size;
  const params = { badRows, rowCount, listed: MAX_LISTED_PROBLEMS, omitted: problems.length > MAX_LISTED_PROBLEMS };
  throw malformed.length > 0 ? new ValidationError('IMPORT_REFUSED', params, problems) : new RuleViolationError('IMPORT_REFUSED', params, problems);
}
