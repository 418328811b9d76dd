import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Condition } from '../core/access/policy';
import { PageQuery } from '../core/http/paging';
import { likeLiteral, searchKey } from '../core/text';
import { UnitRow } from './unit-export';
import { KnownUnit } from './unit-import-plan';
import { codeKey, pathIds } from './unit-rules';
import { Unit, UnitLevel } from './unit.entity';

/** Every level, from the top (rank 0) down: the one read of the ladder, for this repository and for UnitReader. */
export function levelsOf(manager: EntityManager): Promise<UnitLevel[]> {
  return manager.find(UnitLevel, { order: { rank: 'ASC', code: 'ASC' } });
}

export interface UnitFilter extends PageQuery {
  /** Only units at or under this path. */
  within?: string;
  parentId?: string;
  level?: string;
  q?: string;
  includeRetired?: boolean;
}

export interface NewUnit {
  id: string;
  code: string;
  name: string;
  levelCode: string;
  parentId: string | null;
}

/** Where a unit sits now: what a subtree rewrite starts from. */
export interface Position {
  id: string;
  path: string;
  depth: number;
}

/** Searches match on code and name without case or diacritics. */
function unitSearchKey(code: string, name: string): string {
  return searchKey(`${code} ${name}`);
}

/** A unit as a registration reads it. */
export type RegisteringUnit = Pick<Unit, 'id' | 'code' | 'name' | 'path' | 'levelCode'> & { retiredAt: string | null; level: { name: string; isLeaf: boolean } };

/** Which units to pick: by id or code (without case), under `within`; `usableOnly`: active schools and organisations. */
export interface UnitPick {
  ids?: string[];
  codes?: string[];
  within?: string;
  usableOnly?: boolean;
  limit?: number;
}

/**
 * Tree queries over the materialised path: a subtree is `path LIKE '<prefix>%'` on the
 * text_pattern_ops index, ancestors are the ids the path spells out. Nothing walks the tree.
 */
