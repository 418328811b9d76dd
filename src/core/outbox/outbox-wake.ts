import { DataSource, EntityManager, EntitySubscriberInterface, EventSubscriber, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** The channel the relay listens on for committed outbox rows (src/notifications/outbox-wakeups.ts). */
export const OUTBOX_CHANNEL = 'outbox_pending';

/** Set on a transaction's query runner once it has written outbox rows: the relay is woken when it commits. */
const WRITTEN = 'outboxWritten';

interface WakeState {
  sending: boolean;
  again: boolean;
}

const wakes = new WeakMap<DataSource, WakeState>();

/**
 * Tells the relay, after the commit, that outbox rows are waiting. The NOTIFY is its own statement rather than part
 * of the writing transaction: a transaction that notifies holds PostgreSQL's cluster-wide notify lock through its
 * commit and WAL flush, so every registration (each one queues a mail) would commit one after another, a disk flush
 * apiece. One NOTIFY is on its way at a time per process; the wakes asked for meanwhile send one more after it, so
 * every commit is followed by a NOTIFY sent after it. Best effort: a lost wake-up waits for the relay's next poll.
 */
export function wakeOutboxRelay(db: DataSource): void {
  let state = wakes.get(db);
  if (!state) wakes.set(db, (state = { sending: false, again: false }));
  if (state.sending) {
    state.again = true;
    return;
  }
  state.sending = true;
  const send = async (wake: WakeState): Promise<void> => {
    do {
      wake.again = false;
      await db.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]).catch(() => undefined);
    } while (wake.again && db.isInitialized);
    wake.sending = false;
  };
  void send(state);
}

/** After outbox rows were written through `manager`: wakes the relay now (the statement committed) or once the transaction commits. */
export function outboxWritten(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) runner.data = { ...runner.data, [WRITTEN]: true };
  else wakeOutboxRelay(manager.dataSource);
}

/** Wakes the relay when a transaction that wrote outbox rows has committed (its outermost commit, not a savepoint's). */
@EventSubscriber()
export class OutboxCommitWake implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive || !runner.data?.[WRITTEN]) return;
    runner.data[WRITTEN] = false;
    wakeOutboxRelay(event.queryRunner.dataSource);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive && event.queryRunner.data) event.queryRunner.data[WRITTEN] = false;
  }
}
