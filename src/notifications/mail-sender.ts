import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { Runtime, RUNTIME } from '../core/core.module';
import { RenderedMail } from './mail-templates';

export interface OutgoingMail extends RenderedMail {
  to: string;
  messageId: string;
}

/** The one place that sends mail: a pooled SMTP transport to SMTP_URL (or the development mailbox). */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    // The URL may carry credentials: it goes to nodemailer only, never to a log (nodemailer's logger stays off).
    // Short timeouts: a send holds its outbox row locked, and a silent server should cost a retry, not minutes.
    this.transport = createTransport({
      url: runtime.smtpUrl,
      pool: true,
      // MAIL_CONCURRENCY: the mails handed to the server at once, one per connection.
      maxConnections: runtime.config.mail.concurrency,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
      logger: false,
    });
    this.from = runtime.config.mailFrom;
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
    });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
