import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccountReader } from '../accounts/account-reader';
import { Runtime, RUNTIME } from '../core/core.module';
import { MailLanguage } from '../core/outbox/mail-catalogue';
import { Coalescer } from './coalescer';
import { DeliveryLocks } from './delivery-locks';
import { messageIdFor, parseMailPayload, smtpFailureKind } from './mail-job';
import { MailSender, OutgoingMail } from './mail-sender';
import { MailTemplates } from './mail-templates';
import { MailContext, mailView, renderEverySample } from './mail-views';
import { UndeliverableMailError } from './notifications.errors';
import { NotificationsRepository, OutboxMailRow } from './notifications.repository';

export type DeliveryOutcome = 'sent' | 'already-delivered' | 'missing' | 'failed-before';

const MAX_ERROR_LENGTH = 2000;
/**
 * How long a mail accepted by the server waits for others to be recorded sent with it (longer only while the
 * statement before is still running): at full speed each statement carries the mails of 5 ms instead of the one or
 * two a round trip brings, and the window of a duplicate after a crash grows by as much.
 */
const SENT_RECORD_GATHER_MS = 5;

interface Request {
  outboxId: string;
  lastAttempt: boolean;
  resolve(outcome: DeliveryOutcome): void;
  reject(error: unknown): void;
}

/** One mail to send: a delivery row and the outbox rows (usually one) whose jobs wait for it. */
interface Send {
  deliveryId: string;
  row: OutboxMailRow;
  outboxIds: string[];
  requests: Request[];
}

type Composed = { mail: OutgoingMail } | { error: unknown };

/** A job for a mail another job (here or in another process) is sending right now: retried later, when it is sent. */
class BeingSentError extends Error {
  constructor(deliveryId: string) {
    super(`Delivery ${deliveryId} is being sent by another job`);
  }
}

/**
 * Delivers outbox mail: at most once per (event, recipient, kind), as far as SMTP allows.
 *
 * Jobs arriving together are claimed together (their outbox rows read, delivery rows made and locked in a handful of
 * statements), their mails go out at once through the pooled transport, and each mail is recorded sent within
 * SENT_RECORD_GATHER_MS of the server's acceptance, in one statement with the other mails accepted meanwhile. The one
 * window in which a crash (the process killed, the database gone) sends a mail twice is that pause and the record's
 * round trip after the acceptance.
 * Transient failures (4xx, connection) are rethrown for the queue to retry with backoff until `lastAttempt`;
 * permanent ones (5xx, a refused address, a mail no template can render) mark the delivery failed at once.
 */
