import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { ForbiddenError, NotFoundError } from '../errors/domain-error';
import type { Thing } from '../errors/problem-codes';
import { AccessTarget, accessCondition, Condition, mayCall, oneRangeOf, Permission, reaches } from './policy';

/**
 * How a domain's objects are found for an id check: the table (with its alias), the id column and the unit
 * path column. Each domain declares its own next to its repository, so core names no domain's table.
 */
export interface AccessObject {
  /** What a refusal calls it: "Entry not found". */
  name: Thing;
  /** `entries e`, or a join such as `contests c JOIN units u ON u.id = c.unit_id`. */
  from: string;
  id: string;
  path: string;
}

/**
 * The one place services ask who may touch what: an SQL condition for their queries, or a check of a set of
 * ids. Both come from the policy table; a service never reads grants or unit paths itself.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The condition keeping rows the actor may act on; `target` is the unit path column (or the columns kinds read). */
  condition(actor: Actor, permission: Permission, target: string | AccessTarget, prefix?: string): Condition {
    return accessCondition(actor.grants, permission, typeof target === 'string' ? { path: target } : target, prefix);
  }

  /** The path prefix of the one range of a unit path index that the rows `condition` keeps lie in, if they do (see oneRangeOf). */
  oneRange(actor: Actor, permission: Permission): string | null {
    return oneRangeOf(actor.grants, permission);
  }

  /** Whether the actor may act under `permission` on an object of the unit at `path` (a row already read whole). */
  reaches(actor: Actor, permission: Permission, path: string): boolean {
    return reaches(actor.grants, permission, path);
  }

  /** For actions on no object in particular (shaping the unit tree): the route check, repeated where the work is done. */
  assert(actor: Actor, permission: Permission): void {
    if (!mayCall(actor.grants, permission)) throw new ForbiddenError();
  }

  /** The ids among `ids` that exist and that the actor may act on. */
  async check(actor: Actor, permission: Permission, object: AccessObject, ids: readonly string[], manager: EntityManager = this.db.manager): Promise<Set<string>> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return new Set();
    const [scope, params] = this.condition(actor, permission, object.path);
    if (scope === 'FALSE') return new Set();
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(`SELECT ${object.id}::text AS id FROM ${object.from} WHERE ${object.id} IN (:...accessIds) AND ${scope}`, {
      ...params,
      accessIds: wanted,
    });
    const rows: Array<{ id: string }> = await manager.query(sql, values);
    return new Set(rows.map((r) => r.id));
  }

  /** Every id, or a 404 naming the object: missing and out of reach look alike. */
  async require(actor: Actor, permission: Permission, object: AccessObject, ids: readonly string[], manager?: EntityManager): Promise<void> {
    const allowed = await this.check(actor, permission, object, ids, manager);
    if (ids.some((id) => !allowed.has(id))) throw new NotFoundError(object.name);
  }
}
