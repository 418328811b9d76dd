import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { constraintBrokenBy, stillReferencedReason } from '../core/database/constraint-errors';
import { FieldProblem, problem, RuleViolationError } from '../core/errors/domain-error';
import type { Condition } from '../core/access/policy';
import type { PageQuery } from '../core/http/paging';
import { Contest, Edition, EditionField, RubricCriterionRow, Stage } from './contest.entity';
import { withUnitPath } from './contest.repository';
import type { EditionDefinition, StageDefinition } from './edition.types';

/** The stage entries are registered into. */
export type FirstStage = Pick<Stage, 'id' | 'levelCode' | 'name'>;

/** An edition as registration reads it: its rules and window, its contest and unit, its fields by code in order, and its first stage. */
export type RegistrationEditionRow = Pick<
  Edition,
  'id' | 'unitId' | 'number' | 'seasonLabel' | 'registrationOpensAt' | 'registrationClosesAt' | 'state' | 'archivedAt' | 'eligibility' | 'maxAuthors'
> & {
  contest: { kind: Contest['kind']; name: string };
  unit: { path: string };
  fields: Array<{ code: string; id: string; name: string }>;
  firstStage: FirstStage | null;
};

/** An edition with everything its definition spans, children in order. */
export interface LoadedEdition {
  /** With its contest; its unit comes from UnitReader. */
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
    blind: stage.blind ?? false,
    normaliseBias: stage.normaliseBias ?? false,
    rejudgeMode: stage.rejudgeMode ?? 'join',
    advancement: stage.advancement,
    prizeScheme: stage.prizeScheme,
  };
}

/** Which editions a list shows, besides the scope. */
export interface EditionFilter {
  contestId?: string;
  includeArchived?: boolean;
  /** Only those open (true) or not open (false) for registration at `now`. */
  openForRegistration?: boolean;
  now: Date;
}

/**
 * Reads editions in scope, and reads and writes the rows of an edition's definition (fields, rubric, stages) inside
 * the caller's transaction.
 */
@Injectable()
export class EditionRepository {
  /** A page of the editions (with their contest) `scope` (a condition on `u.path`, the edition's unit) keeps, the latest registration first. */
  page(manager: EntityManager, [scope, params]: Condition, filter: EditionFilter, page: PageQuery): Promise<[Edition[], number]> {
    const qb = withUnitPath(manager.createQueryBuilder(Edition, 'e').innerJoinAndSelect('e.contest', 'c'), 'e.unit_id').where(scope, params);
    if (filter.contestId) qb.andWhere('e.contestId = :contestId', { contestId: filter.contestId });
    if (!filter.includeArchived) qb.andWhere('e.archivedAt IS NULL');
    const open = "e.state = 'registration' AND e.archivedAt IS NULL AND e.registrationOpensAt <= :now AND e.registrationClosesAt >= :now";
    if (filter.openForRegistration === true) qb.andWhere(open, { now: filter.now });
    if (filter.openForRegistration === false) qb.andWhere(`NOT (${open})`, { now: filter.now });
    return qb
      .orderBy('e.registrationOpensAt', 'DESC')
      .addOrderBy('e.id')
      .skip((page.page - 1) * page.pageSize)
      .take(page.pageSize)
      .getManyAndCount();
  }

  /** Whether the edition exists and `scope` (a condition on `u.path`) keeps it. */
  inScope(manager: EntityManager, editionId: string, [scope, params]: Condition): Promise<boolean> {
    return withUnitPath(manager.createQueryBuilder(Edition, 'e'), 'e.unit_id').where('e.id = :editionId', { editionId }).andWhere(scope, params).getExists();
  }

  /** The edition with its unit's path, locked against concurrent changes, if `scope` (a condition on `u.path`) keeps it. */
  async lockInScope(manager: EntityManager, editionId: string, [scope, params]: Condition): Promise<(Edition & { unitPath: string }) | null> {
    const { entities, raw } = await withUnitPath(manager.createQueryBuilder(Edition, 'e'), 'e.unit_id')
      .addSelect('u.path', 'unit_path')
      .where('e.id = :editionId', { editionId })
      .andWhere(scope, params)
      .setLock('pessimistic_write', undefined, ['e'])
      .getRawAndEntities<{ unit_path: string }>();
    return entities[0] ? { ...entities[0], unitPath: raw[0].unit_path } : null;
  }

  /** The edition with its contest; null when there is none. */
  async load(manager: EntityManager, editionId: string): Promise<LoadedEdition | null> {
    const edition = await manager.findOne(Edition, { where: { id: editionId }, relations: { contest: true } });
    if (!edition) return null;
    // One after the other: inside a transaction the manager holds a single connection.
    const fields = await manager.find(EditionField, { where: { editionId }, order: { position: 'ASC' } });
    const rubric = await manager.find(RubricCriterionRow, { where: { editionId }, order: { position: 'ASC' } });
    const stages = await manager.find(Stage, { where: { editionId }, order: { position: 'ASC' } });
    return { edition, fields, rubric, stages };
  }