@Injectable()
export class UnitsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  levels(manager: EntityManager = this.db.manager): Promise<UnitLevel[]> {
    return levelsOf(manager);
  }

  /** The unit, with its level, if it meets the access condition on `u.path`; otherwise null, as if it did not exist. */
  findInScope([scope, params]: Condition, id: string, manager: EntityManager = this.db.manager): Promise<Unit | null> {
    return manager.createQueryBuilder(Unit, 'u').innerJoinAndSelect('u.level', 'l').where('u.id = :id', { id }).andWhere(scope, params).getOne();
  }

  async page([scope, params]: Condition, filter: UnitFilter): Promise<[Unit[], number]> {
    const qb = this.db.getRepository(Unit).createQueryBuilder('u').innerJoinAndSelect('u.level', 'l').where(scope, params);
    if (filter.within) qb.andWhere('u.path LIKE :within', { within: `${filter.within}%` });
    if (filter.parentId) qb.andWhere('u.parent_id = :parentId', { parentId: filter.parentId });
    if (filter.level) qb.andWhere('u.level_code = :level', { level: filter.level });
    if (filter.q) qb.andWhere('u.search_key LIKE :q', { q: `%${likeLiteral(searchKey(filter.q))}%` });
    if (!filter.includeRetired) qb.andWhere('u.retired_at IS NULL');
    // By code (codes spell the tree: ST, ST-KS, ST-KS-01), then id, so pages never overlap or skip a unit.
    return qb
      .orderBy('u.code', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
  }

  /**
   * The unit whose id is `id` (an SQL expression of the caller's statement, e.g. a column of its rows), with its
   * level, as one JSON value (RegisteringUnit), or null: a registration's school, read beside its edition. The
   * caller checks the actor's reach on its path.
   */
  registeringUnitSql(id: string): string {
    return `SELECT json_build_object('id', u.id, 'code', u.code, 'name', u.name, 'path', u.path, 'levelCode', u.level_code, 'retiredAt', u.retired_at,
              'level', json_build_object('name', l.name, 'isLeaf', l.is_leaf))
         FROM units u JOIN unit_levels l ON l.code = u.level_code
        WHERE u.id = ${id}`;
  }

  /** Units (with their level) meeting the access condition on `u.path`, picked by `which`, by code. */
  pick([scope, params]: Condition, which: UnitPick): Promise<Unit[]> {
    const qb = this.db.createQueryBuilder(Unit, 'u').innerJoinAndSelect('u.level', 'l').where(scope, params);
    if (which.usableOnly) qb.andWhere('l.isLeaf AND u.retiredAt IS NULL');
    if (which.ids) qb.andWhere('u.id IN (:...leafIds)', { leafIds: which.ids.length ? which.ids : [null] });
    if (which.codes) qb.andWhere('lower(u.code) IN (:...leafCodes)', { leafCodes: which.codes.length ? which.codes.map((c) => c.toLowerCase()) : [null] });
    if (which.within) qb.andWhere('u.path LIKE :leafWithin', { leafWithin: `${which.within}%` });
    qb.orderBy('u.code', 'ASC');
    if (which.limit) qb.limit(which.limit);
    return qb.getMany();
  }

  /** Every unit in scope that passes the filter, by code, with its parent's code: what the export writes. */
  async exportRows([scope, params]: Condition, filter: Omit<UnitFilter, 'page' | 'pageSize'>): Promise<UnitRow[]> {
    const qb = this.db
      .getRepository(Unit)
      .createQueryBuilder('u')
      .leftJoin(Unit, 'p', 'p.id = u.parent_id')
      .select(['u.code AS code', 'u.name AS name', 'u.level_code AS "levelCode"', 'p.code AS "parentCode"'])
      .where(scope, params);
    if (filter.level) qb.andWhere('u.level_code = :level', { level: filter.level });
    if (filter.q) qb.andWhere('u.search_key LIKE :q', { q: `%${likeLiteral(searchKey(filter.q))}%` });
    if (!filter.includeRetired) qb.andWhere('u.retired_at IS NULL');
    return qb.orderBy('u.code COLLATE "C"', 'ASC').addOrderBy('u.id', 'ASC').getRawMany();
  }

  /** The ancestors of a unit, root first, in one query on the ids of its path. */
  ancestors(unit: Unit, manager: EntityManager = this.db.manager): Promise<Unit[]> {
    const ids = pathIds(unit.path).filter((id) => id !== unit.id);
    if (ids.length === 0) return Promise.resolve([]);
    return manager.createQueryBuilder(Unit, 'u').where('u.id IN (:...ids)', { ids }).orderBy('u.depth', 'ASC').getMany();
  }

  activeChildCount(id: string, manager: EntityManager = this.db.manager): Promise<number> {
    return manager.createQueryBuilder(Unit, 'u').where('u.parent_id = :id AND u.retired_at IS NULL', { id }).getCount();
  }

  /** For each unit path, the id of its deepest unit (itself included) at `levelCode`, or null when it has none. */
  async ancestorsAtLevel(manager: EntityManager, paths: string[], levelCode: string): Promise<Map<string, string | null>> {
    const rows: Array<{ path: string; unit_id: string | null }> = await manager.query(
      `SELECT p.path, runner.id AS unit_id
         FROM unnest($1::text[]) AS p(path)
         LEFT JOIN LATERAL (
           SELECT u.id FROM units u
            WHERE u.id = ANY (string_to_array(btrim(p.path, '/'), '/')::uuid[]) AND u.level_code = $2
            ORDER BY u.depth DESC LIMIT 1
         ) runner ON TRUE`,
      [[...new Set(paths)], levelCode],
    );
    return new Map(rows.map((row) => [row.path, row.unit_id]));
  }

  /** Serialises changes to the tree's shape, so two concurrent moves cannot build a cycle. */
  async lockTree(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('units.tree'))`);
  }

  async positions(manager: EntityManager, ids: string[]): Promise<Map<string, Position>> {
    if (ids.length === 0) return new Map();
    const rows: Position[] = await manager.query(`SELECT id, path, depth FROM units WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Inserts units whose parents are already in place; each path and depth follow from the parent's. */
  async insertMany(manager: EntityManager, units: NewUnit[]): Promise<void> {
    if (units.length === 0) return;
    await manager.query(
      `INSERT INTO units (id, code, name, search_key, level_code, parent_id, path, depth)
       SELECT r.id, r.code, r.name, r.search_key, r.level_code, r.parent_id, COALESCE(p.path, '/') || r.id || '/', COALESCE(p.depth + 1, 0)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[]) AS r(id, code, name, search_key, level_code, parent_id)
         LEFT JOIN units p ON p.id = r.parent_id`,
      [units.map((u) => u.id), units.map((u) => u.code), units.map((u) => u.name), units.map((u) => unitSearchKey(u.code, u.name)), units.map((u) => u.levelCode), units.map((u) => u.parentId)],
    );
  }

  async renameMany(manager: EntityManager, units: Array<{ id: string; code: string; name: string }>): Promise<void> {
    if (units.length === 0) return;
    await manager.query(
      `UPDATE units u SET code = r.code, name = r.name, search_key = r.search_key, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS r(id, code, name, search_key)
        WHERE u.id = r.id`,
      [units.map((u) => u.id), units.map((u) => u.code), units.map((u) => u.name), units.map((u) => unitSearchKey(u.code, u.name))],
    );
  }

  /**
   * Puts `unit` under `parent`: one UPDATE rewrites the path prefix and depth of the whole subtree. Returns the
   * unit's new path; the domains holding path copies follow through UnitMoves.
   */
  async moveSubtree(manager: EntityManager, unit: Position, parent: Position): Promise<string> {
    const newPath = `${parent.path}${unit.id}/`;
    const from = unit.path.length + 1;
    await manager.query(
      `UPDATE units SET path = $2 || substr(path, $3), depth = depth + $4,
              parent_id = CASE WHEN id = $5 THEN $6::uuid ELSE parent_id END, updated_at = now()
        WHERE path LIKE $1`,
      [`${unit.path}%`, newPath, from, parent.depth + 1 - unit.depth, unit.id, parent.id],
    );
    return newPath;
  }

  /** Retires the active units at or under `path`; returns how many. */
  async retireSubtree(manager: EntityManager, path: string): Promise<number> {
    const [, count] = await manager.query(`UPDATE units SET retired_at = now(), updated_at = now() WHERE path LIKE $1 AND retired_at IS NULL`, [`${path}%`]);
    return count;
  }

  /** Restores the unit at `path` and the units retired together with it (not those retired earlier on their own). */
  async restoreSubtree(manager: EntityManager, unitId: string, path: string): Promise<number> {
    const [, count] = await manager.query(
      `UPDATE units SET retired_at = NULL, updated_at = now()
        WHERE path LIKE $1 AND retired_at = (SELECT retired_at FROM units WHERE id = $2)`,
      [`${path}%`, unitId],
    );
    return count;
  }

  /** The units with these codes (matched without case, on the lower(code) index), with their parent's code: what an import needs to know. */
  async knownByCode(manager: EntityManager, codes: string[]): Promise<Array<KnownUnit & { id: string }>> {
    if (codes.length === 0) return [];
    const rows: Array<{ id: string; code: string; name: string; level_code: string; parent_code: string | null; retired: boolean }> = await manager.query(
      `SELECT u.id, u.code, u.name, u.level_code, p.code AS parent_code, u.retired_at IS NOT NULL AS retired
         FROM units u LEFT JOIN units p ON p.id = u.parent_id
        WHERE lower(u.code) = ANY($1::text[])`,
      [codes.map(codeKey)],
    );
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, levelCode: r.level_code, parentCode: r.parent_code, retired: r.retired }));
  }
}
