import { AsyncLocalStorage } from 'node:async_hooks';
import { EntitySubscriberInterface, EventSubscriber, TransactionCommitEvent } from 'typeorm';
import { ConflictError } from '../errors/domain-error';

/** The Idempotency-Key a request holds while its handler runs. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  /** Names this run of the key: a run whose lease was taken over by a retry no longer matches. */
  leaseId: string;
  /** Set once the answer is stored or the key released: later transactions are none of this request's business. */
  settled?: boolean;
}

/** Carries the claim from the interceptor into every transaction the handler runs, without services passing it on. */
export const idempotencyScope = new AsyncLocalStorage<IdempotencyClaim>();

/**
 * Marks the key as committed inside each transaction a keyed request commits, so that "the change is saved"
 * and "this key has run" are one fact: a retry can never redo a committed change, even when the answer
 * could not be stored afterwards. If a retry took the key over (this request outlived its lease), the mark
 * finds no row and the commit is refused, so the two runs cannot both save.
 */
@EventSubscriber()
export class IdempotencyCommitMark implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const claim = idempotencyScope.getStore();
    if (!claim || claim.settled) return;
    const marked = await event.queryRunner.query(
      `UPDATE idempotency_keys SET committed_at = COALESCE(committed_at, now()) WHERE user_id = $1 AND key = $2 AND lease_id = $3`,
      [claim.userId, claim.key, claim.leaseId],
      true,
    );
    if (!marked.affected) {
      throw new ConflictError('IDEMPOTENCY_LEASE_LOST', {});
    }
  }
}

/** Whether a change must run in a transaction of its own: the request holds an Idempotency-Key, whose commit mark needs one. */
export function changeNeedsTransaction(): boolean {
  const claim = idempotencyScope.getStore();
  return Boolean(claim && !claim.settled);
}
