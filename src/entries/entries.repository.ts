import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { EntryEditionRules } from '../contests/stage-reader';
import type { AccessObject } from '../core/access/access.service';
import type { Condition } from '../core/access/policy';
import { PlanChoice, preparedQuery } from '../core/database/prepared-query';
import { SqlPart, withParts } from '../core/database/sql-part';
import { likeLiteral, searchKey } from '../core/text';
import { AuthorView, DossierFileView, EntryView } from './dto/entry.dto';
import { EntryDraft, entrySearchKey } from './entry-draft';
import type { StoredEntryRow } from './entry-naming';
import { ListMemory } from './list-memory';
import { DossierFile, Entry, EntryAuthor, EntryStatus } from './entry.entity';

/** An entry's view before its school, field and current stage are named. */
export type StoredEntryView = Omit<EntryView, 'unit' | 'field' | 'currentStage'> & Pick<StoredEntryRow, 'unitId' | 'fieldId' | 'stages'>;

/** How the access service finds an entry's unit for an id check. */
export const ENTRY_ACCESS: AccessObject = { name: 'Entry', from: 'entries e', id: 'e.id', path: 'e.unit_path' };

/** An entry the caller may act on, with the rules of its edition (registration window among them), read through contests' StageReader. */
export type ScopedEntry = Omit<Entry, 'edition'> & { edition: EntryEditionRules };

/**
 * An entry's authors in position order, as JSON objects written by PostgreSQL: the same text for an export's rows and
 * a list page's items. Read from a subquery in position order so that PostgreSQL walks the (entry, position) index
 * for them rather than building a bitmap for two rows; the aggregate's own ORDER BY is what guarantees the order.
 */
const AUTHORS_JSON = `(SELECT COALESCE(json_agg(a ORDER BY a.position), '[]'::json)
    FROM (SELECT a.position, a.full_name AS "fullName", a.birth_date AS "birthDate", a.class_or_job AS "classOrJob" FROM entry_authors a WHERE a.entry_id = e.id ORDER BY a.position) a)`;
const STAGES_REACHED_JSON = `(SELECT COALESCE(json_agg(json_build_object('id', es.stage_id, 'unitId', es.unit_id)), '[]'::json) FROM entry_stages es WHERE es.entry_id = e.id)`;

/**
 * List order: edition, then unit path (a school's entries together, a district's schools together), then the
 * school's reference; byte order, so that it reads the same whatever the database's collation and a path prefix
 * is a range of the list index (entries_list_idx).
 */
const LIST_ORDER = ['e.edition_id', 'e.unit_path COLLATE "C"', 'e.reference COLLATE "C"', 'e.id'];

/**
 * Whom a list is for: their access condition on `entries e`, and the path prefix of the one range of the unit path
 * its rows lie in ('' for every path), if they do (AccessService.oneRange).
 */
export interface ListScope {
  condition: Condition;
  range: string | null;
}

/** Where a list page starts: just after this entry, in list order. */
export interface EntryPosition {
  editionId: string;
  unitPath: string;
  reference: string;
  id: string;
}

/**
 * How a list page's statement names what its entries refer to by id, as SQL expressions of the lower domains' readers
 * (units' refSql, contests' fieldRefSql and stageRefSql): the school, the field and the current stage of a row (with
 * the unit running it there) by their ids.
 */
export interface EntryRefsSql {
  unit: (id: string) => string;
  field: (id: string) => string;
  currentStage: (id: string, unitId: string) => string;
}

/** A list page's row: its item as UTF-8 JSON (EntrySummaryView, written by PostgreSQL) and its place in list order. */
interface PageRow extends EntryPosition {
  item: Buffer;
}

/** A list's filter with its unit and field codes resolved: the school's path, the field's ids (none: nothing matches). */
export interface ListFilter {
  editionId?: string;
  unitPath?: string;
  fieldIds?: string[];
  stageId?: string;
  status?: EntryStatus;
  q?: string;
}

/** How many entries a list's filter matches: `count` exactly, or at least `count` when not `exact`. */
export interface ListTotal {
  count: number;
  exact: boolean;
}
/** The CTE of insertMany's statement that holds the ids of the entries it wrote. */
const WRITTEN_ENTRIES = 'written_entries';

