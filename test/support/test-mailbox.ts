import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
}

/** A real SMTP server in the test process; tests wait on what arrives, never sleep. */
export class TestMailbox {
  readonly messages: ReceivedMail[] = [];
  /** Messages the server refused, one per refused DATA. */
  refused = 0;
  private refusal: { code: number; message: string } | null = null;
  private holding = false;
  private held: Array<() => void> = [];
  private server?: SMTPServer;
  /** Connection errors the server reported; a client that dies mid-transfer (ECONNRESET) is expected, not a failure. */
  readonly connectionErrors: Error[] = [];
  url = '';

  /** From now on answers every message with this SMTP reply (e.g. 451 for a while, 550 for good), or accepts again (null). */
  refuse(code: number | null, message = code && code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Try again later'): void {
    this.refusal = code === null ? null : { code, message };
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        if (this.refusal) {
          const { code, message } = this.refusal;
          this.refused += 1;
          stream.on('end', () => callback(Object.assign(new Error(message), { responseCode: code })));
          stream.resume();
          return;
        }
        // mailparser loads with the first mail: files that send none do not pay for it.
        import('mailparser')
          .then(({ simpleParser }) => simpleParser(stream))
          .then((mail) => {
            if (this.holding) {
              this.held.push(() => callback(Object.assign(new Error('Not accepted'), { responseCode: 451 })));
              return;
            }
            const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
            this.messages.push({
              from: mail.from?.text ?? '',
              to: to.map((a) => a.address ?? ''),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              headers: mail.headers,
            });
            callback();
          })
          .catch(callback);
      },
    });
    // Without a listener the server re-throws a connection's error, and a client killed mid-send would fail the test file.
    this.server.on('error', (error) => this.connectionErrors.push(error));
    // Port 0: the system picks a free port as it binds, so two test files can never race for the same one.
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.server.address() as AddressInfo;
    this.url = `smtp://127.0.0.1:${port}`;
    return this;
  }

  /** Keeps every message that arrives from now on unanswered: the client waits for the server's acceptance. */
  hold(): void {
    this.holding = true;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Answers the held messages with a refusal (their sender is gone, say) and accepts new ones again. */
  dropHeld(): void {
    this.holding = false;
    for (const refuse of this.held.splice(0)) refuse();
  }

  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    return eventually(
      () => `a matching mail; received: ${this.messages.map((m) => m.subject).join(' | ') || 'nothing'}`,
      () => this.messages.find(predicate),
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
