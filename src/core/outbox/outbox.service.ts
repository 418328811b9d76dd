import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox.entity';

export interface OutboxEvent {
  /** Names the event once and for all (e.g. `entry-registered:<entry id>`): the same key is never sent twice. */
  eventKey: string;
  topic: string;
  payload: Record<string, unknown>;
}

/** Records notifications in the caller's transaction; the notifications relay delivers them after commit. */
@Injectable()
export class OutboxService {
  async add(manager: EntityManager, events: OutboxEvent | OutboxEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    await manager.createQueryBuilder().insert().into(OutboxMessage).values(list as Array<Partial<OutboxMessage>> as object[]).orIgnore().execute();
  }
}
