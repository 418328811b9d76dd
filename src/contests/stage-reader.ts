import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UnitReader } from '../units/unit-reader';
import type { EditionState, RegistrationWindow } from './edition-lifecycle';
import type { AdvancementRule, Eligibility, PrizeScheme } from './edition.types';

/** A stage as results reads it: its rules, and the edition and contest it belongs to. */
export interface StageView {
  id: string;
  editionId: string;
  position: number;
  name: string;
  levelCode: string;
  judged: boolean;
  tieBreak: string[];
  advancement: AdvancementRule | null;
  prizeScheme: PrizeScheme | null;
  editionNumber: number;
  seasonLabel: string;
  editionState: EditionState;
  editionArchived: boolean;
  contestName: string;
}

export interface EditionView {
  id: string;
  number: number;
  seasonLabel: string;
  contestName: string;
  plannedEntries: number | null;
  /** The path of the unit that runs the edition. */
  unitPath: string;
  /** Its stages in order. */
  stages: Array<Pick<StageView, 'id' | 'position' | 'name' | 'levelCode' | 'prizeScheme'>>;
}

/** What entries refer to by id in an edition: its fields and its stages, in order. */
export interface EditionCatalogue {
  /** The edition's lifecycle state, and whether it was archived. */
  state: string;
  archived: boolean;
  fields: Array<{ id: string; code: string; name: string }>;
  stages: Array<{ id: string; name: string; position: number; levelCode: string }>;
}

/** What an entry's change is checked against: its edition's registration window and state, its rules and its fields in order. */
export interface EntryEditionRules extends RegistrationWindow {
  eligibility: Eligibility;
  maxAuthors: number;
  fields: EditionCatalogue['fields'];
}

/** An edition's (alias `ed`) fields in order, as JSON. */
const FIELDS_OF_EDITION = `COALESCE((SELECT json_agg(json_build_object('id', f.id, 'code', f.code, 'name', f.name) ORDER BY f.position) FROM edition_fields f WHERE f.edition_id = ed.id), '[]')`;

const STAGE_COLUMNS = `s.id, s.edition_id AS "editionId", s.position, s.name, s.level_code AS "levelCode", s.judged, s.tie_break AS "tieBreak", s.advancement,
  s.prize_scheme AS "prizeScheme", ed.number AS "editionNumber", ed.season_label AS "seasonLabel", ed.state AS "editionState",
  ed.archived_at IS NOT NULL AS "editionArchived", c.name AS "contestName"`;

/**
 * The read side of contests for other domains (results): stages and editions by id. Exported by ContestsModule;
 * readers never write.
 */
@Injectable()
export class StageReader {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitReader,
  ) {}

  async stage(stageId: string, manager: EntityManager = this.db.manager): Promise<StageView | null> {
    const rows = await manager.query(`SELECT ${STAGE_COLUMNS} FROM stages s JOIN editions ed ON ed.id = s.edition_id JOIN contests c ON c.id = ed.contest_id WHERE s.id = $1`, [stageId]);
    return rows[0] ?? null;
  }

  /** The stage after `stage` in its edition, or null after the last. */
  async nextStage(stage: Pick<StageView, 'editionId' | 'position'>, manager: EntityManager = this.db.manager): Promise<StageView | null> {
    const rows = await manager.query(
      `SELECT ${STAGE_COLUMNS} FROM stages s JOIN editions ed ON ed.id = s.edition_id JOIN contests c ON c.id = ed.contest_id WHERE s.edition_id = $1 AND s.position = $2`,
      [stage.editionId, stage.position + 1],
    );
    return rows[0] ?? null;
  }

  async edition(editionId: string): Promise<EditionView | null> {
    const rows = await this.db.query(
      `SELECT ed.id, ed.number, ed.season_label AS "seasonLabel", c.name AS "contestName", ed.planned_entries AS "plannedEntries", ed.unit_id AS "unitId",
              (SELECT json_agg(json_build_object('id', s.id, 'position', s.position, 'name', s.name, 'levelCode', s.level_code, 'prizeScheme', s.prize_scheme) ORDER BY s.position)
                 FROM stages s WHERE s.edition_id = ed.id) AS stages
         FROM editions ed JOIN contests c ON c.id = ed.contest_id WHERE ed.id = $1`,
      [editionId],
    );
    if (!rows[0]) return null;
    const { unitId, stages, ...edition } = rows[0];
    const unit = await this.units.unit(unitId);
    return { ...edition, unitPath: unit!.path, stages: stages ?? [] };
  }

  /** The fields and stages of each of these editions (those that exist), by edition id. */
  async catalogues(editionIds: readonly string[], manager: EntityManager = this.db.manager): Promise<Map<string, EditionCatalogue>> {
    if (editionIds.length === 0) return new Map();
    const rows: Array<EditionCatalogue & { id: string }> = await manager.query(
      `SELECT ed.id, ed.state, ed.archived_at IS NOT NULL AS archived,
              ${FIELDS_OF_EDITION} AS fields,
              COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'position', s.position, 'levelCode', s.level_code) ORDER BY s.position) FROM stages s WHERE s.edition_id = ed.id), '[]') AS stages
         FROM editions ed WHERE ed.id = ANY ($1::uuid[])`,
      [[...new Set(editionIds)]],
    );
    return new Map(rows.map(({ id, ...catalogue }) => [id, catalogue]));
  }

  /** The rules an entry of the edition is changed under, read now (not remembered); null when there is no such edition. */
  async entryRules(editionId: string, manager: EntityManager = this.db.manager): Promise<EntryEditionRules | null> {
    const rows: EntryEditionRules[] = await manager.query(
      `SELECT ed.registration_opens_at AS "registrationOpensAt", ed.registration_closes_at AS "registrationClosesAt", ed.state, ed.archived_at AS "archivedAt",
              ed.eligibility, ed.max_authors AS "maxAuthors", ${FIELDS_OF_EDITION} AS fields
         FROM editions ed WHERE ed.id = $1`,
      [editionId],
    );
    return rows[0] ?? null;
  }

  /** The field whose id is `id` (an SQL expression of the caller's statement) as JSON `{ code, name }`. */
  fieldRefSql(id: string): string {
    return `(SELECT row_to_json(field_ref) FROM (SELECT f.code, f.name FROM edition_fields f WHERE f.id = ${id}) field_ref)`;
  }

  /**
   * The stage whose id is `id`, run by the unit whose id is `unitId` (SQL expressions of the caller's statement), as
   * JSON `{ id, name, position, unitId }`, or null when `id` is null: an entry's current stage, as EntryNaming's
   * currentStage names it.
   */
  stageRefSql(id: string, unitId: string): string {
    return `(SELECT row_to_json(stage_ref) FROM (SELECT s.id, s.name, s.position, ${unitId} AS "unitId" FROM stages s WHERE s.id = ${id}) stage_ref)`;
  }

  /** The ids of the fields, in any edition, whose code is `code` whatever its case (codes are unique that way per edition). */
  async fieldIdsWithCode(code: string, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query('SELECT id FROM edition_fields WHERE lower(code) = lower($1)', [code]);
    return rows.map((r) => r.id);
  }
}
