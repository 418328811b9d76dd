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
import { renderSample } from './mail-views';
import { NotificationsRepository } from './notifications.repository';

/** What administrators do with mail: preview templates, read failed deliveries, send one again. */
@Injectable()
export class MailAdminService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: NotificationsRepository,
    private readonly templates: MailTemplates,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  preview(_actor: Actor, kind: string, language: MailLanguage): MailPreview {
    if (!(MAIL_KINDS as readonly string[]).includes(kind)) throw new DomainError('NOT_FOUND', 'MAIL_TEMPLATE_NOT_FOUND', { kind });
    return renderSample(this.templates, kind as MailKind, language, { publicUrl: this.config.publicUrl, secret: this.config.jwtSecret });
  }

  /** Keyset pages in id order, on the (status, id) index. */
  async list(_actor: Actor, query: DeliveryListQuery): Promise<DeliveryPage> {
    const rows = await this.repository.deliveries(this.db.manager, query.status, query.after ?? null, query.limit + 1);
    const items = rows.slice(0, query.limit);
    return { items, next: rows.length > query.limit ? items[items.length - 1].id : null };
  }

  /**
   * Sends a failed mail again: its outbox row goes back to pending under a new job id, so the relay enqueues it
   * whether or not Redis still keeps the failed job (and whether or not Redis is up right now).
   */
  async requeue(actor: Actor, deliveryId: string): Promise<DeliveryView> {
    return this.db.transaction(async (manager) => {
      const outboxId = await this.repository.deliveryOutboxId(manager, deliveryId);
      if (!outboxId) throw new NotFoundError('Delivery');
      // The outbox row first, in the order a worker locks them.
      await this.repository.lockOutboxRow(manager, outboxId);
      const delivery = await this.repository.reopenFailedDelivery(manager, deliveryId);
      if (!delivery) throw new RuleViolationError('ONLY_FAILED_REQUEUED', {}, [problem('id', 'DELIVERY_NOT_FAILED', {})]);
      await this.repository.requeueOutboxRow(manager, outboxId);
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
