import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TEST_DATA_DIR = resolve(__dirname, '../../.test-data');
/** Each jest run writes its own file, so runs side by side (TEST_DATABASE_URL) do not collide. */
export const TEST_ENV_FILE = (runId: string) => join(TEST_DATA_DIR, `env-${runId}.json`);
export const TEMPLATE_PREFIX = 'contest_template_';

export interface TestEnvironment {
  /** A URL on the test server with rights to create databases. */
  adminUrl: string;
  redisUrl: string;
  runId: string;
  /** The migrated database every test database is copied from. */
  template: string;
}

export function testEnvironment(): TestEnvironment {
  const runId = process.env.CONTEST_TEST_RUN;
  if (!runId) throw new Error('Run the tests through jest: its global set-up prepares the databases');
  return JSON.parse(readFileSync(TEST_ENV_FILE(runId), 'utf8'));
}