/** A condition for an `alongside` part of insertMany: it holds when the statement wrote all `count` entries (none was there already). */
export function everyEntryWritten(count: number): string {
  return `(SELECT count(*) FROM ${WRITTEN_ENTRIES}) = ${Number(count)}`;
}

/**
 * A condition for an `alongside` part of insertMany, row by row: `value` (an SQL expression over the part's row) is
 * `key` (an SQL expression over a written entry's `id`) of an entry the statement wrote.
 */
export function entryWritten(value: string, key = 'id'): string {
  return `${value} IN (SELECT ${key} FROM ${WRITTEN_ENTRIES})`;
}

/** An entry about to be registered: its content, its school and where it starts (first stage, at the unit running it). */
export interface NewEntry {
  id: string;
  editionId: string;
  unitId: string;
  unitPath: string;
  fieldId: string;
  draft: EntryDraft;
  stageId: string;
  stageUnitId: string;
  createdBy: string | null;
}

/**
 * A list's total is counted exactly up to this many matches (a bounded index-only scan); beyond, it says "at
 * least" this many. Remembered for TOTAL_TTL_MS per scope and filter, so paging does not count again.
 */
const LIST_TOTAL_CAP = 10_000;
const TOTAL_TTL_MS = 30_000;

/** Which unit runs a stage for an entry (`entry_stages`), and where the entry's school sits. */
export interface StageRecord {
  id: string;
  stageId: string;
  unitId: string;
  unitPath: string;
}

/** The queries behind entry lists, exports and views; every one is bounded by an access condition on `e.unit_path`. */
@Injectable()
export class EntriesRepository {
  /** Forgotten by every write below that can change what a list filter matches or a page shows. */
  private readonly totals = new ListMemory<ListTotal>(TOTAL_TTL_MS, 1000);

  /** Lists read again after a write of this process that changes what they show (every write of entries calls it). */
  forgetLists(): void {
    this.totals.forget();
  }

  /**
   * New entries only add to what a filter matches: a total past the cap ("at least 10,000", a province's or the
   * nation's, the ones costly to count) stays true, so a season's busiest hours of registration do not have every
   * national list counted again after each form. Exact totals are counted again, so a new entry shows in them at once.
   */
  private forgetListsAddedTo(): void {
    this.totals.forget((total) => !total.exact);
  }

  /**
   * The one way entries come into the database (a form, a file, the demo, the tests): entries, their authors,
   * their first-stage records and the rows written `alongside` them (audit, mail) in ONE statement of
   * data-modifying CTEs, each column bound as one array (unnest), so it takes a few dozen parameters whatever
   * the row count, far from PostgreSQL's 65,535, and is atomic even outside a transaction. An entry whose
   * (edition, school, reference) is already taken is left out with its authors and stage; the conditions of the
   * `alongside` parts may read what was written through `everyEntryWritten` (all of it) or `entryWritten` (row by
   * row). Returns the entries written, with the time they were created. `prepared` (for forms, whose statement text
   * never varies) runs it as a prepared statement, planned once per connection.
   */
  async insertMany(manager: EntityManager, entries: NewEntry[], alongside: SqlPart[] = [], prepared = false): Promise<Map<string, Date>> {
    if (entries.length === 0) return new Map();
    this.forgetListsAddedTo();
    const authors = entries.flatMap((e) => e.draft.authors.map((author, i) => ({ entryId: e.id, position: i + 1, author })));
    const statement = withParts(
      [
        [
          WRITTEN_ENTRIES,
          {
            sql: `INSERT INTO entries (id, edition_id, unit_id, unit_path, field_id, reference, title, summary, contact_name, contact_email,
                                  contact_phone, created_year, search_key, created_by, current_stage_id, current_stage_unit_id)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                                  $11::text[], $12::int[], $13::text[], $14::uuid[], $15::uuid[], $16::uuid[])
             ON CONFLICT (edition_id, unit_id, reference) DO NOTHING
             RETURNING id, created_at`,
            params: [
              entries.map((e) => e.id),
              entries.map((e) => e.editionId),
              entries.map((e) => e.unitId),
              entries.map((e) => e.unitPath),
              entries.map((e) => e.fieldId),
              entries.map((e) => e.draft.reference),
              entries.map((e) => e.draft.title),
              entries.map((e) => e.draft.summary),
              entries.map((e) => e.draft.contactName),
              entries.map((e) => e.draft.contactEmail),
              entries.map((e) => e.draft.contactPhone),
              entries.map((e) => e.draft.createdYear),
              entries.map((e) => entrySearchKey(e.draft)),
              entries.map((e) => e.createdBy),
              entries.map((e) => e.stageId),
              entries.map((e) => e.stageUnitId),
            ],
          },
        ],
        [
          'written_authors',
          {
            sql: `INSERT INTO entry_authors (entry_id, position, full_name, birth_date, class_or_job)
             SELECT a.* FROM unnest($1::uuid[], $2::int[], $3::text[], $4::date[], $5::text[]) AS a(entry_id, position, full_name, birth_date, class_or_job)
              WHERE a.entry_id IN (SELECT id FROM ${WRITTEN_ENTRIES})`,
            params: [
              authors.map((a) => a.entryId),
              authors.map((a) => a.position),
              authors.map((a) => a.author.fullName),
              authors.map((a) => a.author.birthDate),
              authors.map((a) => a.author.classOrJob),
            ],
          },
        ],
        [
          'written_stages',
          {
            sql: `INSERT INTO entry_stages (entry_id, stage_id, unit_id)
             SELECT s.* FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS s(entry_id, stage_id, unit_id)
              WHERE s.entry_id IN (SELECT id FROM ${WRITTEN_ENTRIES})`,
            params: [entries.map((e) => e.id), entries.map((e) => e.stageId), entries.map((e) => e.stageUnitId)],
          },
        ],
        ...alongside.map((part, i): [string, SqlPart] => [`written_alongside_${i}`, part]),
      ],
      { sql: `SELECT id, created_at AS "createdAt" FROM ${WRITTEN_ENTRIES}`, params: [] },
    );
    const written: Array<{ id: string; createdAt: Date }> = prepared ? await preparedQuery(manager, statement.sql, statement.params) : await manager.query(statement.sql, statement.params);
    return new Map(written.map((row) => [row.id, row.createdAt]));
  }

