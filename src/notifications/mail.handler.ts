import { Inject, Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { MAIL_TOPIC } from '../core/outbox/mail-catalogue';
import { JOB_CATALOGUE, jobShape, OutboxJobData } from './job-catalogue';
import { JobHandler } from './job-workers';
import { MailDeliveryService } from './mail-delivery.service';

/** The mail queue: a few outbox mails per job, within the transport's rate limit. */
@Injectable()
export class MailHandler implements JobHandler {
  readonly queue: string;
  readonly options;

  constructor(
    private readonly delivery: MailDeliveryService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // The limiter counts across every worker process on this Redis: MAIL_RATE_PER_SECOND is the transport's whole budget,
    // which the relay's job shape turns into jobs a second.
    const definition = JOB_CATALOGUE.find((job) => job.topic === MAIL_TOPIC)!;
    const shape = jobShape(definition, config.mail.ratePerSecond);
    this.queue = definition.queue;
    this.options = {
      concurrency: shape.jobsInHand,
      limiter: { max: shape.jobsPerSecond, duration: 1000 },
      // A job taken up again after its worker stalled (a starved or killed process) sends nothing twice: it may stall
      // a few times rather than strand its mails until the lost-job sweep.
      maxStalledCount: 5,
    };
  }

  handle(job: Job<OutboxJobData>): Promise<unknown> {
    return this.delivery.deliver(job.data.outboxIds, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
  }
}
