import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { queryPrepared } from '../../src/core/database/prepared-statement';
import { createTestDatabase, TestDatabase } from '../support/test-db';

describe('queryPrepared', () => {
  let db: TestDatabase;
  // One pooled connection: a call that kept its connection would leave the next one waiting until it times out.
  let single: DataSource;
  const insert = (n: number) => ({ sql: 'INSERT INTO prepared_probe (n) VALUES ($1) RETURNING n * 2 AS doubled', params: [n] });

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
      const rows = await queryPrepared<{ doubled: number }>(single.manager, 'probe_insert', insert(n));
      answers.push(...rows.map((r) => r.doubled));
    }
    expect(answers).toEqual([2, 4, 6, 8]);
  });

  it('runs inside the caller’s transaction: rolled back with it', async () => {
    await single
      .transaction(async (manager) => {
        await queryPrepared(manager, 'probe_insert', insert(10));
        const seen = await manager.query('SELECT n FROM prepared_probe WHERE n = 10');
        expect(seen).toEqual([{ n: 10 }]);
        throw new Error('undo');
      })
      .catch(() => undefined);
    expect(await single.query('SELECT n FROM prepared_probe WHERE n = 10')).toEqual([]);
  });

  it('fails as manager.query does, with the SQLSTATE kept, and the connection stays usable', async () => {
    await queryPrepared(single.manager, 'probe_insert', insert(20));
    const failure = await queryPrepared(single.manager, 'probe_insert', insert(20)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).driverError).toMatchObject({ code: '23505', constraint: 'prepared_probe_pkey' });
    expect(await queryPrepared<{ doubled: number }>(single.manager, 'probe_insert', insert(21))).toEqual([{ doubled: 42 }]);
  });
});