  /**
   * What forms read before they are registered, in one prepared statement for all of them: per key, in order, the
   * values of `reads.school` and `reads.edition`, the reads (each domain's own, as JSON) of the unit and the edition
   * whose ids the SQL expressions they are given hold.
   */
  registrationReads<T>(manager: EntityManager, reads: { school: (id: string) => string; edition: (id: string) => string }, keys: Array<{ schoolId: string; editionId: string }>): Promise<T[]> {
    const sql = `SELECT (${reads.school('k.school_id')}) AS school, (${reads.edition('k.edition_id')}) AS edition
                   FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(school_id, edition_id, n) ORDER BY k.n`;
    return preparedQuery(manager, sql, [keys.map((k) => k.schoolId), keys.map((k) => k.editionId)]);
  }

  /** The entry if it meets the access condition on `e.unit_path`; null when it is missing or out of scope alike. */
  findInScope(manager: EntityManager, [scope, params]: Condition, id: string): Promise<Entry | null> {
    return manager.createQueryBuilder(Entry, 'e').where('e.id = :id', { id }).andWhere(scope, params).getOne();
  }

  /**
   * Takes a transaction-scoped advisory lock per (edition, school), in one sorted order so that two imports over
   * overlapping schools wait for each other instead of deadlocking.
   */
  async lockSchoolsForImport(manager: EntityManager, editionId: string, schoolIds: string[]): Promise<void> {
    const distinct = [...new Set(schoolIds)];
    if (distinct.length === 0) return;
    // PostgreSQL evaluates a volatile select list after ORDER BY, so the locks are taken in key order.
    await manager.query(`SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended('entry-import:' || $1 || ':' || s, 0) AS k FROM unnest($2::text[]) s) locks ORDER BY k`, [
      editionId,
      distinct,
    ]);
  }

