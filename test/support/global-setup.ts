import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '../../src/core/database/migrate';
import { startEmbeddedPostgres } from '../../src/core/infrastructure/embedded-postgres';
import { resolveLocalRedis } from '../../src/core/infrastructure/local-redis';
import { TEMPLATE_PREFIX, TEST_DATA_DIR, TEST_ENV_FILE, TestEnvironment } from './test-env';

/** Drops this run's template and any test database a crashed file left behind. */
async function dropRunDatabases(adminUrl: string, runId: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const rows = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`, [`test_${runId}_%`, `${TEMPLATE_PREFIX}${runId}`]);
    for (const row of rows.rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Starts the services the suite runs against, on the same defaults as `npm start`: an embedded PostgreSQL
 * (or TEST_DATABASE_URL's server) holding a migrated template database, and a Redis (TEST_REDIS_URL, the one
 * on 6379, or a redis-server started here).
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(TEST_DATA_DIR, { recursive: true });
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopDatabase: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    // The tests create a database per file, which the app's own role may not: they use the superuser.
    const database = await startEmbeddedPostgres(TEST_DATA_DIR);
    adminUrl = database.superuserUrl;
    stopDatabase = database.stop;
  }
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `${TEMPLATE_PREFIX}${runId}`;
  await client.query(`CREATE DATABASE "${template}"`);
  await client.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  await runMigrations(templateUrl.toString());

  const redis = process.env.TEST_REDIS_URL ? { url: process.env.TEST_REDIS_URL, stop: async () => {} } : await resolveLocalRedis(join(TEST_DATA_DIR, 'redis'));
  const env: TestEnvironment = { adminUrl, redisUrl: redis.url, runId, template };
  // It holds the superuser's password.
  writeFileSync(TEST_ENV_FILE(runId), JSON.stringify(env), { mode: 0o600 });
  process.env.CONTEST_TEST_RUN = runId;
  (globalThis as Record<string, unknown>).__stopTestServices = async () => {
    await dropRunDatabases(adminUrl!, runId);
    rmSync(TEST_ENV_FILE(runId), { force: true });
    await redis.stop();
    await stopDatabase?.();
  };
}
