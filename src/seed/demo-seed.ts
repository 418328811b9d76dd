import { formatDateTime } from '../core/i18n/format';
import { DataSource, EntityManager } from 'typeorm';
import { verifyPassword } from '../accounts/passwords';
import { AuditService } from '../core/audit/audit.service';
import { dataSourceOptions } from '../core/database/data-source';
import { ENTITIES } from '../entities';
import { DEMO_CONTEST, DEMO_EDITION, DEMO_NATION, DEMO_PASSWORD, DEMO_PROVINCE, demoWorld } from './demo-world';
import { seedWorld } from './world';

/** What `npm start` prints about the demo season. */
export interface DemoSeed {
  summary: string;
  password: string;
  accounts: Array<{ role: string; email: string; scope: string }>;
}

/** Held for the seeding transaction, so API processes starting together on one empty database seed it once. */
const DEMO_SEED_LOCK = 727_002;

const DEMO_EMAILS = demoWorld().users.map((u) => u.email);

/**
 * On a database without units, seeds the demo season (demo-world.ts) in one transaction.
 * A database that already has units is never written to: the demo accounts that still exist, are active
 * and still accept the demo password are returned again so every start prints working credentials, and
 * null comes back when there are none (a real database, or one whose demo passwords were changed).
 */
export async function seedDemoIfEmpty(databaseUrl: string, now = new Date()): Promise<DemoSeed | null> {
  const options = dataSourceOptions(databaseUrl, ENTITIES, []);
  const source = new DataSource({ ...options, extra: { ...(options.extra as object), max: 1 } });
  await source.initialize();
  try {
    return await source.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [DEMO_SEED_LOCK]);
      const [{ empty }] = await manager.query('SELECT NOT EXISTS (SELECT 1 FROM units) AS empty');
      if (empty) await seed(source, manager, now);
      const accounts = await usableDemoAccounts(manager);
      if (accounts.length === 0) return null;
      const season = await describeSeason(manager, now);
      return { summary: empty ? season : `reused from an earlier start, not seeded again: ${season}`, password: DEMO_PASSWORD, accounts };
    });
  } finally {
    await source.destroy();
  }
}

async function seed(source: DataSource, manager: EntityManager, now: Date): Promise<void> {
  const spec = demoWorld(now);
  const world = await seedWorld(manager, spec);
  // No user acted: the audit row says the system created these units, accounts, grants and editions.
  await new AuditService(source).record(manager, null, {
    action: 'demo.seed',
    entityType: 'world',
    entityId: 'demo',
    unitPath: world.units.get(DEMO_NATION)!.path,
    after: {
      units: spec.units.length,
      users: spec.users.map((u) => ({ email: u.email, grants: u.grants })),
      editions: [...world.editions.values()].map(({ edition }) => edition.id),
    },
  });
}

async function usableDemoAccounts(manager: EntityManager): Promise<DemoSeed['accounts']> {
  const rows: Array<{ email: string; passwordHash: string; role: string; code: string; name: string }> = await manager.query(
    `SELECT u.email, u.password_hash AS "passwordHash", g.role, n.code, n.name
       FROM users u
       JOIN role_grants g ON g.user_id = u.id
       JOIN units n ON n.id = g.unit_id
      WHERE u.email = ANY($1::text[]) AND u.active
      ORDER BY array_position($1::text[], u.email), g.role, n.code`,
    [DEMO_EMAILS],
  );
  // The seed gives every demo account one hash: verify each distinct hash once (argon2 is slow on purpose).
  const verdicts = new Map<string, Promise<boolean>>();
  const accepts = (hash: string) => {
    if (!verdicts.has(hash)) verdicts.set(hash, verifyPassword(hash, DEMO_PASSWORD));
    return verdicts.get(hash)!;
  };
  const usable = await Promise.all(rows.map((row) => accepts(row.passwordHash)));
  return rows.filter((_, i) => usable[i]).map((row) => ({ role: row.role, email: row.email, scope: `${row.name} (${row.code})` }));
}

/** Read back from the database, so that a reused season is described as it is now. */
async function describeSeason(manager: EntityManager, now: Date): Promise<string> {
  const [province]: Array<{ name: string; districts: string; schools: string }> = await manager.query(
    `SELECT p.name,
            count(d.id) FILTER (WHERE d.level_code = 'district') AS districts,
            count(d.id) FILTER (WHERE d.level_code = 'school') AS schools
       FROM units p
       LEFT JOIN units d ON d.path LIKE p.path || '%' AND d.id <> p.id AND d.retired_at IS NULL
      WHERE p.code = $1
      GROUP BY p.id, p.name`,
    [DEMO_PROVINCE],
  );
  const [edition]: Array<{ seasonLabel: string; opensAt: Date; closesAt: Date }> = await manager.query(
    `SELECT e.season_label AS "seasonLabel", e.registration_opens_at AS "opensAt", e.registration_closes_at AS "closesAt"
       FROM editions e JOIN contests c ON c.id = e.contest_id
      WHERE c.name = $1 AND e.number = $2`,
    [DEMO_CONTEST, DEMO_EDITION],
  );
  const parts: string[] = [];
  if (province) parts.push(`${province.name} (${DEMO_PROVINCE}): ${province.districts} districts, ${province.schools} schools`);
  if (edition) parts.push(`youth contest ${ordinal(DEMO_EDITION)} edition (${edition.seasonLabel}), ${registrationState(edition.opensAt, edition.closesAt, now)}`);
  return parts.length ? parts.join('; ') : 'the demo province and contest are no longer there';
}

function registrationState(opensAt: Date, closesAt: Date, now: Date): string {
  // The DD/MM/YYYY of Vietnam's wall clock.
  const day = (date: Date) => formatDateTime(date).slice(0, 10);
  if (now < opensAt) return `registration opens on ${day(opensAt)}`;
  if (now < closesAt) return `open for registration until ${day(closesAt)}`;
  return `registration closed on ${day(closesAt)}`;
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}
