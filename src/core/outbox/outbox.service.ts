import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SqlPart } from '../database/sql-part';
import { outboxWritten } from './outbox-wake';

export interface OutboxEvent {
  /** Names the event once and for all (e.g. `entries-registered:<entry id>`): the same key is never sent twice. */
  eventKey: string;
  topic: string;
  /** Mail payloads come from the builders of `mail-catalogue.ts`, typed by kind. */
  payload: object;
}

/** Records notifications in the caller's transaction; the notifications relay, woken after the commit, delivers them. */
@Injectable()
export class OutboxService {
  async add(manager: EntityManager, events: OutboxEvent | OutboxEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    const { sql, params } = this.insertion(list);
    await manager.query(sql, params);
    this.written(manager);
  }

  /** To call once an `insertion` part was written through `manager`: the relay is woken after the commit. */
  written(manager: EntityManager): void {
    outboxWritten(manager);
  }

  /**
   * The INSERT of `add`, for a caller that writes its change and its mail in one statement; each event written only
   * `when` (an SQL condition that may test the event's key as `e.event_key`).
   */
  insertion(events: OutboxEvent[], when = 'TRUE'): SqlPart {
    // One statement with three array parameters, whatever the batch size (a bulk import sends thousands).
    return {
      sql: `INSERT INTO outbox (event_key, topic, payload)
       SELECT e.event_key, e.topic, e.payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS e(event_key, topic, payload)
        WHERE ${when}
       ON CONFLICT (event_key) DO NOTHING`,
      params: [events.map((e) => e.eventKey), events.map((e) => e.topic), events.map((e) => JSON.stringify(e.payload))],
    };
  }
}
