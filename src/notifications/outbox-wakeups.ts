import { Client } from 'pg';
import { OUTBOX_CHANNEL } from '../core/outbox/outbox-wake';

/**
 * Listens on a connection of its own for the NOTIFY sent once a transaction that wrote outbox rows has committed
 * (src/core/outbox/outbox-wake.ts), so the relay takes up new mail at once instead of at its next poll. The poll stays: while this connection is down
 * (it is opened again by the next `listen()`), mail waits at most one poll interval, as before.
 */
export class OutboxWakeups {
  private client: Client | null = null;
  private opening: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly connect: () => Client,
    private readonly onWake: () => void,
  ) {}

  /** Starts listening unless already listening (or about to); a failure is tried again by the next call. */
  listen(): void {
    if (this.client || this.opening || this.closed) return;
    const client = this.connect();
    const drop = () => {
      if (this.client === client) this.client = null;
    };
    client.on('notification', () => this.onWake());
    client.on('error', drop);
    client.on('end', drop);
    this.opening = (async () => {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.closed) throw new Error('closed');
      this.client = client;
    })()
      .catch(() => client.end().catch(() => undefined))
      .finally(() => (this.opening = null));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
