import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { SqlPart } from '../core/database/sql-part';
import { UnitReader } from '../units/unit-reader';
import type { RejudgeMode, StageDefinition } from './edition.types';
import type { EditionState } from './edition-lifecycle';

/** What judging needs to know of a stage and its edition's rubric: the read side of contests for judging. */
export interface JudgedStage extends Pick<StageDefinition, 'name' | 'levelCode' | 'judged' | 'judgesPerEntry' | 'aggregation' | 'discrepancySpread' | 'tieBreak'> {
  id: string;
  editionId: string;
  editionState: EditionState;
  editionArchived: boolean;
  editionUnitPath: string;
  scoresLocked: boolean;
  blind: boolean;
  normaliseBias: boolean;
  rejudgeMode: RejudgeMode;
  rubric: Array<{ code: string; name: string; maxPoints: number }>;
  fields: Array<{ id: string; code: string; name: string }>;
}

/** A judged stage's rules without the path of the unit running its edition. */
export type StageRules = Omit<JudgedStage, 'editionUnitPath'>;

/** The read (and the one write) contests offers judging, exported by ContestsModule: judging never queries contests' tables. */
@Injectable()
export class JudgedStages {
  constructor(private readonly units: UnitReader) {}

  /** The stage with its rules; the path of the unit running its edition comes from the units module, which owns it. */
  async get(manager: EntityManager, stageId: string): Promise<JudgedStage | null> {
    const stage = await judgedStage(manager, stageId);
    if (!stage) return null;
    const { editionUnitId, ...rest } = stage;
    const unit = await this.units.unit(editionUnitId, manager);
    return { ...rest, editionUnitPath: unit!.path };
  }

  /** The rubric the stage's sheets are scored on, alone: what a judge's every save checks. */
  async rubric(manager: EntityManager, stageId: string): Promise<JudgedStage['rubric']> {
    const rows: Array<{ code: string; name: string; max_points: string }> = await manager.query(
      'SELECT c.code, c.name, c.max_points FROM stages s JOIN rubric_criteria c ON c.edition_id = s.edition_id WHERE s.id = $1 ORDER BY c.position',
      [stageId],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, maxPoints: Number(r.max_points) }));
  }

  /**
   * A boolean SQL expression: whether the stage (uuid expression `stageId`) still has the rubric `rubric` (a jsonb
   * expression holding a `rubricKey`), the same criteria codes and maxima in the same order. For a caller that
   * checked points against a rubric it remembers, to write them in the same statement only while that rubric stands.
   */
  rubricUnchanged(stageId: string, rubric: string): string {
    return `(SELECT coalesce(jsonb_agg(jsonb_build_array(c.code, c.max_points) ORDER BY c.position), '[]') = ${rubric}
               FROM stages s JOIN rubric_criteria c ON c.edition_id = s.edition_id WHERE s.id = ${stageId})`;
  }

  /** The rubric as `rubricUnchanged` compares it: its criteria codes and maxima in order, as JSON text. */
  rubricKey(rubric: Array<{ code: string; maxPoints: number }>): string {
    return JSON.stringify(rubric.map((c) => [c.code, c.maxPoints]));
  }

  /**
   * The stage with its rules, without the path of the unit running its edition, as a part of a larger statement
   * (SqlPart, one row or none) and how to read its row: what a confirmation checks against, read with the sheets.
   */
  rulesRead(stageId: string): { part: SqlPart; parse: (row: Record<string, any> | null) => StageRules | null } {
    return {
      part: { sql: JUDGED_STAGE, params: [stageId] },
      parse: (row) => {
        if (!row) return null;
        const { editionUnitId: _unit, ...rules } = judgedStageOf(row);
        return rules;
      },
    };
  }

  /**
   * Marks the stage as scored (once), as a part of a larger statement (SqlPart): from then on the edition lifecycle
   * refuses to change its rubric, judges per entry and aggregation. Judging writes it with the stage's first
   * confirmed score.
   */
  scoredMark(stageId: string): SqlPart {
    return { sql: 'UPDATE stages SET scores_locked_at = now() WHERE id = $1 AND scores_locked_at IS NULL', params: [stageId] };
  }
}

const JUDGED_STAGE = `SELECT s.id, s.edition_id, e.state, e.archived_at IS NOT NULL AS archived, e.unit_id, s.name, s.level_code, s.judged,
            s.judges_per_entry, s.aggregation, s.discrepancy_spread, s.tie_break, s.scores_locked_at IS NOT NULL AS locked, s.blind, s.normalise_bias, s.rejudge_mode,
            (SELECT coalesce(json_agg(json_build_object('code', c.code, 'name', c.name, 'maxPoints', c.max_points) ORDER BY c.position), '[]')
               FROM rubric_criteria c WHERE c.edition_id = s.edition_id) AS rubric,
            (SELECT coalesce(json_agg(json_build_object('id', f.id, 'code', f.code, 'name', f.name) ORDER BY f.position), '[]')
               FROM edition_fields f WHERE f.edition_id = s.edition_id) AS fields
       FROM stages s JOIN editions e ON e.id = s.edition_id
      WHERE s.id = $1`;

async function judgedStage(manager: EntityManager, stageId: string): Promise<(StageRules & { editionUnitId: string }) | null> {
  const rows: Array<Record<string, any>> = await manager.query(JUDGED_STAGE, [stageId]);
  return rows[0] ? judgedStageOf(rows[0]) : null;
}

/** A row of JUDGED_STAGE, read as it comes from the driver or from row_to_json. */
function judgedStageOf(row: Record<string, any>): StageRules & { editionUnitId: string } {
  return {
    id: row.id,
    editionId: row.edition_id,
    editionState: row.state,
    editionArchived: row.archived,
    editionUnitId: row.unit_id,
    name: row.name,
    levelCode: row.level_code,
    judged: row.judged,
    judgesPerEntry: row.judges_per_entry,
    aggregation: row.aggregation,
    discrepancySpread: row.discrepancy_spread === null ? null : Number(row.discrepancy_spread),
    tieBreak: row.tie_break,
    scoresLocked: row.locked,
    blind: row.blind,
    normaliseBias: row.normalise_bias,
    rejudgeMode: row.rejudge_mode,
    rubric: row.rubric.map((c: { code: string; name: string; maxPoints: string | number }) => ({ ...c, maxPoints: Number(c.maxPoints) })),
    fields: row.fields,
  };
}
