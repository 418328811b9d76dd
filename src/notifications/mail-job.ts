import { MAIL_KINDS, MailPayload } from '../core/outbox/mail-catalogue';
import { UndeliverableMailError } from './notifications.errors';

/** The same Message-ID for every send of one outbox row: a rare re-send after a crash is recognisably the same mail. */
export function messageIdFor(outboxId: string): string {
  return `<${outboxId}@contest.local>`;
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** Checks an outbox payload against the catalogue's contract; a bad payload will never become deliverable. */
export function parseMailPayload(payload: unknown): MailPayload {
  const problems: string[] = [];
  const value = (payload ?? {}) as Partial<Record<keyof MailPayload, unknown>>;
  if (typeof value.kind !== 'string' || !(MAIL_KINDS as readonly string[]).includes(value.kind)) problems.push(`kind must be one of ${MAIL_KINDS.join(', ')}`);
  if (typeof value.to !== 'string' || !ADDRESS.test(value.to)) problems.push('to must be an e-mail address');
  const data = value.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) problems.push('data must be an object');
  if (problems.length) throw new UndeliverableMailError(`Malformed mail payload: ${problems.join('; ')}`);
  return value as MailPayload;
}

/** Tells an SMTP failure worth retrying (4xx, the connection) from one no retry will fix (5xx, a refused address). */
export function smtpFailureKind(error: unknown): 'transient' | 'permanent' {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 500 ? 'permanent' : 'transient';
  // No reply code: nodemailer refused the envelope itself (no valid recipient address).
  if (code === 'EENVELOPE') return 'permanent';
  return 'transient';
}
