import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TEST_DATA_DIR = resolve(__dirname, '../../.test-data');
export const TEST_ENV_FILE = join(TEST_DATA_DIR, 'env.json');
export const TEMPLATE_DATABASE = 'contest_template';

export interface TestEnvironment {
  /** A URL on the test server with rights to create databases. */
  adminUrl: string;
  redisUrl: string;
  runId: string;
}

export function testEnvironment(): TestEnvironment {
  return JSON.parse(readFileSync(TEST_ENV_FILE, 'utf8'));
}
