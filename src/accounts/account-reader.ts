import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitReader } from '../units/unit-reader';

export interface Person {
  id: string;
  email: string;
  fullName: string;
}

/** The read side of accounts for the domains above it, exported by AccountsModule: they never query `users` or `role_grants`. */
@Injectable()
export class AccountReader {
  constructor(private readonly units: UnitReader) {}

  async people(manager: EntityManager, userIds: string[]): Promise<Map<string, Person>> {
    if (userIds.length === 0) return new Map();
    const rows: Array<{ id: string; email: string; full_name: string }> = await manager.query('SELECT id, email, full_name FROM users WHERE id = ANY ($1::uuid[])', [[...new Set(userIds)]]);
    return new Map(rows.map((r) => [r.id, { id: r.id, email: r.email, fullName: r.full_name }]));
  }

  /**
   * The mail language of each address that belongs to an account (addresses as stored: lower case); addresses
   * without an account are absent.
   */
  async languages(manager: EntityManager, emails: string[]): Promise<Map<string, 'vi' | 'en'>> {
    if (emails.length === 0) return new Map();
    const rows: Array<{ email: string; language: 'vi' | 'en' }> = await manager.query('SELECT email, language FROM users WHERE email = ANY ($1::text[])', [[...new Set(emails)]]);
    return new Map(rows.map((r) => [r.email, r.language]));
  }

  /** Of these accounts, the active ones holding some grant at or under `unitPath` (on a unit still in use), by id. */
  async activeUnderMany(manager: EntityManager, userIds: readonly string[], unitPath: string): Promise<Map<string, Person>> {
    if (userIds.length === 0) return new Map();
    // An account holds a handful of grants: their units are read through the unit tree's reader and matched here.
    const rows: Array<{ id: string; email: string; full_name: string; unit_ids: string[] }> = await manager.query(
      `SELECT u.id, u.email, u.full_name, array_agg(g.unit_id::text) AS unit_ids
         FROM users u JOIN role_grants g ON g.user_id = u.id
        WHERE u.id = ANY ($1::uuid[]) AND u.active
        GROUP BY u.id`,
      [[...new Set(userIds)]],
    );
    const units = await this.units.withRetirement(
      rows.flatMap((r) => r.unit_ids),
      manager,
    );
    const holdsUnder = (unitIds: string[]) => unitIds.some((id) => units.has(id) && !units.get(id)!.retired && units.get(id)!.path.startsWith(unitPath));
    return new Map(rows.filter((r) => holdsUnder(r.unit_ids)).map((r) => [r.id, { id: r.id, email: r.email, fullName: r.full_name }]));
  }
}