  /**
   * The content of the edition's entries registered under these (school, reference) pairs, as drafts with their
   * field by id (the caller holds the edition's field codes).
   */
  async registeredDrafts(
    manager: EntityManager,
    editionId: string,
    keys: Array<{ unitId: string; reference: string }>,
  ): Promise<Array<{ id: string; unitId: string; fieldId: string; draft: Omit<EntryDraft, 'fieldCode'> }>> {
    if (keys.length === 0) return [];
    const found: Array<Omit<EntryDraft, 'fieldCode'> & { id: string; unitId: string; fieldId: string }> = await manager.query(
      `SELECT e.id, e.unit_id AS "unitId", e.field_id AS "fieldId", e.reference, e.title, e.summary, e.contact_name AS "contactName",
              e.contact_email AS "contactEmail", e.contact_phone AS "contactPhone", e.created_year AS "createdYear",
              COALESCE((SELECT json_agg(json_build_object('fullName', a.full_name, 'birthDate', a.birth_date, 'classOrJob', a.class_or_job) ORDER BY a.position)
                          FROM entry_authors a WHERE a.entry_id = e.id), '[]') AS authors
         FROM unnest($2::uuid[], $3::text[]) k(unit_id, reference)
         JOIN entries e ON e.edition_id = $1 AND e.unit_id = k.unit_id AND e.reference = k.reference`,
      [editionId, keys.map((k) => k.unitId), keys.map((k) => k.reference)],
    );
    return found.map(({ id, unitId, fieldId, ...draft }) => ({ id, unitId, fieldId, draft }));
  }

