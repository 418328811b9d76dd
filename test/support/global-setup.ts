import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '../../src/core/database/migrate';
import { startEmbeddedPostgres } from '../../src/core/infrastructure/embedded-postgres';
import { resolveLocalRedis } from '../../src/core/infrastructure/local-redis';
import { TEMPLATE_DATABASE, TEST_DATA_DIR, TEST_ENV_FILE, TestEnvironment } from './test-env';

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
    const database = await startEmbeddedPostgres(join(TEST_DATA_DIR, 'postgres'), 'postgres');
    adminUrl = database.url;
    stopDatabase = database.stop;
  }
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  const stale = await client.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE 'test_%'`, [TEMPLATE_DATABASE]);
  for (const row of stale.rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  await client.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await runMigrations(templateUrl.toString());

  const redis = process.env.TEST_REDIS_URL
    ? { url: process.env.TEST_REDIS_URL, stop: async () => {} }
    : await resolveLocalRedis(join(TEST_DATA_DIR, 'redis'));
  const env: TestEnvironment = { adminUrl, redisUrl: redis.url, runId: Date.now().toString(36) };
  writeFileSync(TEST_ENV_FILE, JSON.stringify(env));
  (globalThis as Record<string, unknown>).__stopTestServices = async () => {
    await redis.stop();
    await stopDatabase?.();
  };
}
