import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { DomainError, NotFoundError, problem, RuleViolationError } from '../core/errors/domain-error';
import { MAIL_KINDS, MailKind, MailLanguage } from '../core/outbox/mail-catalogue';
import { DeliveryListQuery, DeliveryPage, DeliveryView, MailPreview } from './dto/mail-admin.dto';
import { MailTemplates } from './mail-templates';
import { MAIL_SAMPLES, mailView } from './mail-views';

/** What administrators do with mail: preview templates, read failed deliveries, send one again. */
@Injectable()
export class MailAdminService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly templates: MailTemplates,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  preview(_actor: Actor, kind: string, language: MailLanguage): MailPreview {
    if (!(MAIL_KINDS as readonly string[]).includes(kind)) throw new DomainError('NOT_FOUND', 'MAIL_TEMPLATE_NOT_FOUND', { kind });
    const sample = { kind: kind as MailKind, to: 'preview@example.vn', data: MAIL_SAMPLES[kind as MailKind] };
    return this.templates.render(kind, language, mailView(sample, { publicUrl: this.config.publicUrl, secret: this.config.jwtSecret }));
  }

  /** Keyset pages in id order, on the (status, id) index. */
  async list(_actor: Actor, query: DeliveryListQuery): Promise<DeliveryPage> {
    const rows: DeliveryView[] = await this.db.query(
      `SELECT id, event_key AS "eventKey", recipient, kind, status, attempts, last_error AS "lastError", sent_at AS "sentAt", updated_at AS "updatedAt"
         FROM mail_deliveries WHERE status = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [query.status, query.after ?? null, query.limit + 1],
    );
    const items = rows.slice(0, query.limit);
    return { items, next: rows.length > query.limit ? items[items.length - 1].id : null };
  }

  /**
   * Sends a failed mail again: its outbox row goes back to pending under a new job id, so the relay enqueues it
   * whether or not Redis still keeps the failed job (and whether or not Redis is up right now).
   */
  async requeue(actor: Actor, deliveryId: string): Promise<DeliveryView> {
    return this.db.transaction(async (manager) => {
      const [found]: Array<{ outbox_id: string }> = await manager.query(`SELECT outbox_id FROM mail_deliveries WHERE id = $1`, [deliveryId]);
      if (!found) throw new NotFoundError('Delivery');
      // The outbox row first, in the order a worker locks them.
      await manager.query(`SELECT id FROM outbox WHERE id = $1 FOR UPDATE`, [found.outbox_id]);
      // TypeORM answers an UPDATE … RETURNING with [rows, affected].
      const [[delivery]]: [DeliveryView[], number] = await manager.query(
        `UPDATE mail_deliveries SET status = 'pending', updated_at = now() WHERE id = $1 AND status = 'failed'
         RETURNING id, event_key AS "eventKey", recipient, kind, status, attempts, last_error AS "lastError", sent_at AS "sentAt", updated_at AS "updatedAt"`,
        [deliveryId],
      );
      if (!delivery) throw new RuleViolationError('ONLY_FAILED_REQUEUED', {}, [problem('id', 'DELIVERY_NOT_FAILED', {})]);
      await manager.query(`UPDATE outbox SET enqueued_at = NULL, attempts = 0, requeues = requeues + 1 WHERE id = $1`, [found.outbox_id]);
      await this.audit.record(manager, actor, {
        action: 'mail.requeue',
        entityType: 'mail-delivery',
        entityId: deliveryId,
        unitPath: '/',
        after: { recipient: delivery.recipient, kind: delivery.kind },
      });
      return delivery;
    });
  }
}