  /**
   * Writes a changed draft over the entry if it is still at `version` (optimistic concurrency), its authors replaced
   * when `replaceAuthors`; false when someone changed it first.
   */
  async updateDraft(manager: EntityManager, id: string, version: number, fieldId: string, draft: EntryDraft, replaceAuthors: boolean): Promise<boolean> {
    this.forgetLists();
    const updated = await manager
      .createQueryBuilder()
      .update(Entry)
      .set({
        reference: draft.reference,
        title: draft.title,
        summary: draft.summary,
        contactName: draft.contactName,
        contactEmail: draft.contactEmail,
        contactPhone: draft.contactPhone,
        createdYear: draft.createdYear,
        searchKey: entrySearchKey(draft),
        fieldId,
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!updated.affected) return false;
    if (replaceAuthors) {
      await manager.delete(EntryAuthor, { entryId: id });
      await manager.insert(
        EntryAuthor,
        draft.authors.map((a, i) => ({ entryId: id, position: i + 1, ...a })),
      );
    }
    return true;
  }

  /** Marks a registered entry withdrawn; false when it was not registered (already withdrawn). */
  async withdraw(manager: EntityManager, id: string): Promise<boolean> {
    this.forgetLists();
    const updated = await manager
      .createQueryBuilder()
      .update(Entry)
      .set({ status: 'withdrawn', version: () => 'version + 1' })
      .where("id = :id AND status = 'registered'", { id })
      .execute();
    return (updated.affected ?? 0) > 0;
  }

  /** The entries under `path`, counted per edition. */
  async countUnderByEdition(manager: EntityManager, path: string): Promise<Array<{ editionId: string; entries: number }>> {
    return manager.query(`SELECT edition_id AS "editionId", count(*)::int AS entries FROM entries WHERE unit_path LIKE $1 GROUP BY edition_id`, [`${likeLiteral(path)}%`]);
  }

  /** Rewrites the path copies of the entries under a moved subtree. */
  async followMove(manager: EntityManager, fromPath: string, toPath: string): Promise<void> {
    this.forgetLists();
    await manager.query(`UPDATE entries SET unit_path = $2 || substr(unit_path, $3) WHERE unit_path LIKE $1`, [`${likeLiteral(fromPath)}%`, toPath, fromPath.length + 1]);
  }

  /** The stage records of the entries under `path` in these editions, with the path of each entry's school. */
  async stageRecordsUnder(manager: EntityManager, path: string, editionIds: readonly string[]): Promise<StageRecord[]> {
    if (editionIds.length === 0) return [];
    return manager.query(
      `SELECT es.id, es.stage_id AS "stageId", es.unit_id AS "unitId", e.unit_path AS "unitPath"
         FROM entries e JOIN entry_stages es ON es.entry_id = e.id
        WHERE e.unit_path LIKE $1 AND e.edition_id = ANY ($2::uuid[])`,
      [`${likeLiteral(path)}%`, editionIds],
    );
  }

  /** Points these stage records at the units that now run their stages, and the entries' current stages with them. */
  async placeStageRecords(manager: EntityManager, placements: ReadonlyArray<{ id: string; unitId: string }>): Promise<void> {
    if (placements.length === 0) return;
    this.forgetLists();
    await manager.query(
      `WITH placed AS (UPDATE entry_stages es SET unit_id = p.unit_id FROM unnest($1::uuid[], $2::uuid[]) AS p(id, unit_id) WHERE es.id = p.id
                       RETURNING es.entry_id, es.stage_id, es.unit_id)
       UPDATE entries e SET current_stage_unit_id = placed.unit_id FROM placed WHERE e.id = placed.entry_id AND e.current_stage_id = placed.stage_id`,
      [placements.map((p) => p.id), placements.map((p) => p.unitId)],
    );
  }

  /** The entry as its own tables hold it: its school, field and stages by id, for EntryNaming to name. */
  async storedView(manager: EntityManager, id: string): Promise<StoredEntryView> {
    const entry = await manager.findOneOrFail(Entry, { where: { id } });
    // One after the other: inside a transaction the manager holds a single connection.
    const authors = await manager.find(EntryAuthor, { where: { entryId: id }, order: { position: 'ASC' } });
    const files = await manager.find(DossierFile, { where: { entryId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const reached: Array<{ stages: StoredEntryRow['stages'] }> = await manager.query(`SELECT ${STAGES_REACHED_JSON} AS stages FROM entries e WHERE e.id = $1`, [id]);
    return {
      id: entry.id,
      editionId: entry.editionId,
      unitId: entry.unitId,
      fieldId: entry.fieldId,
      stages: reached[0]?.stages ?? [],
      reference: entry.reference,
      title: entry.title,
      summary: entry.summary,
      contact: { name: entry.contactName, email: entry.contactEmail, phone: entry.contactPhone },
      createdYear: entry.createdYear,
      status: entry.status,
      version: entry.version,
      authors: authors.map(({ position, fullName, birthDate, classOrJob }): AuthorView => ({ position, fullName, birthDate, classOrJob })),
      dossierFiles: files.map(dossierFileView),
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
    };
  }

  /**
   * One page of the entries in scope that pass the filter, in list order, starting after `after`: each item as the
   * UTF-8 JSON of its EntrySummaryView, written by PostgreSQL with its school, field and current stage named through
   * `refs` (the API sends those bytes on as they came, see pageSql); `next` is where the following page
   * starts (null on the last). Read on the lists' own connection: an index range (edition, then the scope's path
   * prefix) walked in order from the position, then the page's rows alone read with their authors and stages; when
   * the index alone answers none of the filters (see walksShownRows), the rows are read as the range is walked.
   * `total` is the filter's count (see LIST_TOTAL_CAP), remembered for a while. Both statements run prepared (their
   * text, page size apart, is one of a few per list shape): PostgreSQL no longer parses them on every page, and the
   * lists' pool still plans them for each page's values (see routeClassPool).
   */
  async page(
    manager: EntityManager,
    scope: ListScope,
    filter: ListFilter,
    page: { after: EntryPosition | null; limit: number },
    refs: EntryRefsSql,
  ): Promise<{ items: Buffer[]; next: EntryPosition | null; total: ListTotal }> {
    const matching = this.filtered(scope.condition, filter, scope.range);
    if (!matching) return { items: [], next: null, total: { count: 0, exact: true } };
    const plan = planFor(scope, filter);
    const total = await this.totals.get(JSON.stringify([scope.condition, filter]), () => this.countUpTo(manager, matching, LIST_TOTAL_CAP, plan));
    const conditions = [...matching.conditions];
    const params: Record<string, unknown> = { ...matching.params };
    if (page.after) {
      const { editionId, unitPath, reference, id } = page.after;
      Object.assign(params, { afterEdition: editionId, afterPath: unitPath, afterReference: reference, afterId: id });
      // With the edition fixed, the position is a row over the index's next columns: PostgreSQL then starts the
      // scan there (it cannot when the equality and a row comparison both bound the first column).
      conditions.push(
        filter.editionId
          ? `(e.unit_path COLLATE "C", e.reference COLLATE "C", e.id) > (:afterPath COLLATE "C", :afterReference COLLATE "C", :afterId::uuid)`
          : `(e.edition_id, e.unit_path COLLATE "C", e.reference COLLATE "C", e.id) > (:afterEdition::uuid, :afterPath COLLATE "C", :afterReference COLLATE "C", :afterId::uuid)`,
      );
    }
    const rows = await preparedQuery<PageRow>(manager, ...pageSql(manager, { conditions, params }, walksShownRows(scope, filter), page.limit + 1, refs), plan);
    const more = rows.length > page.limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return { items: rows.map((row) => row.item), next: more && last ? { editionId: last.editionId, unitPath: last.unitPath, reference: last.reference, id: last.id } : null, total };
  }

  /**
   * The SQL and parameters of every entry in scope that passes the filter, in list order, with its summary: exports
   * run it through a cursor. Null when it cannot match anything.
   */
  exportQuery(manager: EntityManager, scope: Condition, filter: ListFilter): [string, unknown[]] | null {
    const matching = this.filtered(scope, filter);
    return matching ? rowsSql(manager, matching) : null;
  }

  /** How many entries the filter matches, counted up to `cap` (an index-only scan of the range, stopped there). */
  private async countUpTo(manager: EntityManager, matching: Matching, cap: number, plan: PlanChoice): Promise<ListTotal> {
    const [{ count }] = await preparedQuery<{ count: number }>(
      manager,
      ...positional(manager, `SELECT count(*)::int AS count FROM (SELECT 1 FROM entries e WHERE ${matching.conditions.join(' AND ')} LIMIT :cap) matches`, {
        ...matching.params,
        cap: cap + 1,
      }),
      plan,
    );
    return count > cap ? { count: cap, exact: false } : { count, exact: true };
  }

  /**
   * The filter as conditions on `entries e` alone, or null when it cannot match anything. Written as SQL rather than
   * through TypeORM's query builder: building that query was a twentieth of a list page's CPU. `range` is the
   * scope's one range of the unit path, if it has one (ListScope).
   */
  private filtered([scope, scopeParams]: Condition, filter: ListFilter, range: string | null = null): Matching | null {
    if (scope === 'FALSE' || filter.fieldIds?.length === 0) return null;
    const conditions = [`(${scope})`];
    const params: Record<string, unknown> = { ...scopeParams };
    const add = (condition: string, values: Record<string, unknown>) => {
      conditions.push(condition);
      Object.assign(params, values);
    };
    // Path prefixes as bounds of the list index's path column: a plan made for any values (see planFor) reads them
    // as a range of the index, where it could not read a LIKE pattern given as a parameter.
    const under = (prefix: string, name: string) =>
      add(`e.unit_path COLLATE "C" >= :${name}From AND e.unit_path COLLATE "C" < :${name}To`, { [`${name}From`]: prefix, [`${name}To`]: prefixEnd(prefix) });
    if (range) under(range, 'scope');
    if (filter.unitPath) under(filter.unitPath, 'unit');
    if (filter.editionId) add('e.edition_id = :editionId', { editionId: filter.editionId });
    // Rows are checked in index order, one comparison each (the field is in the list index).
    if (filter.fieldIds) add('e.field_id = ANY (:fieldIds::uuid[])', { fieldIds: filter.fieldIds });
    if (filter.status) add('e.status = :status', { status: filter.status });
    if (filter.stageId) add('EXISTS (SELECT 1 FROM entry_stages es WHERE es.entry_id = e.id AND es.stage_id = :stageId)', { stageId: filter.stageId });
    if (filter.q) {
      const words = searchKey(filter.q);
      if (words) add(`e.search_key LIKE :q ESCAPE '\\'`, { q: `%${likeLiteral(words)}%` });
    }
    return { conditions, params };
  }
}

/** What a list filter matches: conditions on `entries e` (joined by AND) and their named parameters. */
interface Matching {
  conditions: string[];
  params: Record<string, unknown>;
}

/** `sql` with its `:named` parameters turned into PostgreSQL's positional ones. */
function positional(manager: EntityManager, sql: string, params: Record<string, unknown>): [string, unknown[]] {
  return manager.connection.driver.escapeQueryWithParameters(sql, params);
}

export function dossierFileView(file: DossierFile): DossierFileView {
  return { id: file.id, originalName: file.originalName, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256, createdAt: file.createdAt };
}

/**
 * Whether a list page is best read as its range is walked: when the index alone answers none of its filters (field
 * and status are in it, a stage is found by the entry's id), every row walked is read from the table anyway (to be
 * shown, or to match the searched text), so reading it there once costs less than walking the index for ids and
 * reading the page's rows again by id. A scope of several ranges is walked in the index alone, which skips the rows
 * between them. The same rows either way: a choice of plan.
 */
function walksShownRows(scope: ListScope, filter: ListFilter): boolean {
  return scope.range !== null && !filter.fieldIds && !filter.status && !filter.stageId;
}

/**
 * How a list's statements are planned (PlanChoice): once per connection when their plan is the same whatever the
 * values (the scope's one range and a unit's walked in list order, field and status read from the index as they
 * go), which saves a third of a page's server CPU; for each call's values when a plan made without them could walk
 * a whole province where an index finds the few rows: a searched text (a rare word is found by the trigram index),
 * a stage (its few entries found from their stage records), several ranges of the unit path (OR, IN).
 */
function planFor(scope: ListScope, filter: ListFilter): PlanChoice {
  return scope.range !== null && !filter.q && !filter.stageId ? 'generic' : 'custom';
}

/** The least string above every string that begins with `prefix`, in byte order (paths are ASCII: ids and slashes). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** `matching`'s entries in list order (the first `limit` of them, if given): their rows when `walk`, else their ids found in the index and their rows read by id. */
function listed(matching: Matching, walk: boolean, limit?: number): string {
  const order = LIST_ORDER.join(', ');
  const where = `WHERE ${matching.conditions.join(' AND ')} ORDER BY ${order}${limit === undefined ? '' : ' LIMIT :limit'}`;
  return walk ? `entries e ${where}` : `(SELECT e.id FROM entries e ${where}) listed JOIN entries e ON e.id = listed.id ORDER BY ${order}`;
}

/**
 * The statement reading every entry `matching` selects, in list order, each with its summary, contact, authors and
 * the stages it reached (by id: EntryNaming names them, the school and the field), for an export's cursor.
 */
function rowsSql(manager: EntityManager, matching: Matching): [string, unknown[]] {
  return positional(
    manager,
    `SELECT e.id, e.summary, e.contact_name AS "contactName", e.contact_email AS "contactEmail", e.contact_phone AS "contactPhone", e.created_year AS "createdYear",
            e.edition_id AS "editionId", e.unit_id AS "unitId", e.unit_path AS "unitPath", e.field_id AS "fieldId",
            e.reference, e.title, e.status, e.version, e.created_at AS "createdAt", ${AUTHORS_JSON} AS authors, ${STAGES_REACHED_JSON} AS stages
       FROM ${listed(matching, false)}`,
    matching.params,
  );
}

/**
 * The statement of a list page: the first `limit` entries `matching` selects, in list order, each with its place in
 * that order and its item (EntrySummaryView) as JSON, its keys in the view's order, its creation time as JSON writes a
 * Date (ISO 8601 in UTC, to the millisecond). The item comes as bytes (bytea), which the driver hands over as a
 * Buffer of UTF-8 JSON: as text it would be decoded into a JavaScript string only to be encoded again into the
 * answer's bytes, and its garbage collected (in a profile of the province list, writing such strings out and
 * collecting garbage were about a third of the API's CPU). The page's ids are found by walking the index alone, then
 * their rows are read; or, when `walk` (see walksShownRows), the rows are read straight from the walk of the range,
 * each entry found once rather than by id again. Either way the items (authors, names, stage) are written for the
 * page's rows alone: PostgreSQL evaluates them after the LIMIT.
 */
function pageSql(manager: EntityManager, matching: Matching, walk: boolean, limit: number, refs: EntryRefsSql): [string, unknown[]] {
  return positional(
    manager,
    `SELECT e.edition_id AS "editionId", e.unit_path AS "unitPath", e.reference, e.id,
            (SELECT convert_to(row_to_json(item)::text, 'UTF8')
               FROM (SELECT e.id, e.edition_id AS "editionId", ${refs.unit('e.unit_id')} AS unit, e.reference, e.title, ${refs.field('e.field_id')} AS field,
                            e.status, e.version, ${AUTHORS_JSON} AS authors, ${refs.currentStage('e.current_stage_id', 'e.current_stage_unit_id')} AS "currentStage",
                            to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt") item) AS item
       FROM ${listed(matching, walk, limit)}`,
    { ...matching.params, limit },
  );
}
