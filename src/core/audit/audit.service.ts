import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { underScopes } from '../auth/scope-sql';
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

export type AuditView = Omit<AuditRecord, 'unitPath'>;

/** Writes audit rows, always inside the transaction of the change they record, and reads them back by scope. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The audit trail of the organiser's units, newest first. */
  async list(actor: Actor, filter: AuditFilter): Promise<Page<AuditView>> {
    const [scope, params] = underScopes('a.unit_path', actor.scopes('organiser'));
    const qb = this.db.getRepository(AuditRecord).createQueryBuilder('a').where(scope, params);
    if (filter.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    const [rows, total] = await qb
      .orderBy('a.id', 'DESC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
    return pageOf(rows.map(({ unitPath: _unitPath, ...row }) => row), total, filter);
  }

  async record(manager: EntityManager, actor: Actor | null, changes: AuditChange | AuditChange[]): Promise<void> {
    const list = Array.isArray(changes) ? changes : [changes];
    if (list.length === 0) return;
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    // One statement whatever the batch size: an import of thousands of rows audits each change cheaply.
    await manager.query(
      `INSERT INTO audit_log (actor_id, unit_path, action, entity_type, entity_id, before, after)
       SELECT $1::uuid, c.unit_path, c.action, c.entity_type, c.entity_id, c.before::jsonb, c.after::jsonb
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS c(unit_path, action, entity_type, entity_id, before, after)`,
      [
        actor?.userId ?? null,
        list.map((c) => c.unitPath),
        list.map((c) => c.action),
        list.map((c) => c.entityType),
        list.map((c) => c.entityId),
        list.map((c) => json(c.before)),
        list.map((c) => json(c.after)),
      ],
    );
  }

  /** For events that change nothing and so have no transaction of their own (a failed login, a refused call). */
  recordAlone(actor: Actor | null, change: AuditChange): Promise<void> {
    return this.record(this.db.manager, actor, change);
  }
}
