import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { preparedQuery } from '../../src/core/database/prepared-query';
import { createTestDatabase, TestDatabase } from '../support/test-db';

describe('preparedQuery', () => {
  let db: TestDatabase;
  // One pooled connection: a call that kept its connection would leave the next one waiting until it times out.
  let single: DataSource;
  const INSERT = 'INSERT INTO prepared_probe (n) VALUES ($1) RETURNING n * 2 AS doubled';

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.source.query('CREATE TABLE prepared_probe (n int PRIMARY KEY)');
    single = new DataSource(dataSourceOptions(db.url, [], [], undefined, 1));
    await single.initialize();
  });
  afterAll(async () => {
    await single?.destroy();
    await db.drop();
  });

  it('runs the same statement with new parameters each time, and gives its connection back', async () => {
    const answers: number[] = [];
    for (const n of [1, 2, 3, 4]) {
      const rows = await preparedQuery<{ doubled: number }>(single.manager, INSERT, [n]);
      answers.push(...rows.map((r) => r.doubled));
    }
    expect(answers).toEqual([2, 4, 6, 8]);
  });

  it('runs inside the caller’s transaction: rolled back with it', async () => {
    await single
      .transaction(async (manager) => {
        await preparedQuery(manager, INSERT, [10]);
        const seen = await manager.query('SELECT n FROM prepared_probe WHERE n = 10');
        expect(seen).toEqual([{ n: 10 }]);
        throw new Error('undo');
      })
      .catch(() => undefined);
    expect(await single.query('SELECT n FROM prepared_probe WHERE n = 10')).toEqual([]);
  });

  it('fails as manager.query does, with the SQLSTATE kept, and the connection stays usable', async () => {
    await preparedQuery(single.manager, INSERT, [20]);
    const failure = await preparedQuery(single.manager, INSERT, [20]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).driverError).toMatchObject({ code: '23505', constraint: 'prepared_probe_pkey' });
    expect(await preparedQuery<{ doubled: number }>(single.manager, INSERT, [21])).toEqual([{ doubled: 42 }]);
  });
});