@Injectable()
export class MailDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailDeliveryService.name);
  private readonly locks: DeliveryLocks;
  private readonly sentRecords: Coalescer<Send>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
    private readonly templates: MailTemplates,
    private readonly sender: MailSender,
    private readonly accounts: AccountReader,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    this.locks = new DeliveryLocks(
      () => new Client({ connectionString: runtime.databaseUrl, application_name: 'contest-mail-locks', connectionTimeoutMillis: runtime.config.timeouts.databaseConnectMs }),
      repository,
    );
    this.sentRecords = new Coalescer((sends) => this.recordSent(sends), SENT_RECORD_GATHER_MS);
  }

  /**
   * Delivers the mails of one job, all at once. Answers each row's outcome when every one was sent (or had been);
   * otherwise throws for the queue: an UnrecoverableError when every failure is permanent, else a transient one, so
   * that the job is tried again (rows sent meanwhile are then found sent and skipped).
   */
  async deliver(outboxIds: string[], lastAttempt: boolean): Promise<DeliveryOutcome[]> {
    const requests = outboxIds.map((outboxId) => {
      const request = { outboxId, lastAttempt } as Request;
      const outcome = new Promise<DeliveryOutcome>((resolve, reject) => Object.assign(request, { resolve, reject }));
      return { request, outcome };
    });
    await this.deliverAll(requests.map((r) => r.request)).catch((error: unknown) => {
      for (const { request } of requests) request.reject(error);
    });
    const settled = await Promise.allSettled(requests.map((r) => r.outcome));
    const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length === 0) return settled.map((result) => (result as PromiseFulfilledResult<DeliveryOutcome>).value);
    throw failures.find((error) => !(error instanceof UnrecoverableError)) ?? failures[0];
  }

  /**
   * Every template is compiled and run once before the first job: a worker's first mails wait for no compilation
   * (about 0.1 ms a mail over the mail bench's first thousand), and a template that cannot render stops start-up
   * instead of failing its mails.
   */
  onApplicationBootstrap(): void {
    this.locks.open();
    renderEverySample(this.templates, this.mailContext());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.locks.close();
  }

  private async deliverAll(requests: Request[]): Promise<void> {
    const rows = await this.repository.claimMailRows(this.dataSource.manager, [...new Set(requests.map((r) => r.outboxId))]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const sends = new Map<string, Send>();
    for (const request of requests) {
      const row = byId.get(request.outboxId);
      if (!row) {
        this.logger.warn(`Outbox row ${request.outboxId} no longer exists; nothing to send`);
        request.resolve('missing');
      } else if (row.deliveredAt) {
        // Rows delivered before delivery records existed have none.
        request.resolve('already-delivered');
      } else if (!row.deliveryId) {
        // Another job made its delivery row at the same moment and has not committed yet.
        request.reject(new BeingSentError(row.id));
      } else {
        const send = sends.get(row.deliveryId) ?? { deliveryId: row.deliveryId, row, outboxIds: [], requests: [] };
        if (!send.outboxIds.includes(row.id)) send.outboxIds.push(row.id);
        send.requests.push(request);
        sends.set(row.deliveryId, send);
      }
    }
    if (sends.size === 0) return;
    // The recipients' languages are read while the locks are taken: no round trip of their own.
    const [locked, languages] = await Promise.all([
      this.locks.tryLock([...sends.keys()]),
      this.accounts.languages(
        this.dataSource.manager,
        [...sends.values()].map((send) => send.row.recipient),
      ),
    ]);
    for (const [deliveryId, send] of sends) {
      if (!locked.has(deliveryId)) for (const request of send.requests) request.reject(new BeingSentError(deliveryId));
    }
    const mine = [...sends.values()].filter((send) => locked.has(send.deliveryId));
    if (mine.length === 0) return;
    try {
      // Read once the locks are held: a mail sent by whoever held them before is seen sent.
      const settled = await this.repository.settledDeliveries(
        this.dataSource.manager,
        mine.map((s) => s.deliveryId),
      );
      const sent = new Map(settled.filter((d) => d.status === 'sent').map((d) => [d.id, d.sentAt]));
      // Failed for good in an earlier try of this job (another mail of it was retried): only an administrator's requeue sends it again.
      const failed = new Set(settled.filter((d) => d.status === 'failed').map((d) => d.id));
      for (const send of mine.filter((s) => failed.has(s.deliveryId))) this.settle(send, 'failed-before');
      const alreadySent = mine.filter((send) => sent.has(send.deliveryId));
      if (alreadySent.length > 0) {
        await this.repository.markDeliveredAt(
          this.dataSource.manager,
          alreadySent.flatMap((send) => send.outboxIds),
          alreadySent.flatMap((send) => send.outboxIds.map(() => sent.get(send.deliveryId))),
        );
        for (const send of alreadySent) this.settle(send, 'already-delivered');
      }
      const unsent = mine.filter((send) => !sent.has(send.deliveryId) && !failed.has(send.deliveryId));
      // Rendered in one go before the first goes out rather than each as a connection frees: 8% less worker CPU a
      // mail in the mail bench. What waits meanwhile is a few kilobytes of text a mail; MIME trees are still built
      // one per transport slot (see MailSender).
      const composed = unsent.map((send) => this.compose(send, languages.get(send.row.recipient) ?? 'vi'));
      await Promise.all(unsent.map((send, i) => this.send(send, composed[i])));
    } finally {
      await this.locks.unlock(mine.map((send) => send.deliveryId)).catch(() => undefined);
    }
  }

  /**
   * The mail of `send` in `language` (the recipient's own setting when the address belongs to an account, else
   * Vietnamese), or why it cannot be written: that mail fails alone.
   */
  private compose(send: Send, language: MailLanguage): Composed {
    try {
      const mail = parseMailPayload(send.row.payload);
      const content = this.templates.render(mail.kind, language, mailView(mail, this.mailContext()));
      return { mail: { ...content, to: mail.to, messageId: messageIdFor(send.row.id) } };
    } catch (error) {
      return { error };
    }
  }

  private async send(send: Send, composed: Composed): Promise<void> {
    try {
      if ('error' in composed) throw composed.error;
      await this.sender.send(composed.mail);
    } catch (error) {
      await this.recordFailure(send, error);
      return;
    }
    try {
      await this.sentRecords.add(send);
    } catch (error) {
      // Accepted but not recorded: the job runs again and sends it again, with the same Message-ID.
      for (const request of send.requests) request.reject(error);
      return;
    }
    this.settle(send, 'sent');
  }

  private mailContext(): MailContext {
    return { publicUrl: this.runtime.config.publicUrl, secret: this.runtime.config.jwtSecret };
  }

  private settle(send: Send, outcome: DeliveryOutcome): void {
    for (const request of send.requests) request.resolve(outcome);
  }

  private async recordSent(sends: Send[]): Promise<void> {
    await this.repository.recordSent(
      this.dataSource.manager,
      sends.map((s) => s.deliveryId),
      sends.flatMap((s) => s.outboxIds),
    );
  }

  private async recordFailure(send: Send, error: unknown): Promise<void> {
    const permanent = error instanceof UndeliverableMailError || smtpFailureKind(error) === 'permanent';
    const status = permanent || send.requests.some((r) => r.lastAttempt) ? 'failed' : 'pending';
    try {
      await this.repository.recordFailure(this.dataSource.manager, send.deliveryId, status, describe(error), send.outboxIds);
    } catch (recordError) {
      for (const request of send.requests) request.reject(recordError);
      return;
    }
    const thrown = permanent ? new UnrecoverableError((error as Error).message ?? String(error)) : error;
    for (const request of send.requests) request.reject(thrown);
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, MAX_ERROR_LENGTH);
}
