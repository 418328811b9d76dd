import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Queue, UnrecoverableError, Worker, WorkerOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { Runtime, RUNTIME } from '../core/core.module';
import { queueConnection, REDIS } from '../core/redis';
import { assertJobCatalogue, JOB_CATALOGUE, OutboxJobData, SCHEDULED_JOBS } from './job-catalogue';
import { throttled } from './polling-loop';

/** Consumes one queue of the job catalogue. */
export interface JobHandler {
  readonly queue: string;
  /** Worker options of this queue beyond the connection (concurrency, rate limit). */
  readonly options: Partial<WorkerOptions>;
  handle(job: Job<OutboxJobData>): Promise<unknown>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/**
 * One BullMQ worker per catalogue queue, in processes that run workers. Start-up fails unless every queue of the
 * catalogue has exactly one handler.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly warnOnce = throttled((message) => this.logger.warn(message));
  private readonly workers: Worker[] = [];
  private readonly schedulers: Queue[] = [];

  constructor(
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    assertJobCatalogue(
      JOB_CATALOGUE,
      handlers.map((handler) => handler.queue),
      SCHEDULED_JOBS,
    );
  }

  onApplicationBootstrap(): void {
    for (const handler of this.handlers) {
      const worker = new Worker<OutboxJobData>(handler.queue, (job) => handler.handle(job), {
        lockDuration: this.runtime.config.mail.jobLockMs,
        stalledInterval: this.runtime.config.mail.jobLockMs,
        ...handler.options,
        // Its own connection, which waits out a Redis outage instead of failing jobs.
        connection: queueConnection(this.runtime.redisUrl),
        prefix: this.runtime.config.redisPrefix,
      });
      worker.on('failed', (job, error) => {
        if (!job) return;
        const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
        this.logger.warn(`Job ${handler.queue}/${job.id} failed (attempt ${job.attemptsMade}${final ? ', giving up' : ', will retry'}): ${error.message}`);
      });
      // Without a listener BullMQ prints every reconnect attempt while Redis is down.
      worker.on('error', (error) => this.warnOnce(`Worker ${handler.queue}: ${error.message}`));
      this.workers.push(worker);
    }
    for (const job of SCHEDULED_JOBS) {
      // Every worker process upserts the same scheduler: one job per tick whatever their number. Over a connection
      // that waits out a Redis outage, so a start without Redis schedules once it returns.
      const queue = new Queue(job.queue, { connection: queueConnection(this.runtime.redisUrl), prefix: this.runtime.config.redisPrefix });
      queue.on('error', (error) => this.warnOnce(`Scheduler ${job.queue}: ${error.message}`));
      queue
        .upsertJobScheduler(job.queue, { every: job.everyMs }, { name: job.queue, opts: { attempts: job.attempts, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } })
        .catch((error: Error) => this.logger.warn(`Could not schedule ${job.queue}: ${error.message}`));
      this.schedulers.push(queue);
    }
  }

  /**
   * SIGTERM: finishes the jobs in hand while the database is still open (it closes in the shutdown phase after this
   * one), taking no new ones. While Redis is down a graceful close would wait for it forever, and jobs in hand could
   * not complete anyway: then the workers close at once and their jobs run again elsewhere (a sent mail is not sent again).
   */
  async onModuleDestroy(): Promise<void> {
    const force = this.redis.status !== 'ready';
    await Promise.all(this.workers.map((worker) => worker.close(force)));
    await Promise.all(this.schedulers.map((queue) => queue.close().catch(() => undefined)));
  }
}
