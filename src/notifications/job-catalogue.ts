import type { JobsOptions } from 'bullmq';
import { MAIL_TOPIC } from '../core/outbox/mail-catalogue';

/** One kind of job: the outbox topic that feeds it, its queue, and how it retries. */
export interface JobDefinition {
  topic: string;
  queue: string;
  /** Tries per job, the first included. */
  attempts: number;
  /**
   * Outbox rows one job carries at most (1 unless said). Short jobs such as mails go many to a job: each job costs a
   * few Redis round trips and a claim in PostgreSQL whatever it carries.
   */
  rowsPerJob?: number;
}

/**
 * Every job the relay may enqueue (judging and results add theirs here). Only outbox ids travel through Redis:
 * addresses, data and rendered mail stay in PostgreSQL.
 */
export const JOB_CATALOGUE: readonly JobDefinition[] = [
  // With the default 10 s first pause a mail keeps retrying for about 21 minutes (10 s, 20 s, … 640 s). 100 mails a
  // job at full speed, two in hand: against 50 and four, half the claims, lock statements and Redis round trips for
  // the same mails in hand, 7-13% less worker CPU a mail in the mail bench.
  { topic: MAIL_TOPIC, queue: 'mail', attempts: 8, rowsPerJob: 100 },
];

/**
 * A job no outbox row feeds: BullMQ's job scheduler adds one every `everyMs`, however many workers run, and its
 * handler claims its work in PostgreSQL (so a tick handled twice does no harm).
 */
export interface ScheduledJobDefinition {
  queue: string;
  everyMs: number;
  attempts: number;
}

export const SCHEDULED_JOBS: readonly ScheduledJobDefinition[] = [
  // Judges with unconfirmed sheets are reminded before a panel's scoring window closes: a minute late at worst.
  { queue: 'scoring-reminders', everyMs: 60_000, attempts: 1 },
];

export interface OutboxJobData {
  outboxIds: string[];
}

export interface QueuedJob {
  name: string;
  data: OutboxJobData;
  opts: JobsOptions;
}

/**
 * The id of a job's first outbox row is the job id, so a second add of the same rows while the job is kept in Redis
 * is a no-op. A row an administrator requeued gets a new id per requeue (BullMQ ignores an id it still keeps, even failed).
 */
export function jobIdFor(outboxId: string, requeues: number): string {
  return requeues === 0 ? outboxId : `${outboxId}-r${requeues}`;
}

/** Jobs a second the limiter lets through, so that a budget of rows a second is kept in every case. */
const JOBS_PER_SECOND = 10;
/**
 * Rows a worker holds at once at full speed: the next job's mails fill the connections while the last mails of the
 * one before are still going out. Between two and four jobs: small jobs (a low budget) keep four in hand, so that
 * the connections have the next jobs' mails while one job is claimed or recorded.
 */
const ROWS_IN_HAND = 200;
const JOBS_IN_HAND = { least: 2, most: 4 };

/**
 * How rows of a definition travel under a budget of `ratePerSecond` rows a second (counted by the queue's limiter,
 * which counts jobs): at most a tenth of a second's budget per job and ten jobs a second, so a lone row waits at
 * most a tenth of a second for its turn and a full job never exceeds the budget; and how many jobs a worker holds at once.
 */
export function jobShape(definition: JobDefinition, ratePerSecond: number): { rowsPerJob: number; jobsPerSecond: number; jobsInHand: number } {
  const rowsPerJob = Math.max(1, Math.min(definition.rowsPerJob ?? 1, Math.floor(ratePerSecond / JOBS_PER_SECOND)));
  return {
    rowsPerJob,
    jobsPerSecond: Math.max(1, Math.floor(ratePerSecond / rowsPerJob)),
    jobsInHand: Math.min(JOBS_IN_HAND.most, Math.max(JOBS_IN_HAND.least, Math.ceil(ROWS_IN_HAND / rowsPerJob))),
  };
}

/** The jobs that carry `rows`, in order, at most `rowsPerJob` rows each. */
export function outboxJobs(definition: JobDefinition, rows: Array<{ id: string; requeues: number }>, retryDelayMs: number, rowsPerJob = definition.rowsPerJob ?? 1): QueuedJob[] {
  const size = rowsPerJob;
  const jobs: QueuedJob[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const carried = rows.slice(start, start + size);
    jobs.push({
      name: definition.topic,
      data: { outboxIds: carried.map((row) => row.id) },
      opts: {
        jobId: jobIdFor(carried[0].id, carried[0].requeues),
        attempts: definition.attempts,
        backoff: { type: 'exponential', delay: retryDelayMs },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        // Failed jobs stay long enough for the lost-job sweep to tell "failed for good" from "lost by Redis".
        removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
      },
    });
  }
  return jobs;
}

/**
 * Problems that must stop start-up: a topic fed to two queues, or a queue without exactly one handler in this
 * process (a job nobody consumes waits forever; two consumers of one queue would each take half of it silently).
 */
export function catalogueProblems(catalogue: readonly JobDefinition[], handlerQueues: readonly string[], scheduled: readonly ScheduledJobDefinition[] = []): string[] {
  const problems: string[] = [];
  const topics = new Map<string, number>();
  for (const job of catalogue) topics.set(job.topic, (topics.get(job.topic) ?? 0) + 1);
  for (const [topic, count] of topics) if (count > 1) problems.push(`topic "${topic}" is fed to ${count} queues`);
  for (const job of scheduled) if (catalogue.some((fed) => fed.queue === job.queue)) problems.push(`queue "${job.queue}" is both scheduled and fed by the outbox`);
  const known = new Set([...catalogue, ...scheduled].map((job) => job.queue));
  for (const queue of known) {
    const count = handlerQueues.filter((handler) => handler === queue).length;
    if (count !== 1) problems.push(`queue "${queue}" has ${count} handlers, needs exactly one`);
  }
  for (const queue of new Set(handlerQueues)) if (!known.has(queue)) problems.push(`a handler consumes queue "${queue}", which no catalogue job feeds`);
  return problems;
}

export function assertJobCatalogue(catalogue: readonly JobDefinition[], handlerQueues: readonly string[], scheduled: readonly ScheduledJobDefinition[] = []): void {
  const problems = catalogueProblems(catalogue, handlerQueues, scheduled);
  if (problems.length) throw new Error(`Job catalogue does not hold: ${problems.join('; ')}`);
}
