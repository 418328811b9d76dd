import { Client } from 'pg';
import { OUTBOX_CHANNEL } from '../../src/core/outbox/outbox-wake';
import { OutboxService } from '../../src/core/outbox/outbox.service';
import { createTestDatabase, TestDatabase } from '../support/test-db';

/** Mail written to the outbox wakes the relay (a NOTIFY on its channel) once the change has committed, never before and never for a rollback. */
describe('outbox wake-up after commit (integration)', () => {
  let db: TestDatabase;
  let listener: Client;
  let heard: number;
  const outbox = new OutboxService();
  const event = (key: string) => ({ eventKey: `wake-test:${key}`, topic: 'mail', payload: { kind: 'test' } });
  /** Whether a NOTIFY arrives within a second (the listener's round trip flushes any already sent). */
  const wokenSince = async (before: number) => {
    for (let i = 0; i < 20 && heard === before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await listener.query('SELECT 1');
    return heard > before;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === OUTBOX_CHANNEL) heard += 1;
    });
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await db.drop();
  });

  beforeEach(() => {
    heard = 0;
  });

  it('wakes the relay once the transaction that wrote mail has committed, not while it is open', async () => {
    let duringTransaction = true;
    await db.source.transaction(async (manager) => {
      await outbox.add(manager, event('committed'));
      duringTransaction = await wokenSince(0);
    });
    expect(duringTransaction).toBe(false);
    expect(await wokenSince(0)).toBe(true);
    const [row] = await db.source.query(`SELECT count(*)::int AS n FROM outbox WHERE event_key = 'wake-test:committed'`);
    expect(row.n).toBe(1);
  });

  it('wakes the relay after a statement written outside a transaction', async () => {
    await outbox.add(db.source.manager, event('alone'));
    expect(await wokenSince(0)).toBe(true);
  });

  it('does not wake the relay for mail rolled back with its change', async () => {
    await expect(
      db.source.transaction(async (manager) => {
        await outbox.add(manager, event('rolled-back'));
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await wokenSince(0)).toBe(false);
  });
});
