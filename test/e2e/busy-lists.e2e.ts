import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { routeClassSource } from '../../src/core/database/route-class';
import { eventually } from '../support/eventually';
import { TestApp, TestResponse } from '../support/test-app';

const ORGANISER = 'province@test.vn';
/** One list connection, a short wait for it and a short statement timeout, so that a list is busy at once. */
const LISTS = { DATABASE_LIST_POOL_SIZE: '1', DATABASE_LIST_WAIT_MS: '200', DATABASE_LIST_STATEMENT_TIMEOUT_MS: '1500' };

describe('A busy list does not take the rest of the API down (e2e, one list connection)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ env: LISTS, workers: false });
  });
  afterAll(() => t.stop());

  function expectBusy(response: TestResponse): void {
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_BUSY', params: { retryAfterSeconds: 2 } });
  }

  it('answers 503 busy with Retry-After when the lists hold every connection or run too long, and keeps serving logins and the rest', async () => {
    const organiser = t.as(ORGANISER);
    await t.token(ORGANISER);
    // A list stuck behind a lock holds the one list connection until its statement timeout cancels it.
    const blocker = t.db.source.createQueryRunner();
    await blocker.startTransaction();
    try {
      await blocker.query('LOCK TABLE entries IN ACCESS EXCLUSIVE MODE');
      const stuck = organiser.get('/entries');
      await eventually('the first list to wait on the lock', async () => {
        const waiting: Array<{ n: number }> = await t.db.source.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%entries%'`,
        );
        return waiting[0].n > 0;
      });

      expectBusy(await organiser.get('/entries'));
      const me = await organiser.get('/auth/me');
      expect(me.statusCode).toBe(200);
      expect((await organiser.get('/units')).statusCode).toBe(200);

      expectBusy(await stuck);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect((await organiser.get('/entries')).statusCode).toBe(200);
  });

  it('plans a list of one range once per connection and a searched list for each call, under the lists’ own statement timeout', async () => {
    const organiser = t.as(ORGANISER);
    // With one list connection, this source's queries run on the connection the lists run on.
    const lists = t.app.get<DataSource>(getDataSourceToken(routeClassSource('lists')));
    const plans = async (): Promise<{ mode: string; timeout: string; generic: number; custom: number }> => {
      const [settings]: Array<{ mode: string; timeout: string; generic: number; custom: number }> = await lists.query(
        `SELECT current_setting('plan_cache_mode') AS mode, current_setting('statement_timeout') AS timeout,
                COALESCE(sum(generic_plans), 0)::int AS generic, COALESCE(sum(custom_plans), 0)::int AS custom
           FROM pg_prepared_statements WHERE statement LIKE '%convert_to(row_to_json(item)%'`,
      );
      return settings;
    };
    const before = await plans();
    const page = await organiser.get('/entries?pageSize=2');
    expect(page.statusCode).toBe(200);
    expect(await plans()).toEqual({ mode: 'force_generic_plan', timeout: '1500ms', generic: before.generic + 1, custom: before.custom });

    // A searched text is planned for its words: a rare one is found by the trigram index, not by walking the province.
    expect((await organiser.get('/entries?q=may&pageSize=2')).statusCode).toBe(200);
    expect(await plans()).toEqual({ mode: 'force_custom_plan', timeout: '1500ms', generic: before.generic + 1, custom: before.custom + 1 });
  });
});
