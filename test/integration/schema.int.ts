import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { ENTITIES } from '../../src/entities';
import { createTestDatabase, TestDatabase } from '../support/test-db';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('build exactly the schema the entities describe', async () => {
    const source = new DataSource(dataSourceOptions(db.url, ENTITIES, MIGRATIONS));
    await source.initialize();
    try {
      const pending = await source.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await source.destroy();
    }
  });

  it('have all been applied to the template the tests copy', async () => {
    const applied = await db.source.query('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((row: { name: string }) => row.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });
});
