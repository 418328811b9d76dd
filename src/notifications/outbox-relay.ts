import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { REDIS } from '../core/redis';
import { MAIL_ATTEMPTS, MAIL_QUEUE, MAIL_TOPIC, mailJob, MailJobData } from './mail-job';
import { PollingLoop } from './polling-loop';

const BATCH = 200;
const PENDING_INTERVAL_MS = 300;
const LOST_SWEEP_INTERVAL_MS = 60_000;
/** An undelivered row enqueued this long ago whose job is gone from Redis was lost there: enqueue it again. */
const LOST_AFTER_SECONDS = 600;

/**
 * Feeds the mail queue from the outbox, after the writers' transactions committed. Several processes may run it:
 * rows are claimed with SKIP LOCKED and marked enqueued in the same transaction, after the job is in Redis.
 *
 * Jobs are added over the core request connection, which fails fast: when Redis is down a claim ends at once (the
 * rows stay pending for the next run) instead of holding its transaction open until Redis returns.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queue: Queue<MailJobData>;
  private readonly loops: PollingLoop[];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.queue = new Queue<MailJobData>(MAIL_QUEUE, { connection: redis, prefix: config.redisPrefix });
    // Errors of the shared connection are logged by core; the loops below report the relay's own outage.
    this.queue.on('error', () => undefined);
    this.loops = [
      new PollingLoop(async () => (await this.relayPending()) === BATCH, this.reporting('Outbox relay', PENDING_INTERVAL_MS)),
      new PollingLoop(async () => (await this.requeueLost()) === BATCH, this.reporting('Lost mail sweep', LOST_SWEEP_INTERVAL_MS)),
    ];
  }

  onApplicationBootstrap(): void {
    for (const loop of this.loops) loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
    await this.queue.close();
  }

  /** Enqueues one batch of pending mail rows; answers how many rows it claimed. */
  async relayPending(): Promise<number> {
    this.assertRedisReady();
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string }> = await manager.query(
        `SELECT id FROM outbox WHERE enqueued_at IS NULL AND topic = $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [MAIL_TOPIC, BATCH],
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      await this.queue.addBulk(ids.map(mailJob));
      await manager.query(`UPDATE outbox SET enqueued_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
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
      const rows: Array<{ id: string }> = await manager.query(
        `SELECT id FROM outbox
          WHERE topic = $1 AND delivered_at IS NULL AND attempts < $2 AND enqueued_at < now() - make_interval(secs => $3)
          ORDER BY enqueued_at LIMIT $4 FOR UPDATE SKIP LOCKED`,
        [MAIL_TOPIC, MAIL_ATTEMPTS, LOST_AFTER_SECONDS, BATCH],
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      const jobs = await Promise.all(ids.map((id) => this.queue.getJob(id)));
      const lost = ids.filter((_, index) => !jobs[index]);
      if (lost.length) {
        await this.queue.addBulk(lost.map(mailJob));
        this.logger.warn(`Enqueued again ${lost.length} mail(s) whose job Redis no longer had`);
      }
      // Looked at now: the next look at these rows is another LOST_AFTER_SECONDS away.
      await manager.query(`UPDATE outbox SET enqueued_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
      return rows.length;
    });
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
