import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { StageReader } from '../contests/stage-reader';
import { UnitReader } from '../units/unit-reader';
import { readTogether } from '../core/database/read-together';

/** A registered entry at a stage, with what prize lists, advancement lines and mails show of it. */
export interface StageEntry {
  entryId: string;
  fieldId: string;
  fieldCode: string;
  fieldName: string;
  reference: string;
  title: string;
  authors: string;
  schoolId: string;
  schoolName: string;
  districtName: string | null;
  contactEmail: string;
  unitPath: string;
}

/** An entry's own columns, before its field and school are named through their domains' readers. */
interface EntryFieldRow {
  id: string;
  editionId: string;
  fieldId: string;
}

/**
 * The entries domain's side of the stages: which entries are at a stage, moving them to the next one, and the
 * counts a season report quotes. Exported by EntriesModule for results, which never touches entries' tables.
 * Fields and schools are named through the contests' and the unit tree's readers.
 */
@Injectable()
export class StageEntries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stageReader: StageReader,
    private readonly unitReader: UnitReader,
  ) {}

  /** Registered entries of a stage at a unit, in entry id order. */
  async at(stageId: string, unitId: string, manager: EntityManager = this.db.manager): Promise<StageEntry[]> {
    return (await this.atUnits(stageId, [unitId], manager)).get(unitId) ?? [];
  }

  /** Registered entries of a stage at each of these units, in entry id order: one read for a whole batch of units. */
  async atUnits(stageId: string, unitIds: readonly string[], manager: EntityManager = this.db.manager): Promise<Map<string, StageEntry[]>> {
    const rows: Array<EntryFieldRow & { stageUnitId: string } & Omit<StageEntry, 'entryId' | 'fieldCode' | 'fieldName' | 'schoolName' | 'districtName'>> = await manager.query(
      `SELECT e.id, e.edition_id AS "editionId", e.field_id AS "fieldId", e.reference, e.title,
              COALESCE((SELECT string_agg(a.full_name, ', ' ORDER BY a.position) FROM entry_authors a WHERE a.entry_id = e.id), '') AS authors,
              e.unit_id AS "schoolId", e.contact_email AS "contactEmail", e.unit_path AS "unitPath", es.unit_id AS "stageUnitId"
         FROM entry_stages es
         JOIN entries e ON e.id = es.entry_id AND e.status = 'registered'
        WHERE es.stage_id = $1 AND es.unit_id = ANY($2::uuid[])
        ORDER BY e.id`,
      [stageId, unitIds],
    );
    const schoolsAndParents = async () => {
      const schools = await this.unitReader.many(
        rows.map((r) => r.schoolId),
        manager,
      );
      const parents = await this.unitReader.many(
        [...schools.values()].flatMap((school) => (school.parentId ? [school.parentId] : [])),
        manager,
      );
      return { schools, parents };
    };
    const [fields, { schools, parents }] = await readTogether(manager, [() => this.fieldsOf(manager, rows), schoolsAndParents]);
    // One literal per row, no rest or spread: a stage of thousands is read on every prize list preview (bench/results.ts).
    const byUnit = new Map<string, StageEntry[]>(unitIds.map((id) => [id, []]));
    for (const row of rows) {
      const school = schools.get(row.schoolId);
      const field = fields.get(row.id);
      byUnit.get(row.stageUnitId)!.push({
        entryId: row.id,
        fieldId: row.fieldId,
        reference: row.reference,
        title: row.title,
        authors: row.authors,
        schoolId: row.schoolId,
        contactEmail: row.contactEmail,
        unitPath: row.unitPath,
        fieldCode: field?.code ?? '',
        fieldName: field?.name ?? '',
        schoolName: school?.name ?? '',
        districtName: (school?.parentId && parents.get(school.parentId)?.name) || null,
      });
    }
    return byUnit;
  }

  /** The field code of each of these entries, whatever their status. */
  async fieldCodes(entryIds: readonly string[], manager: EntityManager = this.db.manager): Promise<Map<string, string>> {
    const fields = await this.fieldsOf(manager, await this.fieldRows(manager, entryIds));
    return new Map([...fields].map(([id, field]) => [id, field.code]));
  }

  /**
   * Puts each entry in a stage at its unit; an entry already in that stage stays as it is (the unique (entry, stage)
   * key), so a repeat or a concurrent move moves each entry once. The stage becomes the current stage of the entries
   * it takes further than they were (Entry's currentStageId). Answers the entries this call moved.
   */
  async moveTo(manager: EntityManager, stageId: string, moves: ReadonlyArray<{ entryId: string; unitId: string }>): Promise<string[]> {
    if (moves.length === 0) return [];
    const moved: Array<{ entry_id: string }> = await manager.query(
      `WITH moved AS (INSERT INTO entry_stages (entry_id, stage_id, unit_id) SELECT m.entry_id, $3::uuid, m.unit_id FROM unnest($1::uuid[], $2::uuid[]) AS m(entry_id, unit_id)
                      ON CONFLICT (entry_id, stage_id) DO NOTHING RETURNING entry_id, unit_id),
            furthest AS (UPDATE entries e SET current_stage_id = $3::uuid, current_stage_unit_id = moved.unit_id FROM moved
                          WHERE e.id = moved.entry_id
                            AND (e.current_stage_id IS NULL OR (SELECT position FROM stages WHERE id = e.current_stage_id) < (SELECT position FROM stages WHERE id = $3::uuid)))
       SELECT entry_id FROM moved`,
      [moves.map((m) => m.entryId), moves.map((m) => m.unitId), stageId],
    );
    return moved.map((m) => m.entry_id);
  }

  /** Of these entries, those registered at or under `unitPath`. */
  async within(entryIds: readonly string[], unitPath: string): Promise<Set<string>> {
    if (entryIds.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.db.query('SELECT id FROM entries WHERE id = ANY($1) AND unit_path LIKE $2', [entryIds, `${unitPath}%`]);
    return new Set(rows.map((r) => r.id));
  }

  /** What a selection list shows of these entries. */
  async describe(entryIds: readonly string[]): Promise<Map<string, { reference: string; title: string; fieldCode: string; fieldName: string }>> {
    const rows = await this.fieldRows<{ reference: string; title: string }>(this.db.manager, entryIds, ', e.reference, e.title');
    const fields = await this.fieldsOf(this.db.manager, rows);
    return new Map(rows.map(({ id, reference, title }) => [id, { reference, title, fieldCode: fields.get(id)?.code ?? '', fieldName: fields.get(id)?.name ?? '' }]));
  }

  async unitPath(entryId: string): Promise<string | null> {
    const rows = await this.db.query('SELECT unit_path FROM entries WHERE id = $1', [entryId]);
    return rows[0]?.unit_path ?? null;
  }

  /** Each entry's school and contact address: who hears about it. */
  async contacts(manager: EntityManager, entryIds: readonly string[]): Promise<Array<{ entryId: string; schoolId: string; schoolName: string; email: string }>> {
    if (entryIds.length === 0) return [];
    const rows: Array<{ entryId: string; schoolId: string; email: string }> = await manager.query(
      `SELECT e.id AS "entryId", e.unit_id AS "schoolId", e.contact_email AS email FROM entries e WHERE e.id = ANY($1) ORDER BY e.unit_id, e.id`,
      [entryIds],
    );
    const schools = await this.unitReader.many(
      rows.map((r) => r.schoolId),
      manager,
    );
    return rows.map((row) => ({ ...row, schoolName: schools.get(row.schoolId)?.name ?? '' }));
  }

  /** The stages an entry reached, where and when. */
  async stagesOf(entryId: string): Promise<Array<{ stageId: string; unitId: string; enteredAt: Date }>> {
    return this.db.query(`SELECT stage_id AS "stageId", unit_id AS "unitId", entered_at AS "enteredAt" FROM entry_stages WHERE entry_id = $1`, [entryId]);
  }

  /**
   * A season report's entry figures for an edition under a unit path, by aggregation: units that registered,
   * entries registered, and registered entries at each stage.
   */
  async seasonCounts(editionId: string, unitPath: string): Promise<{ units: number; registered: number; atStage: Map<string, number> }> {
    const pattern = `${unitPath}%`;
    const [[totals], stages] = await Promise.all([
      this.db.query(`SELECT count(DISTINCT unit_id)::int AS units, count(*)::int AS registered FROM entries WHERE edition_id = $1 AND unit_path LIKE $2 AND status = 'registered'`, [
        editionId,
        pattern,
      ]),
      this.db.query(
        `SELECT es.stage_id AS "stageId", count(*)::int AS entries FROM entry_stages es JOIN entries e ON e.id = es.entry_id
          WHERE e.edition_id = $1 AND e.unit_path LIKE $2 AND e.status = 'registered' GROUP BY es.stage_id`,
        [editionId, pattern],
      ),
    ]);
    return { units: totals.units, registered: totals.registered, atStage: new Map(stages.map((s: { stageId: string; entries: number }) => [s.stageId, s.entries])) };
  }

  private async fieldRows<Extra extends object = object>(manager: EntityManager, entryIds: readonly string[], extraColumns = ''): Promise<Array<EntryFieldRow & Extra>> {
    if (entryIds.length === 0) return [];
    return manager.query(`SELECT e.id, e.edition_id AS "editionId", e.field_id AS "fieldId"${extraColumns} FROM entries e WHERE e.id = ANY($1)`, [entryIds]);
  }

  /** Each entry's field (code and name), from its edition's catalogue. */
  private async fieldsOf(manager: EntityManager, rows: readonly EntryFieldRow[]): Promise<Map<string, { code: string; name: string }>> {
    const catalogues = await this.stageReader.catalogues(
      rows.map((r) => r.editionId),
      manager,
    );
    // Each edition's fields indexed once, each field's one object shared by its entries: no scan or copy per entry.
    const byEdition = new Map<string, Map<string, { code: string; name: string }>>();
    for (const [editionId, catalogue] of catalogues) byEdition.set(editionId, new Map(catalogue.fields.map((f) => [f.id, { code: f.code, name: f.name }])));
    const fields = new Map<string, { code: string; name: string }>();
    for (const row of rows) {
      const field = byEdition.get(row.editionId)?.get(row.fieldId);
      if (field) fields.set(row.id, field);
    }
    return fields;
  }
}
