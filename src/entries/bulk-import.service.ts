import { DownloadFile, SPREADSHEET_TYPES, SpreadsheetFormat } from '../core/http/file-download';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Edition } from '../contests/contest.entity';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { OutboxService } from '../core/outbox/outbox.service';
import { FieldProblem, NotFoundError, RuleViolationError, ValidationError } from '../core/errors/domain-error';
import { MAX_LISTED_PROBLEMS } from '../core/errors/problem-list';
import type { Upload } from '../core/http/upload';
import { ExportColumn, readTable, toCsv, toXlsx } from '../core/spreadsheet';
import { BulkImportResultView, ImportedEntryView } from './dto/bulk-import.dto';
import { ENTRY_ROLES } from './entries.service';
import { EntryDraft, entrySearchKey } from './entry-draft';
import { windowProblem } from '../contests/edition-lifecycle';
import { firstStagePlacements, Placement, registrationMail } from './entry-registration';
import { changedColumns, importColumns, ImportRow, readEntryRows } from './entry-rows';

/** The edition columns an import needs, with its unit's path, its contest's name and its fields. */
type ImportEdition = Pick<Edition, 'id' | 'number' | 'seasonLabel' | 'registrationOpensAt' | 'registrationClosesAt' | 'state' | 'archivedAt' | 'eligibility' | 'maxAuthors'> & {
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
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Registers every row of the file, or none. A row whose reference the school already registered with
   * the same content is skipped (re-uploading a file adds nothing); with different content it is refused,
   * since importing it would silently change nothing.
   */
  async import(actor: Actor, editionId: string, upload: Upload): Promise<BulkImportResultView> {
    const edition = await this.editionFor(actor, editionId);
    const closed = windowProblem(edition, new Date());
    if (closed) throw new RuleViolationError(closed, [{ field: 'editionId', reason: closed }]);
    const table = await readTable(upload.content);
    if (table.rows.length === 0) throw new ValidationError('The file has no entry rows under its header', [{ field: 'file', reason: 'no rows' }]);
    const ownSchool = this.ownSchoolGrant(actor);
    const rules = { eligibility: edition.eligibility, maxAuthors: edition.maxAuthors, fieldCodes: new Set(edition.fields.keys()) };
    const read = readEntryRows(table, rules, { schoolCodeRequired: ownSchool === null });
    if (read.rows.length === 0) refuseIfProblems(read.malformed, [], table.rows.length);
    const { placed, problems: schoolProblems } = await this.placeRows(actor, edition, read.rows, ownSchool);

    const sha256 = createHash('sha256').update(upload.content).digest('hex');
    const { created, skipped } = await this.db.transaction(async (manager) => {
      // Imports for the same schools take turns from here on, and each compares its rows with what is registered
      // only once it has its turn: the loser of a race is judged against the winner's rows, like a later upload.
      await this.lockSchools(manager, edition.id, placed);
      const { toCreate, skipped, conflicts } = againstRegistered(placed, await this.registeredEntries(manager, edition.id, placed));
      refuseIfProblems(read.malformed, [...read.ineligible, ...schoolProblems, ...conflicts], table.rows.length);
      const placements = await firstStagePlacements(manager, edition.id, toCreate.map((row) => row.school.path));
      const created = await this.insertEntries(manager, actor, edition, toCreate, placements, sha256);
      const late = toCreate.filter((row) => !created.has(row));
      if (late.length > 0) {
        // A single registration (which does not take the lock) took some of these references since our check:
        // the same content counts as skipped, other content refuses the whole file.
        const recheck = againstRegistered(late, await this.registeredEntries(manager, edition.id, late));
        refuseIfProblems([], recheck.conflicts, table.rows.length);
        for (const [row, id] of recheck.skipped) skipped.set(row, id);
      }
      const schools = new Set(placed.map((r) => r.school.path));
      await this.audit.record(manager, actor, {
        action: 'entry.bulk-import',
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
    return { created: created.size, skipped: placed.length - created.size, total: placed.length, entries };
  }

  /** An empty file for the edition with every column it takes and one example row. */
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
      if (school) example.school_code = school.code;
    }
    const exportColumns: ExportColumn<Record<string, string>>[] = columns.map((c) => ({ header: c.name, value: (row) => row[c.name], width: Math.max(14, c.name.length + 2) }));
    const content = format === 'xlsx' ? await toXlsx('Danh sách dự thi', exportColumns, [example]) : toCsv(exportColumns, [example]);
    return { content, fileName: `mau-dang-ky-${edition.number}.${format}`, mediaType: SPREADSHEET_TYPES[format] };
  }

  /** The school grant a school account imports for; null for organisers and admins, whose files name each row's school. */
  private ownSchoolGrant(actor: Actor) {
    if (actor.isAdmin || actor.has('organiser')) return null;
    const schools = actor.grants.filter((g) => g.role === 'school');
    return schools.length === 1 ? schools[0] : null;
  }

  /** The edition, if the actor works inside its tree (a school under it) or above it; otherwise 404 as if missing. */
  private async editionFor(actor: Actor, editionId: string): Promise<ImportEdition> {
    const scopes = actor.scopes(...ENTRY_ROLES);
    if (scopes.length === 0) throw new NotFoundError('Edition');
    const [edition] = (await this.db.query(
      `SELECT e.id, e.number, e.season_label AS "seasonLabel", e.registration_opens_at AS "registrationOpensAt",
              e.registration_closes_at AS "registrationClosesAt", e.state, e.archived_at AS "archivedAt", e.eligibility, e.max_authors AS "maxAuthors",
              u.path AS "unitPath", c.name AS "contestName",
              (SELECT json_agg(json_build_array(f.code, f.id) ORDER BY f.position) FROM edition_fields f WHERE f.edition_id = e.id) AS fields
         FROM editions e JOIN units u ON u.id = e.unit_id JOIN contests c ON c.id = e.contest_id
        WHERE e.id = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) s(path) WHERE starts_with(s.path, u.path) OR starts_with(u.path, s.path))`,
      [editionId, scopes],
    )) as Array<Omit<ImportEdition, 'fields'> & { fields: Array<[string, string]> | null }>;
    if (!edition) throw new NotFoundError('Edition');
    return { ...edition, fields: new Map(edition.fields ?? []) };
  }

  /** Active schools under the edition's unit that the actor may register for, by code (lower case) or all of them. */
  private async schoolsInScope(actor: Actor, edition: ImportEdition, which: { codes?: string[]; id?: string; limit?: number }): Promise<School[]> {
    const params: unknown[] = [edition.unitPath, actor.scopes(...ENTRY_ROLES)];
    const conditions: string[] = [];
    if (which.codes) conditions.push(`lower(u.code) = ANY($${params.push(which.codes)}::text[])`);
    if (which.id) conditions.push(`u.id = $${params.push(which.id)}`);
    return this.db.query(
      `SELECT u.id, u.code, u.name, u.path FROM units u JOIN unit_levels l ON l.code = u.level_code
        WHERE l.is_leaf AND u.retired_at IS NULL AND starts_with(u.path, $1)
          AND EXISTS (SELECT 1 FROM unnest($2::text[]) s(path) WHERE starts_with(u.path, s.path))
          ${conditions.map((c) => `AND ${c}`).join(' ')}
        ORDER BY u.code ${which.limit ? `LIMIT ${which.limit}` : ''}`,
      params,
    );
  }

  /** Attaches each row to its school: the account's own, or the one its `school_code` names within the actor's scope. */
  private async placeRows(actor: Actor, edition: ImportEdition, rows: ImportRow[], ownSchool: ReturnType<BulkImportService['ownSchoolGrant']>) {
    const problems: FieldProblem[] = [];
    const placed: Placed[] = [];
    const named = rows.filter((r) => r.schoolCode);
    const codes = [...new Set(named.map((r) => r.schoolCode!.toLowerCase()))];
    const byCode = new Map((codes.length ? await this.schoolsInScope(actor, edition, { codes }) : []).map((s) => [s.code.toLowerCase(), s]));
    let own: School | undefined;
    if (ownSchool && named.length < rows.length) {
      [own] = await this.schoolsInScope(actor, edition, { id: ownSchool.unitId });
      if (!own) throw new RuleViolationError('Your school cannot register entries in this edition', [{ field: 'school_code', reason: 'your school is retired or outside this edition' }]);
    }
    for (const row of rows) {
      if (!row.schoolCode) {
        // No code on the row: either the account's own school, or a missing cell the row checks already reported.
        if (own) placed.push({ ...row, school: own });
        continue;
      }
      const school = byCode.get(row.schoolCode.toLowerCase());
      if (school) placed.push({ ...row, school });
      else problems.push({ row: row.row, field: 'school_code', reason: `"${row.schoolCode}" is not a school you may register for in this edition` });
    }
    return { placed, problems };
  }

  /**
   * Takes a transaction-scoped advisory lock per (edition, school) of the rows, in one sorted order so that two
   * imports over overlapping schools wait for each other instead of deadlocking.
   */
  private async lockSchools(manager: EntityManager, editionId: string, rows: Placed[]): Promise<void> {
    const schoolIds = [...new Set(rows.map((r) => r.school.id))];
    if (schoolIds.length === 0) return;
    // PostgreSQL evaluates a volatile select list after ORDER BY, so the locks are taken in key order.
    await manager.query(
      `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended('entry-import:' || $1 || ':' || s, 0) AS k FROM unnest($2::text[]) s) locks ORDER BY k`,
      [editionId, schoolIds],
    );
  }

  /** Entries of the edition already registered under the rows' (school, reference), keyed `<unit id>\0<reference>`. */
  private async registeredEntries(manager: EntityManager, editionId: string, rows: Placed[]): Promise<Map<string, RegisteredEntry>> {
    if (rows.length === 0) return new Map();
    const found: Array<Omit<EntryDraft, 'authors'> & { id: string; unitId: string; authors: EntryDraft['authors'] }> = await manager.query(
      `SELECT e.id, e.unit_id AS "unitId", e.reference, e.title, f.code AS "fieldCode", e.summary, e.contact_name AS "contactName",
              e.contact_email AS "contactEmail", e.contact_phone AS "contactPhone", e.created_year AS "createdYear",
              COALESCE((SELECT json_agg(json_build_object('fullName', a.full_name, 'birthDate', a.birth_date, 'classOrJob', a.class_or_job) ORDER BY a.position)
                          FROM entry_authors a WHERE a.entry_id = e.id), '[]') AS authors
         FROM unnest($2::uuid[], $3::text[]) k(unit_id, reference)
         JOIN entries e ON e.edition_id = $1 AND e.unit_id = k.unit_id AND e.reference = k.reference
         JOIN edition_fields f ON f.id = e.field_id`,
      [editionId, rows.map((r) => r.school.id), rows.map((r) => r.draft.reference)],
    );
    return new Map(found.map(({ id, unitId, ...draft }) => [`${unitId}\u0000${draft.reference}`, { id, unitId, draft }]));
  }

  /**
   * Writes the rows as entries with their authors, first-stage placements, audit rows and registration
   * mails: one statement per table, each column bound as ONE array parameter (unnest), so a statement
   * takes a dozen parameters whatever the row count, far from PostgreSQL's 65,535. Returns the id of each row inserted;
   * a row another upload registered meanwhile is left out (ON CONFLICT DO NOTHING).
   */
  private async insertEntries(
    manager: EntityManager,
    actor: Actor,
    edition: ImportEdition,
    rows: Placed[],
    placements: Map<string, Placement>,
    sha256: string,
  ): Promise<Map<Placed, string>> {
    const created = new Map<Placed, string>();
    if (rows.length === 0) return created;
    const ids = rows.map(() => randomUUID());
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO entries (id, edition_id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email,
                            contact_phone, created_year, search_key, created_by)
       SELECT r.id, $1, r.unit_id, r.unit_path, r.field_id, r.reference, r.title, r.summary, r.contact_name, r.contact_email,
              r.contact_phone, r.created_year, r.search_key, $2
         FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::text[])
              AS r(id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email, contact_phone, created_year, search_key)
       ON CONFLICT (edition_id, unit_id, reference) DO NOTHING
       RETURNING id`,
      [
        edition.id,
        actor.userId,
        ids,
        rows.map((r) => r.school.id),
        rows.map((r) => r.school.path),
        rows.map((r) => edition.fields.get(r.draft.fieldCode)!),
        rows.map((r) => r.draft.reference),
        rows.map((r) => r.draft.title),
        rows.map((r) => r.draft.summary),
        rows.map((r) => r.draft.contactName),
        rows.map((r) => r.draft.contactEmail),
        rows.map((r) => r.draft.contactPhone),
        rows.map((r) => r.draft.createdYear),
        rows.map((r) => entrySearchKey(r.draft)),
      ],
    );
    const insertedIds = new Set(inserted.map((r) => r.id));
    rows.forEach((row, i) => {
      if (insertedIds.has(ids[i])) created.set(row, ids[i]);
    });
    const fresh = [...created.entries()].map(([row, id]) => ({ row, id }));
    if (fresh.length === 0) return created;

    const authors = fresh.flatMap(({ row, id }) => row.draft.authors.map((author, i) => ({ id, position: i + 1, author })));
    await manager.query(
      `INSERT INTO entry_authors (entry_id, position, full_name, birth_date, class_or_job)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::date[], $5::text[])`,
      [authors.map((a) => a.id), authors.map((a) => a.position), authors.map((a) => a.author.fullName), authors.map((a) => a.author.birthDate), authors.map((a) => a.author.classOrJob)],
    );

    await manager.query(
      `INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])`,
      [fresh.map((f) => f.id), fresh.map((f) => placements.get(f.row.school.path)!.stageId), fresh.map((f) => placements.get(f.row.school.path)!.unitId)],
    );

    // The same audit row a single registration writes, so an entry's trail reads alike however it came in.
    await this.audit.record(
      manager,
      actor,
      fresh.map(({ row, id }) => ({ action: 'entry.register', entityType: 'entry', entityId: id, unitPath: row.school.path, after: { ...row.draft, status: 'registered', importSha256: sha256 } })),
    );

    const mails = fresh.map(({ row, id }) =>
      registrationMail({ id, title: row.draft.title, reference: row.draft.reference }, row.school, edition, edition.contestName, row.draft.contactEmail),
    );
    await this.outbox.add(manager, mails);
    return created;
  }
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
      conflicts.push({
        row: row.row,
        field: 'reference',
        reason: `"${row.draft.reference}" is already registered for ${row.school.code} with other content (${changed.join(', ')}): change that entry in the app, or give this row a new reference`,
      });
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
  const what = badRows > 0 ? `${badRows} of ${rowCount} rows ${badRows === 1 ? 'has' : 'have'} problems` : 'required columns are missing';
  const listed = problems.length > MAX_LISTED_PROBLEMS ? `the first ${MAX_LISTED_PROBLEMS} with their row and column; details.omitted counts the rest` : 'each with its row and column';
  const message = `Nothing was imported: ${what} (details.problems lists ${listed})`;
  throw malformed.length > 0 ? new ValidationError(message, problems) : new RuleViolationError(message, problems);
}
