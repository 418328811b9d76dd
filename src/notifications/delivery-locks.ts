import { Client } from 'pg';
import { NotificationsRepository } from './notifications.repository';

/**
 * Session advisory locks on deliveries, held on one connection of this process while their mails are handed to
 * SMTP: two workers given the same mail (a stalled job run again, a re-enqueued one) never send it side by side,
 * and a process that dies lets go of its locks with its connection, at once. Holding a row lock instead would
 * hold a pooled connection and an open transaction per mail in flight.
 */
export class DeliveryLocks {
  private connecting: Promise<Client> | null = null;
  /** Deliveries this process is sending: a session lock is re-entrant, so it cannot tell two of our own jobs apart. */
  private readonly held = new Set<string>();
  /** One statement at a time on the connection, in the order asked. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connect: () => Client,
    private readonly repository: NotificationsRepository,
  ) {}

  /** Opens the connection ahead of the first mail, which would otherwise wait for it; a failure is tried again by the first lock. */
  open(): void {
    this.connection().catch(() => undefined);
  }

  /** Locks what it can of `ids` without waiting; answers the ids now held by the caller. */
  async tryLock(ids: string[]): Promise<Set<string>> {
    const free = [...new Set(ids)].filter((id) => !this.held.has(id));
    for (const id of free) this.held.add(id);
    try {
      const locked = await this.onConnection((client) => this.repository.tryLockDeliveries(client, free));
      for (const id of free) if (!locked.has(id)) this.held.delete(id);
      return locked;
    } catch (error) {
      for (const id of free) this.held.delete(id);
      throw error;
    }
  }

  async unlock(ids: string[]): Promise<void> {
    try {
      await this.onConnection((client) => this.repository.unlockDeliveries(client, ids));
    } finally {
      // When the connection is gone the server already let go of its locks.
      for (const id of ids) this.held.delete(id);
    }
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = null;
    if (connecting) await (await connecting.catch(() => null))?.end().catch(() => undefined);
  }

  private onConnection<R>(statement: (client: Client) => Promise<R>): Promise<R> {
    const result = this.last.then(async () => statement(await this.connection()));
    this.last = result.catch(() => undefined);
    return result;
  }

  private connection(): Promise<Client> {
    if (!this.connecting) {
      const client = this.connect();
      const forget = () => {
        if (this.connecting === attempt) this.connecting = null;
      };
      // A lost connection lost its locks too: the next batch opens a new one.
      client.on('error', forget);
      client.on('end', forget);
      const attempt: Promise<Client> = client.connect().then(
        () => client,
        (error: unknown) => {
          forget();
          throw error;
        },
      );
      this.connecting = attempt;
    }
    return this.connecting;
  }
}
