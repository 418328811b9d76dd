import { Injectable } from '@nestjs/common';
import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Condition } from '../core/access/policy';
import type { PageQuery } from '../core/http/paging';
import { Contest } from './contest.entity';
import type { ContestKind } from './edition.types';

/**
 * Joins, as alias `u`, the unit whose path the scope conditions read (its id in `unitIdColumn`): `units.path` is the
 * one unit column contests reads in SQL (README, "Project layout"); every other comes from UnitReader.
 */
export function withUnitPath<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, unitIdColumn: string): SelectQueryBuilder<T> {
  return qb.innerJoin('units', 'u', `u.id = ${unitIdColumn}`);
}

/**
 * A path is one uuid per level (`/<id>/…/<id>/`), so its length orders units by depth: the highest units first,
 * read off the path alone.
 */
const HIGHEST_UNITS_FIRST = 'length(u.path)';

/** Reads contests in scope: where a contest's unit lies decides who sees it. */
@Injectable()
export class ContestRepository {
  /** A page of the contests `scope` (a condition on `u.path`, the contest's unit) keeps: the highest units first, then by name. */
  page(manager: EntityManager, [scope, params]: Condition, kind: ContestKind | undefined, page: PageQuery): Promise<[Contest[], number]> {
    const qb = withUnitPath(manager.createQueryBuilder(Contest, 'c'), 'c.unit_id').where(scope, params);
    if (kind) qb.andWhere('c.kind = :kind', { kind });
    return qb
      .orderBy(HIGHEST_UNITS_FIRST)
      .addOrderBy('c.name')
      .addOrderBy('c.id')
      .offset((page.page - 1) * page.pageSize)
      .limit(page.pageSize)
      .getManyAndCount();
  }

  /** The contest if `scope` (a condition on `u.path`) keeps it; null when it is missing or out of scope alike. */
  inScope(manager: EntityManager, contestId: string, [scope, params]: Condition): Promise<Contest | null> {
    return withUnitPath(manager.createQueryBuilder(Contest, 'c'), 'c.unit_id').where('c.id = :contestId', { contestId }).andWhere(scope, params).getOne();
  }
}
