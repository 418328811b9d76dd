import { Injectable } from '@nestjs/common';
import { ScoringReminders } from '../judging/scoring-reminders';
import { SCHEDULED_JOBS } from './job-catalogue';
import { JobHandler } from './job-workers';

/** The scheduled sweep of scoring reminders: judging decides who is due and writes the mails to the outbox. */
@Injectable()
export class ScoringReminderHandler implements JobHandler {
  readonly queue = SCHEDULED_JOBS.find((job) => job.queue === 'scoring-reminders')!.queue;
  // One sweep at a time per process; the claim in PostgreSQL keeps sweeps of several processes apart.
  readonly options = { concurrency: 1 };

  constructor(private readonly reminders: ScoringReminders) {}

  handle(): Promise<number> {
    return this.reminders.sendDue();
  }
}
