import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import type IORedis from 'ioredis';
import { REDIS } from '../core/redis';
import { MailDeliveryService } from './mail-delivery.service';
import { MAIL_QUEUE, MailJobData } from './mail-job';
import { throttled } from './polling-loop';

/** Consumes the mail queue; registered only in processes that run workers. */
@Processor(MAIL_QUEUE, { concurrency: 5 })
export class MailProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(MailProcessor.name);
  private readonly warnOnce = throttled((message) => this.logger.warn(message));

  constructor(
    private readonly delivery: MailDeliveryService,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    super();
  }

  process(job: Job<MailJobData>): Promise<unknown> {
    return this.delivery.deliver(job.data.outboxId);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<MailJobData> | undefined, error: Error): void {
    if (!job) return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn(`Mail ${job.id} failed (attempt ${job.attemptsMade}${final ? ', giving up' : ', will retry'}): ${error.message}`);
  }

  /** Without a listener BullMQ prints every reconnect attempt while Redis is down. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.warnOnce(`Mail worker: ${error.message}`);
  }

  /**
   * Finishes the jobs in hand while the database is still open (it closes in the shutdown phase after this one).
   * While Redis is down a graceful close would wait for it forever, and jobs in hand could not complete anyway:
   * then the worker closes at once and its jobs run again elsewhere (a row already delivered is not sent again).
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close(this.redis.status !== 'ready');
  }
}
