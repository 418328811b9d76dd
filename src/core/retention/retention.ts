/** Delivered outbox rows are kept this long (to look up what was sent), then deleted. Undelivered rows are kept. */
export const OUTBOX_RETENTION_DAYS = 30;
/** How long an idempotency key and its answer are kept; after that the key is free again. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

const HOUR = 3600 * 1000;

/** The instants before which rows are deleted: outbox rows delivered before `outbox`, idempotency keys created before `idempotency`. */
export interface RetentionCutoffs {
  outbox: Date;
  idempotency: Date;
}

export function retentionCutoffs(now: Date, policy = { outboxDays: OUTBOX_RETENTION_DAYS, idempotencyHours: IDEMPOTENCY_RETENTION_HOURS }): RetentionCutoffs {
  return {
    outbox: new Date(now.getTime() - policy.outboxDays * 24 * HOUR),
    idempotency: new Date(now.getTime() - policy.idempotencyHours * HOUR),
  };
}
