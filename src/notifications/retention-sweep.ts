import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { retentionCutoffs } from '../core/retention/retention';
import { RetentionRepository } from '../core/retention/retention.repository';
import { PollingLoop } from './polling-loop';

const BATCH = 1000;
const INTERVAL_MS = 3600_000;

/** Runs with the workers: once at start, then hourly (at once again while a batch came back full), deletes expired rows. */
@Injectable()
export class RetentionSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionSweep.name);
  private readonly repository: RetentionRepository;
  private readonly loop: PollingLoop;

  constructor(@InjectDataSource() db: DataSource) {
    this.repository = new RetentionRepository(db);
    this.loop = new PollingLoop(
      async () => {
        const deleted = await this.repository.deleteExpired(retentionCutoffs(new Date()), BATCH);
        return deleted.outbox === BATCH || deleted.idempotencyKeys === BATCH;
      },
      {
        intervalMs: INTERVAL_MS,
        onOutage: (error) => this.logger.error(`Retention sweep paused, will keep retrying: ${(error as Error).message ?? error}`),
        onRecovery: () => this.logger.log('Retention sweep running again'),
      },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }
}
