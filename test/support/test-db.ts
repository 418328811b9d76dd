import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { ENTITIES } from '../../src/entities';
import { testEnvironment } from './test-env';

export interface TestDatabase {
  url: string;
  source: DataSource;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testEnvironment().adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, copied from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { runId, template } = testEnvironment();
  const name = `test_${runId}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = new URL(testEnvironment().adminUrl);
  url.pathname = `/${name}`;
  const source = new DataSource(dataSourceOptions(url.toString(), ENTITIES, MIGRATIONS));
  await source.initialize();
  return {
    url: url.toString(),
    source,
    drop: async () => {
      await source.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
