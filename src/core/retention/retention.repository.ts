import { DataSource } from 'typeorm';
import { RetentionCutoffs } from './retention';

/**
 * Deletes what has outlived its use, a bounded batch per statement so a long backlog never holds locks for long:
 * outbox rows delivered before the cutoff (strictly before: a row delivered at the cutoff stays), and idempotency
 * keys created before theirs. Rows another transaction holds are skipped and taken next time.
 */
export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  async deleteExpired(cutoffs: RetentionCutoffs, batch: number): Promise<{ outbox: number; idempotencyKeys: number }> {
    const [, outbox] = await this.db.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < $1 ORDER BY delivered_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoffs.outbox, batch],
    );
    const [, idempotencyKeys] = await this.db.query(
      `DELETE FROM idempotency_keys WHERE (user_id, key) IN (
         SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoffs.idempotency, batch],
    );
    return { outbox, idempotencyKeys };
  }
}
