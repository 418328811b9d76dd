import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

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
    // One statement with three array parameters, whatever the batch size (a bulk import sends thousands).
    await manager.query(
      `INSERT INTO outbox (event_key, topic, payload)
       SELECT e.event_key, e.topic, e.payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS e(event_key, topic, payload)
       ON CONFLICT (event_key) DO NOTHING`,
      [list.map((e) => e.eventKey), list.map((e) => e.topic), list.map((e) => JSON.stringify(e.payload))],
    );
  }

}
