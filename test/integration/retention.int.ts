import { randomUUID } from 'node:crypto';
import { retentionCutoffs } from '../../src/core/retention/retention';
import { RetentionRepository } from '../../src/core/retention/retention.repository';
import { createTestDatabase, TestDatabase } from '../support/test-db';

describe('retention of delivered mail and expired idempotency keys (integration)', () => {
  let db: TestDatabase;
  const now = new Date('2026-12-02T10:00:00.000Z');
  const cutoffs = retentionCutoffs(now);
  const before = (at: Date, ms: number) => new Date(at.getTime() - ms);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  async function mail(key: string, createdAt: Date, deliveredAt: Date | null): Promise<void> {
    await db.source.query(`INSERT INTO outbox (event_key, topic, payload, created_at, enqueued_at, delivered_at) VALUES ($1, 'mail', '{}', $2, $2, $3)`, [key, createdAt, deliveredAt]);
  }

  async function idempotencyKey(key: string, createdAt: Date): Promise<void> {
    await db.source.query(`INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, 'h', $3)`, [randomUUID(), key, createdAt]);
  }

  const remaining = async (sql: string) => (await db.source.query(sql)).map((row: { key: string }) => row.key);

  it('deletes only delivered mail older than the cutoff and keys created before theirs, never what sits on the cutoff', async () => {
    const old = before(cutoffs.outbox, 24 * 3600 * 1000);
    await mail('delivered-before', old, before(cutoffs.outbox, 1));
    await mail('delivered-at-cutoff', old, cutoffs.outbox);
    await mail('delivered-recently', old, before(now, 1000));
    await mail('never-delivered', old, null);
    await idempotencyKey('created-before', before(cutoffs.idempotency, 1));
    await idempotencyKey('created-at-cutoff', cutoffs.idempotency);

    expect(await new RetentionRepository(db.source).deleteExpired(cutoffs, 100)).toEqual({ outbox: 1, idempotencyKeys: 1 });

    expect(await remaining(`SELECT event_key AS key FROM outbox ORDER BY event_key`)).toEqual(['delivered-at-cutoff', 'delivered-recently', 'never-delivered']);
    expect(await remaining(`SELECT key FROM idempotency_keys ORDER BY key`)).toEqual(['created-at-cutoff']);
  });

  it('deletes at most one batch per run, oldest first', async () => {
    for (let i = 0; i < 5; i += 1) await mail(`batch-${i}`, before(cutoffs.outbox, 1e9), before(cutoffs.outbox, (5 - i) * 1000));
    expect((await new RetentionRepository(db.source).deleteExpired(cutoffs, 3)).outbox).toBe(3);
    expect(await remaining(`SELECT event_key AS key FROM outbox WHERE event_key LIKE 'batch-%' ORDER BY event_key`)).toEqual(['batch-3', 'batch-4']);
  });
});
