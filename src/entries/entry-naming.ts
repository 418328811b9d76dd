import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EditionCatalogue, StageReader } from '../contests/stage-reader';
import { UnitReader } from '../units/unit-reader';
import type { EntryRow } from './entry-export';
import { readTogether } from '../core/database/read-together';

/** An entry as its own tables hold it: its school, field and stages by id, named by EntryNaming. */
export type StoredEntryRow = Omit<EntryRow, 'unitCode' | 'unitName' | 'fieldCode' | 'fieldName' | 'stage'> & {
  fieldId: string;
  /** Every stage the entry has reached, and the unit that runs it there. */
  stages: Array<{ id: string; unitId: string }>;
};

/** What of a stored row its names are read by. */
type NamedByIds = Pick<StoredEntryRow, 'unitId' | 'editionId' | 'fieldId' | 'stages'>;

/** What names a stored row: its school, its field and its current stage. */
export type RowNames = Pick<EntryRow, 'unitCode' | 'unitName' | 'fieldCode' | 'fieldName' | 'stage'>;

/** What EntryNaming.nameOne reads for one entry's view. */
export interface EntryNames {
  unit: { id: string; code: string; name: string };
  field: { code: string; name: string };
  currentStage: EntryRow['stage'];
}

/** The entry's current stage: the furthest one it has reached (stages are walked in order, one after another). */
export function currentStage(reached: StoredEntryRow['stages'], catalogue: { stages: ReadonlyArray<{ id: string; name: string; position: number }> } | undefined): EntryRow['stage'] {
  let current: EntryRow['stage'] = null;
  for (const { id, unitId } of reached) {
    const stage = catalogue?.stages.find((s) => s.id === id);
    if (stage && (!current || stage.position > current.position)) current = { id, name: stage.name, position: stage.position, unitId };
  }
  return current;
}

/**
 * Remembered for NAMES_TTL_MS: a renamed school or field shows under its new name within that time. Exports read
 * thousands of rows that name the same few hundred schools and the same few fields and stages (a list page names
 * its rows in its own statement, see EntriesRepository.page).
 */
const NAMES_TTL_MS = 30_000;
/** More schools than a national season has; past this the oldest are read again. */
const UNITS_CAPACITY = 50_000;

/** Things read by id, each remembered for a while, the missing ones read together. */
class Remembered<T> {
  private readonly known = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  async many(ids: readonly string[], read: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const missing = new Set<string>();
    const now = this.now();
    for (const id of ids) {
      const known = this.known.get(id);
      if (known && known.until > now) found.set(id, known.value);
      else missing.add(id);
    }
    if (missing.size === 0) return found;
    const fetched = await read([...missing]);
    for (const [id, value] of fetched) {
      found.set(id, value);
      this.known.delete(id);
      this.known.set(id, { value, until: now + NAMES_TTL_MS });
    }
    while (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value!);
    return found;
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.known.delete(id);
  }
}

/**
 * Names what entry rows refer to by id: the school (code, name) through the unit tree's reader, the field and the
 * current stage through the contests' reader, each remembered for a while; the entries domain reads neither table.
 */
@Injectable()
export class EntryNaming {
  private readonly units = new Remembered<{ code: string; name: string }>(UNITS_CAPACITY);
  private readonly editions = new Remembered<EditionCatalogue>(1000);

  constructor(
    private readonly unitReader: UnitReader,
    private readonly stageReader: StageReader,
  ) {}

  /** The catalogue (fields, stages) of an edition, or undefined when there is no such edition. */
  async catalogue(manager: EntityManager, editionId: string): Promise<EditionCatalogue | undefined> {
    return (await this.catalogues(manager, [editionId])).get(editionId);
  }

  /** The field ids the filter's code names: in the edition when it is given, else in any edition. */
  async fieldIds(manager: EntityManager, code: string, editionId: string | undefined): Promise<string[]> {
    if (!editionId) return this.stageReader.fieldIdsWithCode(code, manager);
    const fields = (await this.catalogue(manager, editionId))?.fields ?? [];
    return fields.filter((f) => f.code.toLowerCase() === code.toLowerCase()).map((f) => f.id);
  }

  /** The rows with their school, field and current stage named, in the same order. */
  async name<R extends StoredEntryRow>(manager: EntityManager, rows: readonly R[]): Promise<Array<Omit<R, 'fieldId' | 'stages'> & EntryRow>> {
    const names = await this.namesOf(manager, rows);
    return rows.map(({ fieldId, stages, ...row }, i) => ({ ...row, ...names[i] }));
  }

  /** The names of the rows' schools, fields and current stages, in the rows' order. */
  private async namesOf(manager: EntityManager, rows: ReadonlyArray<NamedByIds>): Promise<RowNames[]> {
    const [units, catalogues] = await readTogether(manager, [
      () =>
        this.units.many(
          rows.map((r) => r.unitId),
          (ids) => this.unitReader.many(ids, manager),
        ),
      () =>
        this.catalogues(
          manager,
          rows.map((r) => r.editionId),
          rows,
        ),
    ]);
    return rows.map((row): RowNames => {
      const unit = units.get(row.unitId);
      const catalogue = catalogues.get(row.editionId);
      const field = catalogue?.fields.find((f) => f.id === row.fieldId);
      return { unitCode: unit?.code ?? '', unitName: unit?.name ?? '', fieldCode: field?.code ?? '', fieldName: field?.name ?? '', stage: currentStage(row.stages, catalogue) };
    });
  }

  /** One entry's school, field and current stage, read afresh: a single entry shows a rename at once. */
  async nameOne(manager: EntityManager, entry: Pick<StoredEntryRow, 'unitId' | 'editionId' | 'fieldId' | 'stages'>): Promise<EntryNames> {
    // One after the other: inside a transaction the manager holds a single connection.
    const unit = await this.unitReader.unit(entry.unitId, manager);
    const catalogue = (await this.stageReader.catalogues([entry.editionId], manager)).get(entry.editionId);
    const field = catalogue?.fields.find((f) => f.id === entry.fieldId);
    return {
      unit: { id: entry.unitId, code: unit?.code ?? '', name: unit?.name ?? '' },
      field: { code: field?.code ?? '', name: field?.name ?? '' },
      currentStage: currentStage(entry.stages, catalogue),
    };
  }

  /**
   * The editions' catalogues; one remembered from before a field or stage was added is read again when a row
   * refers to what it does not hold.
   */
  private async catalogues(manager: EntityManager, editionIds: readonly string[], rows: ReadonlyArray<NamedByIds> = []): Promise<Map<string, EditionCatalogue>> {
    const read = (ids: string[]) => this.stageReader.catalogues(ids, manager);
    const catalogues = await this.editions.many(editionIds, read);
    const outdated = new Set(
      rows
        .filter((row) => {
          const catalogue = catalogues.get(row.editionId);
          return catalogue && (!catalogue.fields.some((f) => f.id === row.fieldId) || row.stages.some((reached) => !catalogue.stages.some((s) => s.id === reached.id)));
        })
        .map((row) => row.editionId),
    );
    if (outdated.size === 0) return catalogues;
    this.editions.forget(outdated);
    return new Map([...catalogues, ...(await this.editions.many([...outdated], read))]);
  }
}
