import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxMessage } from '../core/outbox/outbox.entity';
import { messageIdFor, parseMailPayload } from './mail-job';
import { MailSender } from './mail-sender';
import { MailTemplates } from './mail-templates';
import { UndeliverableMailError } from './notifications.errors';

export type DeliveryOutcome = 'sent' | 'already-delivered' | 'missing';

const MAX_ERROR_LENGTH = 2000;

/** Delivers one outbox mail: at most once per row, as far as SMTP allows. */
@Injectable()
export class MailDeliveryService {
  private readonly logger = new Logger(MailDeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: MailTemplates,
    private readonly sender: MailSender,
  ) {}

  /**
   * Holds the row lock while sending, so two workers handed the same row (a stalled job, a re-enqueued one) send
   * it once: the second waits, then finds it delivered. Failures are recorded on the row and then rethrown for the
   * queue to retry, except undeliverable mail, which fails the job for good.
   */
  async deliver(outboxId: string): Promise<DeliveryOutcome> {
    const result = await this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(OutboxMessage, { where: { id: outboxId }, lock: { mode: 'pessimistic_write' } });
      if (!row) return { outcome: 'missing' as const };
      if (row.deliveredAt) return { outcome: 'already-delivered' as const };
      try {
        const mail = parseMailPayload(row.payload);
        const content = this.templates.render(mail.template, mail.data);
        await this.sender.send({ ...content, to: mail.to, messageId: messageIdFor(row.id) });
      } catch (error) {
        await this.record(manager, row.id, { lastError: describe(error) });
        return { outcome: 'failed' as const, error };
      }
      await this.record(manager, row.id, { deliveredAt: () => 'now()', lastError: null });
      return { outcome: 'sent' as const };
    });
    if (result.outcome === 'missing') this.logger.warn(`Outbox row ${outboxId} no longer exists; nothing to send`);
    if (result.outcome !== 'failed') return result.outcome;
    if (result.error instanceof UndeliverableMailError) throw new UnrecoverableError(result.error.message);
    throw result.error;
  }

  private async record(manager: EntityManager, id: string, changes: { deliveredAt?: () => string; lastError: string | null }): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ ...changes, attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .execute();
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, MAX_ERROR_LENGTH);
}
