import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { Runtime, RUNTIME } from '../core/core.module';
import { REDIS } from '../core/redis';
import { JOB_CATALOGUE, JobDefinition, jobIdFor, jobShape, outboxJobs, OutboxJobData } from './job-catalogue';
import { ClaimedRow, NotificationsRepository } from './notifications.repository';
import { OutboxWakeups } from './outbox-wakeups';
import { PollingLoop } from './polling-loop';

const BATCH = 200;
const PENDING_INTERVAL_MS = 300;
const LOST_SWEEP_INTERVAL_MS = 60_000;
/** An undelivered row enqueued this long ago whose job is gone from Redis was lost there: enqueue it again. */
const LOST_AFTER_SECONDS = 600;

/**
 * Feeds each catalogue queue from the outbox rows of its topic, after the writers' transactions committed. Several processes may run it:
 * rows are claimed with SKIP LOCKED and marked enqueued in the same transaction, after the job is in Redis.
 *
 * Jobs are added over the core request connection, which fails fast: when Redis is down a claim ends at once (the
 * rows stay pending for the next run) instead of holding its transaction open until Redis returns.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queues = new Map<string, { definition: JobDefinition; queue: Queue<OutboxJobData> }>();
  private readonly topics = JOB_CATALOGUE.map((job) => job.topic);
  private readonly loops: PollingLoop[];
  private readonly wakeups: OutboxWakeups;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    const pending = new PollingLoop(() => this.resettingOnFailure(async () => (await this.relayPending()) === BATCH), this.reporting('Outbox relay', PENDING_INTERVAL_MS));
    this.loops = [pending, new PollingLoop(() => this.resettingOnFailure(async () => (await this.requeueLost()) === BATCH), this.reporting('Lost job sweep', LOST_SWEEP_INTERVAL_MS))];
    this.wakeups = new OutboxWakeups(
      () => new Client({ connectionString: runtime.databaseUrl, application_name: 'contest-outbox-wakeups', connectionTimeoutMillis: config.timeouts.databaseConnectMs }),
      () => pending.wake(),
    );
  }

  onApplicationBootstrap(): void {
    for (const loop of this.loops) loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.wakeups.close();
    await Promise.all(this.loops.map((loop) => loop.stop()));
    await this.closeQueues();
  }

  /**
   * A BullMQ queue keeps the failure of its first command (its Redis version check, which times out on the
   * fail-fast connection when boot or an outage delays it) and fails every later call with it: after a failed run
   * the queues are dropped and made again.
   */
  private async resettingOnFailure(run: () => Promise<boolean>): Promise<boolean> {
    try {
      return await run();
    } catch (error) {
      await this.closeQueues();
      throw error;
    }
  }

  private queueFor(topic: string): { definition: JobDefinition; queue: Queue<OutboxJobData> } {
    let entry = this.queues.get(topic);
    if (!entry) {
      const definition = JOB_CATALOGUE.find((job) => job.topic === topic)!;
      const queue = new Queue<OutboxJobData>(definition.queue, { connection: this.redis, prefix: this.config.redisPrefix });
      // Errors of the shared connection are logged by core; the loops report the relay's own outage.
      queue.on('error', () => undefined);
      entry = { definition, queue };
      this.queues.set(topic, entry);
    }
    return entry;
  }

  private async closeQueues(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    // The shared connection stays open: closing a queue over it only lets go of it.
    await Promise.all(queues.map(({ queue }) => queue.close().catch(() => undefined)));
  }

  /** Enqueues one batch of pending mail rows; answers how many rows it claimed. */
  async relayPending(): Promise<number> {
    // (Re)opened here rather than at start: a poll that follows a lost connection listens again.
    this.wakeups.listen();
    this.assertRedisReady();
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.repository.claimPending(manager, this.topics, BATCH);
      if (rows.length === 0) return 0;
      await this.enqueue(manager, rows);
      return rows.length;
    });
  }

  /**
   * Looks at undelivered rows enqueued long ago and enqueues again those whose job Redis no longer has (Redis
   * restarted without persistence, or was flushed). Jobs still waiting, retrying or failed for good are left alone;
   * rows that used up their attempts are not retried. Answers how many rows it looked at.
   */
  async requeueLost(): Promise<number> {
    this.assertRedisReady();
    return this.dataSource.transaction(async (manager) => {
      // A mail that failed for good waits for an administrator's requeue, whether or not Redis still keeps its job.
      const rows = await this.repository.claimLongEnqueued(manager, this.topics, LOST_AFTER_SECONDS, BATCH);
      if (rows.length === 0) return 0;
      // Rows enqueued before jobs carried several have no job id recorded: theirs was their own.
      for (const row of rows) row.jobId ??= jobIdFor(row.id, row.requeues);
      const jobKeys = [...new Set(rows.map((row) => `${row.topic}\n${row.jobId}`))];
      const kept = await Promise.all(
        jobKeys.map(async (key) => {
          const [topic, jobId] = key.split('\n');
          return (await this.queueFor(topic).queue.getJob(jobId)) ? key : null;
        }),
      );
      const lost = rows.filter((row) => !kept.includes(`${row.topic}\n${row.jobId}`));
      if (lost.length) {
        await this.enqueue(manager, lost);
        this.logger.warn(`Enqueued again ${lost.length} row(s) whose job Redis no longer had`);
      }
      // Looked at now: the next look at these rows is another LOST_AFTER_SECONDS away.
      await this.repository.touchEnqueued(
        manager,
        rows.filter((row) => !lost.includes(row)).map((row) => row.id),
      );
      return rows.length;
    });
  }

  /** Adds the rows' jobs, then marks each row enqueued with the id of the job that carries it. */
  private async enqueue(manager: EntityManager, rows: ClaimedRow[]): Promise<void> {
    const ids: string[] = [];
    const jobIds: string[] = [];
    for (const topic of new Set(rows.map((row) => row.topic))) {
      const { definition, queue } = this.queueFor(topic);
      const jobs = outboxJobs(
        definition,
        rows.filter((row) => row.topic === topic),
        this.config.mail.retryDelayMs,
        jobShape(definition, this.config.mail.ratePerSecond).rowsPerJob,
      );
      await queue.addBulk(jobs);
      for (const job of jobs) {
        ids.push(...job.data.outboxIds);
        jobIds.push(...job.data.outboxIds.map(() => job.opts.jobId!));
      }
    }
    await this.repository.markEnqueued(manager, ids, jobIds);
  }

  private assertRedisReady(): void {
    if (this.redis.status !== 'ready') throw new Error(`Redis is not reachable (connection ${this.redis.status})`);
  }

  private reporting(name: string, intervalMs: number) {
    return {
      intervalMs,
      onOutage: (error: unknown) => this.logger.error(`${name} paused, will keep retrying: ${(error as Error).message ?? error}`),
      onRecovery: () => this.logger.log(`${name} running again`),
    };
  }
}
