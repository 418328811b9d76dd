import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { DevMailbox } from './dev-mailbox';
import { devMailboxController } from './dev-mailbox.controller';
import { devMailboxAccess } from './dev-mailbox-access';
import { MailDeliveryService } from './mail-delivery.service';
import { MailSender } from './mail-sender';
import { MailTemplates } from './mail-templates';
import { MailProcessor } from './mail.processor';
import { OutboxRelay } from './outbox-relay';

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

/** Outbox relay, mail queue and worker, templates, and the development mailbox. No other domain imports this one. */
@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationsOptions): DynamicModule {
    const devMailbox = options.devMailbox ?? options.api;
    const providers: Provider[] = [];
    if (devMailbox) {
      // The same directory the process that started the mailbox (maybe another one) writes to.
      providers.push({ provide: DevMailbox, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new DevMailbox(join(config.dataDir, 'mailbox')) });
    }
    if (options.workers) {
      providers.push({ provide: MailTemplates, useFactory: () => new MailTemplates() }, MailSender, MailDeliveryService, MailProcessor, OutboxRelay);
    }
    return {
      module: NotificationsModule,
      // BullMQ's worker discovery, and no Nest-managed queue: the worker takes BullModule.forRoot's connection (it
      // waits out Redis outages), the relay produces over core's fail-fast one.
      imports: options.workers ? [BullModule.registerQueue()] : [],
      controllers: devMailbox ? [devMailboxController(devMailboxAccess(options.host))] : [],
      providers,
    };
  }
}
