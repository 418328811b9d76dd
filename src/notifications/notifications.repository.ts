import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { EntityManager } from 'typeorm';
import { preparedQuery } from '../core/database/prepared-query';
import type { DeliveryView } from './dto/mail-admin.dto';

/** An outbox row the relay claimed; `jobId` is null for rows enqueued before jobs carried several. */
export interface ClaimedRow {
  id: string;
  topic: string;
  requeues: number;
  jobId: string | null;
}

/** An outbox mail row as delivery claims it, with its delivery row. */
export interface OutboxMailRow {
  id: string;
  eventKey: string;
  payload: unknown;
  deliveredAt: Date | null;
  /** Null only while another job's new delivery row for the same mail is not committed. */
  deliveryId: string | null;
  /** The address in lower case, as accounts store theirs. */
  recipient: string;
}

/** A delivery no longer pending. */
export interface SettledDelivery {
  id: string;
  status: 'sent' | 'failed';
  sentAt: Date | null;
}

const DELIVERY_COLUMNS = `id, event_key AS "eventKey", recipient, kind, status, attempts, last_error AS "lastError", sent_at AS "sentAt", updated_at AS "updatedAt"`;

/**
 * The queries of notifications: outbox rows (claimed by the relay, delivered by the mail worker) and their mail
 * deliveries, one per event, recipient and kind. Each runs on the manager given: the caller's transaction, or the
 * pool through `dataSource.manager`.
 */
@Injectable()
export class NotificationsRepository {
  /** One keyset page of deliveries in a status, in id order, on the (status, id) index; `limit` rows at most. */
  deliveries(manager: EntityManager, status: string, after: string | null, limit: number): Promise<DeliveryView[]> {
    return manager.query(
      `SELECT ${DELIVERY_COLUMNS}
         FROM mail_deliveries WHERE status = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [status, after, limit],
    );
  }

  /** The outbox row of a delivery, or null when there is no such delivery. */
  async deliveryOutboxId(manager: EntityManager, deliveryId: string): Promise<string | null> {
    const [found]: Array<{ outbox_id: string }> = await manager.query(`SELECT outbox_id FROM mail_deliveries WHERE id = $1`, [deliveryId]);
    return found?.outbox_id ?? null;
  }

  /** Locks an outbox row until the transaction ends. */
  async lockOutboxRow(manager: EntityManager, outboxId: string): Promise<void> {
    await manager.query(`SELECT id FROM outbox WHERE id = $1 FOR UPDATE`, [outboxId]);
  }

  /** Sets a failed delivery pending again; null when it is not failed. */
  async reopenFailedDelivery(manager: EntityManager, deliveryId: string): Promise<DeliveryView | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [[delivery]]: [DeliveryView[], number] = await manager.query(
      `UPDATE mail_deliveries SET status = 'pending', updated_at = now() WHERE id = $1 AND status = 'failed'
         RETURNING ${DELIVERY_COLUMNS}`,
      [deliveryId],
    );
    return delivery ?? null;
  }

  /** Puts an outbox row back to pending under a new job id (one more requeue), its attempts counted anew. */
  async requeueOutboxRow(manager: EntityManager, outboxId: string): Promise<void> {
    await manager.query(`UPDATE outbox SET enqueued_at = NULL, attempts = 0, requeues = requeues + 1 WHERE id = $1`, [outboxId]);
  }

  /** Claims up to `limit` pending rows of the topics, oldest first, skipping rows other relays hold. */
  claimPending(manager: EntityManager, topics: string[], limit: number): Promise<ClaimedRow[]> {
    return manager.query(`SELECT id, topic, requeues, job_id AS "jobId" FROM outbox WHERE enqueued_at IS NULL AND topic = ANY($1::text[]) ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [
      topics,
      limit,
    ]);
  }

  /** Claims up to `limit` undelivered rows enqueued over `seconds` ago, except those whose mail failed for good. */
  claimLongEnqueued(manager: EntityManager, topics: string[], seconds: number, limit: number): Promise<ClaimedRow[]> {
    return manager.query(
      `SELECT o.id, o.topic, o.requeues, o.job_id AS "jobId" FROM outbox o
          WHERE o.topic = ANY($1::text[]) AND o.delivered_at IS NULL AND o.enqueued_at < now() - make_interval(secs => $2)
            AND NOT EXISTS (SELECT 1 FROM mail_deliveries d WHERE d.outbox_id = o.id AND d.status = 'failed')
          ORDER BY o.enqueued_at LIMIT $3 FOR UPDATE OF o SKIP LOCKED`,
      [topics, seconds, limit],
    );
  }

