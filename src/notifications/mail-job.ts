import type { JobsOptions } from 'bullmq';
import { UndeliverableMailError } from './notifications.errors';

export const MAIL_QUEUE = 'mail';
export const MAIL_TOPIC = 'mail';
/** Tries per job; with the backoff below a job keeps retrying for about 21 minutes (10 s, 20 s, … 640 s). */
export const MAIL_ATTEMPTS = 8;
const BACKOFF_DELAY_MS = 10_000;

/** Only the outbox id travels through Redis: addresses and data stay in PostgreSQL. */
export interface MailJobData {
  outboxId: string;
}

export interface MailJob {
  name: 'deliver';
  data: MailJobData;
  opts: JobsOptions;
}

/** The outbox id is the job id, so a second add of the same row while its job is kept in Redis is a no-op. */
export function mailJob(outboxId: string): MailJob {
  return {
    name: 'deliver',
    data: { outboxId },
    opts: {
      jobId: outboxId,
      attempts: MAIL_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      // Failed jobs stay long enough for the lost-job sweep to tell "failed for good" from "lost by Redis".
      removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
    },
  };
}

/** The same Message-ID for every send of one outbox row: a rare re-send after a crash is recognisably the same mail. */
export function messageIdFor(outboxId: string): string {
  return `<${outboxId}@contest.local>`;
}

/** What producers write to the outbox under topic `mail`. */
export interface MailPayload {
  template: string;
  to: string[];
  data: Record<string, unknown>;
}

const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Checks an outbox payload against the mail contract; a bad payload will never become deliverable. */
export function parseMailPayload(payload: unknown): MailPayload {
  const problems: string[] = [];
  const value = (payload ?? {}) as Partial<Record<keyof MailPayload, unknown>>;
  if (typeof value.template !== 'string' || !TEMPLATE_NAME.test(value.template)) {
    problems.push('template must be a name of lowercase letters, digits and dashes');
  }
  const to = value.to;
  if (!Array.isArray(to) || to.length === 0 || !to.every((address) => typeof address === 'string' && /^[^\s@]+@[^\s@]+$/.test(address))) {
    problems.push('to must be a non-empty list of e-mail addresses');
  }
  const data = value.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) problems.push('data must be an object');
  if (problems.length) throw new UndeliverableMailError(`Malformed mail payload: ${problems.join('; ')}`);
  return { template: value.template as string, to: to as string[], data: data as Record<string, unknown> };
}
