import { retentionCutoffs } from './retention';

describe('retention cutoffs', () => {
  const now = new Date('2026-12-02T10:00:00.000Z');

  it('keeps delivered mail 30 days and idempotency keys 24 hours by default', () => {
    expect(retentionCutoffs(now)).toEqual({ outbox: new Date('2026-11-02T10:00:00.000Z'), idempotency: new Date('2026-12-01T10:00:00.000Z') });
  });

  it('follows the policy it is given', () => {
    expect(retentionCutoffs(now, { outboxDays: 1, idempotencyHours: 1 })).toEqual({ outbox: new Date('2026-12-01T10:00:00.000Z'), idempotency: new Date('2026-12-02T09:00:00.000Z') });
  });
});
