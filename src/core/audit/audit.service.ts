import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { accessCondition, Permission } from '../access/policy';
import { SqlPart } from '../database/sql-part';
import { Page, pageOf, PageQuery } from '../http/paging';
import { AuditRecord } from './audit.entity';

export interface AuditChange {
  action: string;
  entityType: string;
  entityId: string;
  unitPath: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter extends PageQuery {
  entityType?: string;
  entityId?: string;
  action?: string;
}

/** An audit row as the trail shows it: who acted by name and e-mail, not only by id. */
export type AuditView = Omit<AuditRecord, 'unitPath'> & { actorEmail: string | null; actorName: string | null };

/** Writes audit rows, always inside the transaction of the change they record, and reads them back by scope. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The audit trail of the organiser's units, newest first. */
  async list(actor: Actor, filter: AuditFilter): Promise<Page<AuditView>> {
    const [scope, params] = accessCondition(actor.grants, Permission.AuditRead, { path: 'a.unit_path' });
    // The account behind each row is joined here rather than copied into the row, so a renamed user reads the same everywhere.
    const qb = this.db
      .getRepository(AuditRecord)
      .createQueryBuilder('a')
      .leftJoin('users', 'who', 'who.id = a.actor_id')
      .addSelect('who.email', 'actor_email')
      .addSelect('who.full_name', 'actor_name')
      .where(scope, params);
    if (filter.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    const paged = qb
      .orderBy('a.id', 'DESC')
      .offset((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize);
    const [{ entities, raw }, total] = await Promise.all([paged.getRawAndEntities(), qb.getCount()]);
    const rows = entities.map(({ unitPath: _unitPath, ...row }, i) => ({ ...row, actorEmail: raw[i].actor_email ?? null, actorName: raw[i].actor_name ?? null }));
    return pageOf(rows, total, filter);
  }

  async record(manager: EntityManager, actor: Actor | null, changes: AuditChange | AuditChange[]): Promise<void> {
    const list = Array.isArray(changes) ? changes : [changes];
    if (list.length === 0) return;
    const { sql, params } = this.insertion(actor, list);
    await manager.query(sql, params);
  }

  /**
   * The INSERT of `record`, for a caller that writes its change and its audit rows in one statement (SqlPart);
   * `when` is an SQL condition over that statement each row is written under (it may test the row's entity as
   * `c.entity_id`). `actor` acts every change, or with an array, `actor[i]` acts `changes[i]` (requests gathered
   * into one statement).
   */
  insertion(actor: Actor | null | Array<Actor | null>, changes: AuditChange[], when = 'TRUE'): SqlPart {
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    const actorOf = Array.isArray(actor) ? (i: number) => actor[i] : () => actor;
    // One statement whatever the batch size: an import of thousands of rows audits each change cheaply.
    return {
      sql: `INSERT INTO audit_log (actor_id, unit_path, action, entity_type, entity_id, before, after)
       SELECT c.actor_id, c.unit_path, c.action, c.entity_type, c.entity_id, c.before::jsonb, c.after::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS c(actor_id, unit_path, action, entity_type, entity_id, before, after)
        WHERE ${when}`,
      params: [
        changes.map((_, i) => actorOf(i)?.userId ?? null),
        changes.map((c) => c.unitPath),
        changes.map((c) => c.action),
        changes.map((c) => c.entityType),
        changes.map((c) => c.entityId),
        changes.map((c) => json(c.before)),
        changes.map((c) => json(c.after)),
      ],
    };
  }

  /**
   * The INSERT of audit rows whose actor, place, entity, before and after only the enclosing statement knows (it
   * read and wrote the rows itself, perhaps for several actors at once): `rows` is a query over that statement's
   * CTEs yielding `actor_id` (uuid), `unit_path`, `entity_id` (text), `before` and `after` (jsonb), one row per
   * change; it holds no placeholder.
   */
  insertionOf(change: Pick<AuditChange, 'action' | 'entityType'>, rows: string): SqlPart {
    return {
      sql: `INSERT INTO audit_log (actor_id, unit_path, action, entity_type, entity_id, before, after)
       SELECT r.actor_id, r.unit_path, $1, $2, r.entity_id, r.before, r.after FROM (${rows}) AS r`,
      params: [change.action, change.entityType],
    };
  }

  /** For events that change nothing and so have no transaction of their own (a failed login, a refused call). */
  recordAlone(actor: Actor | null, change: AuditChange): Promise<void> {
    return this.record(this.db.manager, actor, change);
  }
}
