import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { Runtime, RUNTIME } from '../core/core.module';
import { RenderedMail } from './mail-templates';
import { Admission } from '../core/admission';

export interface OutgoingMail extends RenderedMail {
  to: string;
  messageId: string;
}

/**
 * The one place that sends mail: a pooled SMTP transport to SMTP_URL (or the development mailbox).
 *
 * At most two mails per connection are in the transport at once (one on the wire, one ready to follow it), the
 * others wait here in the order handed over: the jobs in hand hand over hundreds of mails together, and each one
 * queued in the transport at once would hold its MIME tree and encoded parts in memory until a connection frees.
 */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly from: string;
  /** Mails in the transport; the others wait for a connection in the order asked. */
  private readonly inTransport: Admission;

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
    this.inTransport = new Admission(2 * runtime.config.mail.concurrency);
  }

  /** Sends `mail` once a connection is free for it. */
  send(mail: OutgoingMail): Promise<void> {
    return this.inTransport.run(async () => {
      await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
    });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
