import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../src/core/infrastructure/free-port';
import { eventually } from './eventually';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server in the test process; tests wait on what arrives, never sleep. */
export class TestMailbox {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  url = '';

  async start(): Promise<this> {
    const port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
            this.messages.push({
              from: mail.from?.text ?? '',
              to: to.map((a) => a.address ?? ''),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${port}`;
    return this;
  }

  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    return eventually(() => `a matching mail; received: ${this.messages.map((m) => m.subject).join(' | ') || 'nothing'}`, () => this.messages.find(predicate), timeoutMs);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
