import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { levelsOf } from './units.repository';

export interface UnitView {
  id: string;
  code: string;
  name: string;
  path: string;
  levelCode: string;
  parentId: string | null;
}

export type ActiveUnit = Pick<UnitView, 'id' | 'path' | 'levelCode'>;

/** A unit and whether it is retired: grants held at a retired unit still show, but no longer act. */
export interface UnitWithRetirement extends UnitView {
  retired: boolean;
}

/** A level of the tree: its rank orders stages (0 for the nation), leaf levels register entries. */
export interface LevelView {
  code: string;
  name: string;
  rank: number;
  isLeaf: boolean;
}

/** A unit with what its level allows: where an account's role may be granted, which stages an edition there may run. */
export interface UnitWithLevel extends UnitView {
  level: Omit<LevelView, 'code'>;
}

const COLUMNS = `id, code, name, path, level_code AS "levelCode", parent_id AS "parentId"`;

/**
 * The read side of the unit tree for the domains above it (accounts, contests, entries, judging, results), exported
 * by UnitsModule: they never query `units` or `unit_levels` (scope conditions on `units.path` aside, see README).
 */
@Injectable()
export class UnitReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async unit(unitId: string, manager: EntityManager = this.db.manager): Promise<UnitView | null> {
    const rows = await manager.query(`SELECT ${COLUMNS} FROM units WHERE id = $1`, [unitId]);
    return rows[0] ?? null;
  }

  /** The unit if it exists and is not retired. */
  async active(manager: EntityManager, unitId: string): Promise<ActiveUnit | null> {
    const rows: ActiveUnit[] = await manager.query(`SELECT id, path, level_code AS "levelCode" FROM units WHERE id = $1 AND retired_at IS NULL`, [unitId]);
    return rows[0] ?? null;
  }

  /** The unit with its level, if it exists and is not retired. */
  async activeWithLevel(manager: EntityManager, unitId: string): Promise<UnitWithLevel | null> {
    return this.withLevelWhere(manager, unitId, true);
  }

  /** The unit with its level, retired or not: the unit an existing contest or edition runs at. */
  withLevel(manager: EntityManager, unitId: string): Promise<UnitWithLevel | null> {
    return this.withLevelWhere(manager, unitId, false);
  }

  /**
   * The unit whose id is `id` (an SQL expression of the caller's statement, e.g. a column of its rows) as JSON
   * `{ id, code, name }`: how a row another domain's statement writes out as JSON names its unit.
   */
  refSql(id: string): string {
    return `(SELECT row_to_json(unit_ref) FROM (SELECT u.id, u.code, u.name FROM units u WHERE u.id = ${id}) unit_ref)`;
  }

  /** Every level of the tree, from the top (rank 0) down. */
  async levels(manager: EntityManager = this.db.manager): Promise<LevelView[]> {
    const levels = await levelsOf(manager);
    return levels.map(({ code, name, rank, isLeaf }) => ({ code, name, rank, isLeaf }));
  }

  /** The unit at `levelCode` on `path` (the unit itself or an ancestor), nearest first. */
  async ancestorAt(path: string, levelCode: string, manager: EntityManager = this.db.manager): Promise<UnitView | null> {
    const rows = await manager.query(`SELECT ${COLUMNS} FROM units WHERE id = ANY (string_to_array(btrim($1, '/'), '/')::uuid[]) AND level_code = $2 ORDER BY depth DESC LIMIT 1`, [path, levelCode]);
    return rows[0] ?? null;
  }

  /**
   * For each path, the id of the unit at `levelCode` on it (the unit itself or an ancestor, nearest first), or null
   * when the path has none: which unit runs a stage of that level for a school.
   */
  async ancestorsAt(manager: EntityManager, paths: readonly string[], levelCode: string): Promise<Map<string, string | null>> {
    if (paths.length === 0) return new Map();
    const rows: Array<{ path: string; unitId: string | null }> = await manager.query(
      `SELECT p.path, (SELECT u.id FROM units u WHERE u.id = ANY (string_to_array(btrim(p.path, '/'), '/')::uuid[]) AND u.level_code = $2 ORDER BY u.depth DESC LIMIT 1) AS "unitId"
         FROM unnest($1::text[]) AS p(path)`,
      [[...new Set(paths)], levelCode],
    );
    return new Map(rows.map((r) => [r.path, r.unitId]));
  }

  /** These units by id (those that exist, retired ones too: they still say where someone came from). */
  many(unitIds: readonly string[], manager: EntityManager = this.db.manager): Promise<Map<string, UnitView>> {
    return this.byId<UnitView>(manager, unitIds, COLUMNS);
  }

  /** As `many`, saying which are retired. */
  withRetirement(unitIds: readonly string[], manager: EntityManager = this.db.manager): Promise<Map<string, UnitWithRetirement>> {
    return this.byId<UnitWithRetirement>(manager, unitIds, `${COLUMNS}, retired_at IS NOT NULL AS retired`);
  }

  /** Each unit's path, by id. */
  async paths(manager: EntityManager, unitIds: string[]): Promise<Map<string, string>> {
    const units = await this.many(unitIds, manager);
    return new Map([...units].map(([id, unit]) => [id, unit.path]));
  }

  private async withLevelWhere(manager: EntityManager, unitId: string, activeOnly: boolean): Promise<UnitWithLevel | null> {
    const rows: UnitWithLevel[] = await manager.query(
      `SELECT u.id, u.code, u.name, u.path, u.level_code AS "levelCode", u.parent_id AS "parentId",
              json_build_object('name', l.name, 'rank', l.rank, 'isLeaf', l.is_leaf) AS level
         FROM units u JOIN unit_levels l ON l.code = u.level_code
        WHERE u.id = $1 ${activeOnly ? 'AND u.retired_at IS NULL' : ''}`,
      [unitId],
    );
    return rows[0] ?? null;
  }

  private async byId<T extends { id: string }>(manager: EntityManager, unitIds: readonly string[], columns: string): Promise<Map<string, T>> {
    if (unitIds.length === 0) return new Map();
    const rows: T[] = await manager.query(`SELECT ${columns} FROM units WHERE id = ANY ($1::uuid[])`, [[...new Set(unitIds)]]);
    return new Map(rows.map((r) => [r.id, r]));
  }
}
