import { DynamicModule, Module, Provider } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { DevMailbox } from './dev-mailbox';
import { devMailboxController } from './dev-mailbox.controller';
import { devMailboxAccess } from './dev-mailbox-access';
import { JOB_HANDLERS, JobHandler, JobWorkers } from './job-workers';
import { MailAdminController } from './mail-admin.controller';
import { MailAdminService } from './mail-admin.service';
import { MailDeliveryService } from './mail-delivery.service';
import { MailSender } from './mail-sender';
import { MailTemplates } from './mail-templates';
import { MailHandler } from './mail.handler';
import { NotificationsRepository } from './notifications.repository';
import { OutboxRelay } from './outbox-relay';
import { RetentionSweep } from './retention-sweep';
import { AccountsModule } from '../accounts/accounts.module';
import { JudgingModule } from '../judging/judging.module';
import { ScoringReminderHandler } from './scoring-reminder.handler';

export interface NotificationsOptions {
  /** The process serves HTTP. */
  api: boolean;
  /** The process runs the outbox relay and the mail worker. */
  workers: boolean;
  /**
   * Serve the development mailbox (`GET /dev/mailbox`): only when mail goes to it, i.e. no SMTP_URL is configured.
   * Defaults to `api`; the app passes `api && !config.smtpUrl`.
   */
  devMailbox?: boolean;
  /** The address the API listens on (HOST): the mailbox answers without a login on a loopback one only. */
  host: string;
}

/** Outbox relay, job catalogue and workers, mail templates and delivery, mail administration, retention of delivered mail and expired idempotency keys, and the development mailbox. No other domain imports this one. */
@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationsOptions): DynamicModule {
    const devMailbox = options.devMailbox ?? options.api;
    // The repository serves both the API's mail administration and the workers.
    const providers: Provider[] = [NotificationsRepository, { provide: MailTemplates, useFactory: () => new MailTemplates() }];
    if (options.api) providers.push(MailAdminService);
    if (devMailbox) {
      // The same directory the process that started the mailbox (maybe another one) writes to.
      providers.push({ provide: DevMailbox, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new DevMailbox(join(config.dataDir, 'mailbox')) });
    }
    if (options.workers) {
      providers.push(MailSender, MailDeliveryService, MailHandler, ScoringReminderHandler, OutboxRelay, RetentionSweep, JobWorkers, {
        // Every handler of the job catalogue; JobWorkers refuses to start unless each queue has exactly one.
        provide: JOB_HANDLERS,
        inject: [MailHandler, ScoringReminderHandler],
        useFactory: (...handlers: JobHandler[]) => handlers,
      });
    }
    return {
      module: NotificationsModule,
      // The reminder sweep's handler runs judging's use case; judging itself knows nothing of queues. Delivery reads
      // recipients' languages through accounts' reader.
      imports: options.workers ? [JudgingModule, AccountsModule] : [],
      controllers: [...(options.api ? [MailAdminController] : []), ...(devMailbox ? [devMailboxController(devMailboxAccess(options.host))] : [])],
      providers,
    };
  }
}
