import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { FieldProblem, RuleViolationError } from '../core/errors/domain-error';
import { Edition, EditionField, RubricCriterionRow, Stage } from './contest.entity';
import type { EditionDefinition, StageDefinition } from './edition.types';

/** An edition with everything its definition spans, children in order. */
export interface LoadedEdition {
  edition: Edition;
  fields: EditionField[];
  rubric: RubricCriterionRow[];
  stages: Stage[];
}

/** Codes match without case, as the edition rules compare them: renaming "ht" to "HT" keeps the field's row. */
const codeKey = (code: string) => code.trim().toLowerCase();

function stageColumns(stage: StageDefinition) {
  return {
    name: stage.name,
    levelCode: stage.levelCode,
    judged: stage.judged,
    judgesPerEntry: stage.judgesPerEntry,
    aggregation: stage.aggregation,
    discrepancySpread: stage.discrepancySpread,
    tieBreak: stage.tieBreak,
    advancement: stage.advancement,
    prizeScheme: stage.prizeScheme,
  };
}

/** Reads and writes the rows of an edition's definition (fields, rubric, stages) inside the caller's transaction. */
@Injectable()
export class EditionRepository {
  /** The edition with its contest and unit (with level); null when there is none. */
  async load(manager: EntityManager, editionId: string): Promise<LoadedEdition | null> {
    const edition = await manager.findOne(Edition, { where: { id: editionId }, relations: { contest: true, unit: { level: true } } });
    if (!edition) return null;
    // One after the other: inside a transaction the manager holds a single connection.
    const fields = await manager.find(EditionField, { where: { editionId }, order: { position: 'ASC' } });
    const rubric = await manager.find(RubricCriterionRow, { where: { editionId }, order: { position: 'ASC' } });
    const stages = await manager.find(Stage, { where: { editionId }, order: { position: 'ASC' } });
    return { edition, fields, rubric, stages };
  }

  async insertChildren(manager: EntityManager, editionId: string, definition: EditionDefinition): Promise<void> {
    await manager.insert(EditionField, definition.fields.map((f, i) => ({ editionId, position: i + 1, code: f.code, name: f.name })));
    await manager.insert(RubricCriterionRow, definition.rubric.map((c, i) => ({ editionId, position: i + 1, code: c.code, name: c.name, maxPoints: c.maxPoints })));
    await manager.insert(Stage, definition.stages.map((s, i) => ({ editionId, position: i + 1, ...stageColumns(s) })));
  }

  /**
   * Replaces fields, rubric and stages with the definition's, keeping the rows that stay (fields and criteria
   * matched by code, stages by level, which the climbing rule makes unique) so entries and their stage
   * records keep pointing at them. Refuses, naming them, to remove fields or stages that entries use.
   */
  async replaceChildren(manager: EntityManager, editionId: string, definition: EditionDefinition): Promise<void> {
    // Locking the rows first makes a concurrent registration into them wait for us (its foreign-key check
    // needs a share lock), so the counts below cannot miss an entry about to be committed.
    const fields = await manager.find(EditionField, { where: { editionId }, lock: { mode: 'pessimistic_write' } });
    const stages = await manager.find(Stage, { where: { editionId }, lock: { mode: 'pessimistic_write' } });
    const wantedFields = new Set(definition.fields.map((f) => codeKey(f.code)));
    const wantedLevels = new Set(definition.stages.map((s) => s.levelCode));
    const goneFields = fields.filter((f) => !wantedFields.has(codeKey(f.code)));
    const goneStages = stages.filter((s) => !wantedLevels.has(s.levelCode));
    await this.refuseRemovingUsed(manager, goneFields, goneStages);

    if (goneFields.length) await manager.delete(EditionField, { id: In(goneFields.map((f) => f.id)) });
    const fieldByCode = new Map(fields.map((f) => [codeKey(f.code), f]));
    const newFields: Array<Partial<EditionField>> = [];
    for (const [i, field] of definition.fields.entries()) {
      const kept = fieldByCode.get(codeKey(field.code));
      if (kept) await manager.update(EditionField, { id: kept.id }, { position: i + 1, code: field.code, name: field.name });
      else newFields.push({ editionId, position: i + 1, code: field.code, name: field.name });
    }
    if (newFields.length) await manager.insert(EditionField, newFields);

    const criteria = await manager.find(RubricCriterionRow, { where: { editionId } });
    const wantedCriteria = new Set(definition.rubric.map((c) => codeKey(c.code)));
    const goneCriteria = criteria.filter((c) => !wantedCriteria.has(codeKey(c.code)));
    if (goneCriteria.length) await manager.delete(RubricCriterionRow, { id: In(goneCriteria.map((c) => c.id)) });
    const criterionByCode = new Map(criteria.map((c) => [codeKey(c.code), c]));
    const newCriteria: Array<Partial<RubricCriterionRow>> = [];
    for (const [i, criterion] of definition.rubric.entries()) {
      const values = { position: i + 1, code: criterion.code, name: criterion.name, maxPoints: criterion.maxPoints };
      const kept = criterionByCode.get(codeKey(criterion.code));
      if (kept) await manager.update(RubricCriterionRow, { id: kept.id }, values);
      else newCriteria.push({ editionId, ...values });
    }
    if (newCriteria.length) await manager.insert(RubricCriterionRow, newCriteria);

    if (goneStages.length) await manager.delete(Stage, { id: In(goneStages.map((s) => s.id)) });
    // (edition, position) is unique and checked per statement: move kept stages out of the way before renumbering.
    await manager.query('UPDATE stages SET position = -position WHERE edition_id = $1', [editionId]);
    const stageByLevel = new Map(stages.map((s) => [s.levelCode, s]));
    const newStages: Array<Partial<Stage>> = [];
    for (const [i, stage] of definition.stages.entries()) {
      const kept = stageByLevel.get(stage.levelCode);
      if (kept) await manager.update(Stage, { id: kept.id }, { position: i + 1, ...stageColumns(stage) });
      else newStages.push({ editionId, position: i + 1, ...stageColumns(stage) });
    }
    if (newStages.length) await manager.insert(Stage, newStages);
  }

  private async refuseRemovingUsed(manager: EntityManager, fields: EditionField[], stages: Stage[]): Promise<void> {
    const problems: FieldProblem[] = [];
    if (fields.length) {
      const used: Array<{ field_id: string; entries: number }> = await manager.query(
        'SELECT field_id, count(*)::int AS entries FROM entries WHERE field_id = ANY($1) GROUP BY field_id',
        [fields.map((f) => f.id)],
      );
      for (const row of used) {
        const field = fields.find((f) => f.id === row.field_id)!;
        problems.push({ field: 'fields', reason: `field "${field.code}" (${field.name}) holds ${row.entries} entries and cannot be removed; keep it or rename it` });
      }
    }
    if (stages.length) {
      const used: Array<{ stage_id: string; entries: number }> = await manager.query(
        'SELECT stage_id, count(*)::int AS entries FROM entry_stages WHERE stage_id = ANY($1) GROUP BY stage_id',
        [stages.map((s) => s.id)],
      );
      for (const row of used) {
        const stage = stages.find((s) => s.id === row.stage_id)!;
        problems.push({ field: 'stages', reason: `the stage at level "${stage.levelCode}" (${stage.name}) holds ${row.entries} entries and cannot be removed` });
      }
    }
    if (problems.length) throw new RuleViolationError('Entries already use what this change would remove', problems);
  }
}