  /** Marks rows enqueued now, keeping their job ids. */
  async touchEnqueued(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`UPDATE outbox SET enqueued_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Marks rows enqueued now, each with the id of the job that carries it (`jobIds[i]` for `ids[i]`). */
  async markEnqueued(manager: EntityManager, ids: string[], jobIds: string[]): Promise<void> {
    await manager.query(`UPDATE outbox o SET enqueued_at = now(), job_id = j.job_id FROM unnest($1::uuid[], $2::text[]) j(id, job_id) WHERE o.id = j.id`, [ids, jobIds]);
  }

  /**
   * In one statement: the outbox rows and the delivery row of each (one per event, recipient and kind, made when missing).
   * This, `settledDeliveries` and `recordSent` run for every job or every few mails: prepared, so PostgreSQL plans them
   * once per connection.
   */
  claimMailRows(manager: EntityManager, ids: string[]): Promise<OutboxMailRow[]> {
    return preparedQuery(
      manager,
      `WITH o AS (
         SELECT id, event_key, payload, delivered_at,
                CASE WHEN jsonb_typeof(payload->'to') = 'string' THEN lower(payload->>'to') ELSE '' END AS recipient,
                CASE WHEN jsonb_typeof(payload->'kind') = 'string' THEN payload->>'kind' ELSE '' END AS kind
           FROM outbox WHERE id = ANY($1::uuid[])),
       made AS (
         INSERT INTO mail_deliveries (outbox_id, event_key, recipient, kind) SELECT id, event_key, recipient, kind FROM o WHERE delivered_at IS NULL
         ON CONFLICT (event_key, recipient, kind) DO NOTHING
         RETURNING id, event_key, recipient, kind)
       SELECT o.id, o.event_key AS "eventKey", o.payload, o.delivered_at AS "deliveredAt", COALESCE(made.id, d.id) AS "deliveryId", o.recipient
         FROM o
         LEFT JOIN made ON (made.event_key, made.recipient, made.kind) = (o.event_key, o.recipient, o.kind)
         LEFT JOIN mail_deliveries d ON (d.event_key, d.recipient, d.kind) = (o.event_key, o.recipient, o.kind)`,
      [ids],
    );
  }

  /** The deliveries among `ids` no longer pending. */
  settledDeliveries(manager: EntityManager, ids: string[]): Promise<SettledDelivery[]> {
    return preparedQuery(manager, `SELECT id, status, sent_at AS "sentAt" FROM mail_deliveries WHERE id = ANY($1::uuid[]) AND status <> 'pending'`, [ids]);
  }

  /** Marks outbox rows delivered at the time their mail was sent (`sentAt[i]` for `outboxIds[i]`). */
  async markDeliveredAt(manager: EntityManager, outboxIds: string[], sentAt: Array<Date | null | undefined>): Promise<void> {
    await manager.query(`UPDATE outbox o SET delivered_at = s.sent_at FROM unnest($1::uuid[], $2::timestamptz[]) s(id, sent_at) WHERE o.id = s.id`, [outboxIds, sentAt]);
  }

  /** In one statement: the deliveries recorded sent now, and their outbox rows delivered. */
  async recordSent(manager: EntityManager, deliveryIds: string[], outboxIds: string[]): Promise<void> {
    await preparedQuery(
      manager,
      `WITH delivery AS (
         UPDATE mail_deliveries SET status = 'sent', attempts = attempts + 1, last_error = NULL, updated_at = now(), sent_at = now() WHERE id = ANY($1::uuid[]))
       UPDATE outbox SET attempts = attempts + 1, last_error = NULL, delivered_at = now() WHERE id = ANY($2::uuid[])`,
      [deliveryIds, outboxIds],
    );
  }

  /** In one statement: a failed attempt on a delivery and its outbox rows, the delivery left in `status`. */
  async recordFailure(manager: EntityManager, deliveryId: string, status: 'failed' | 'pending', error: string, outboxIds: string[]): Promise<void> {
    await manager.query(
      `WITH delivery AS (
           UPDATE mail_deliveries SET status = $2, attempts = attempts + 1, last_error = $3, updated_at = now() WHERE id = $1)
         UPDATE outbox SET attempts = attempts + 1, last_error = $3 WHERE id = ANY($4::uuid[])`,
      [deliveryId, status, error, outboxIds],
    );
  }

  /** Takes what it can of the deliveries' session advisory locks on `client`, without waiting; answers the ids locked. */
  async tryLockDeliveries(client: ClientBase, ids: string[]): Promise<Set<string>> {
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM unnest($1::uuid[]) id WHERE pg_try_advisory_lock(hashtextextended('mail-delivery:' || id, 0))`, [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** Lets go of the deliveries' session advisory locks held on `client`. */
  async unlockDeliveries(client: ClientBase, ids: string[]): Promise<void> {
    await client.query(`SELECT pg_advisory_unlock(hashtextextended('mail-delivery:' || id, 0)) FROM unnest($1::uuid[]) id`, [ids]);
  }
}