  /**
   * The edition registration reads, whose id is `id` (an SQL expression of the caller's statement, e.g. a column of
   * its rows), as one JSON value (RegistrationEditionRow, dates as text), or null; the caller checks the actor's
   * reach on its unit's path.
   */
  registrationEditionSql(id: string): string {
    return `SELECT json_build_object('id', e.id, 'unitId', e.unit_id, 'number', e.number, 'seasonLabel', e.season_label,
              'registrationOpensAt', e.registration_opens_at, 'registrationClosesAt', e.registration_closes_at, 'state', e.state,
              'archivedAt', e.archived_at, 'eligibility', e.eligibility, 'maxAuthors', e.max_authors,
              'contest', json_build_object('kind', c.kind, 'name', c.name), 'unit', json_build_object('path', u.path),
              'fields', (SELECT COALESCE(json_agg(json_build_object('code', f.code, 'id', f.id, 'name', f.name) ORDER BY f.position), '[]')
                           FROM edition_fields f WHERE f.edition_id = e.id),
              'firstStage', (SELECT json_build_object('id', s.id, 'name', s.name, 'levelCode', s.level_code) FROM stages s WHERE s.edition_id = e.id AND s.position = 1))
         FROM editions e JOIN contests c ON c.id = e.contest_id JOIN units u ON u.id = e.unit_id
        WHERE e.id = ${id}`;
  }

  /** `registrationEditionSql` read on its own. */
  async registrationEdition(manager: EntityManager, editionId: string): Promise<RegistrationEditionRow | null> {
    const [row] = await manager.query(`SELECT (${this.registrationEditionSql('$1')}) AS edition`, [editionId]);
    return this.registrationEditionOf(row.edition);
  }

  /** The JSON of `registrationEditionSql` with its dates as dates. */
  registrationEditionOf(
    json: (Omit<RegistrationEditionRow, 'registrationOpensAt' | 'registrationClosesAt' | 'archivedAt'> & Record<'registrationOpensAt' | 'registrationClosesAt' | 'archivedAt', string>) | null,
  ): RegistrationEditionRow | null {
    if (!json) return null;
    return {
      ...json,
      registrationOpensAt: new Date(json.registrationOpensAt),
      registrationClosesAt: new Date(json.registrationClosesAt),
      archivedAt: json.archivedAt ? new Date(json.archivedAt) : null,
    };
  }

  /** The stage entries are registered into: the edition's first. */
  firstStage(manager: EntityManager, editionId: string): Promise<FirstStage | null> {
    return manager.findOne(Stage, { where: { editionId, position: 1 }, select: { id: true, levelCode: true, name: true } });
  }

  async insertChildren(manager: EntityManager, editionId: string, definition: EditionDefinition): Promise<void> {
    await manager.insert(
      EditionField,
      definition.fields.map((f, i) => ({ editionId, position: i + 1, code: f.code, name: f.name })),
    );
    await manager.insert(
      RubricCriterionRow,
      definition.rubric.map((c, i) => ({ editionId, position: i + 1, code: c.code, name: c.name, maxPoints: c.maxPoints })),
    );
    await manager.insert(
      Stage,
      definition.stages.map((s, i) => ({ editionId, position: i + 1, ...stageColumns(s) })),
    );
  }

  /**
   * Replaces fields, rubric and stages with the definition's, keeping the rows that stay (fields and criteria
   * matched by code, stages by level, which the climbing rule makes unique) so entries and their stage
   * records keep pointing at them. A field or stage still in use is kept by its foreign key (ON DELETE RESTRICT):
   * every refused removal is named, and nothing is changed.
   */
  async replaceChildren(manager: EntityManager, editionId: string, definition: EditionDefinition): Promise<void> {
    const fields = await manager.find(EditionField, { where: { editionId } });
    const stages = await manager.find(Stage, { where: { editionId } });
    const wantedFields = new Set(definition.fields.map((f) => codeKey(f.code)));
    const wantedLevels = new Set(definition.stages.map((s) => s.levelCode));
    const goneFields = fields.filter((f) => !wantedFields.has(codeKey(f.code)));
    const goneStages = stages.filter((s) => !wantedLevels.has(s.levelCode));
    const problems: FieldProblem[] = [];
    for (const field of goneFields) {
      const kept = stillReferencedReason(await constraintBrokenBy(manager, () => manager.delete(EditionField, { id: field.id })));
      if (kept) problems.push(problem('fields', 'FIELD_KEPT', { code: field.code, name: field.name, why: kept }));
    }
    for (const stage of goneStages) {
      const kept = stillReferencedReason(await constraintBrokenBy(manager, () => manager.delete(Stage, { id: stage.id })));
      if (kept) problems.push(problem('stages', 'STAGE_KEPT', { levelCode: stage.levelCode, name: stage.name, why: kept }));
    }
    if (problems.length) throw new RuleViolationError('IN_USE_BY_ENTRIES', {}, problems);

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
}
