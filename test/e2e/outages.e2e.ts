import { eventually } from '../support/eventually';
import { PASSWORD } from '../support/fixtures';
import { FaultProxy } from '../support/fault-proxy';
import { TestApp, TestResponse } from '../support/test-app';
import { testEnvironment } from '../support/test-env';

const ORGANISER = 'province@test.vn';
/** Small timeouts so that an outage shows within a second or two. */
const TIMEOUTS = {
  DATABASE_STATEMENT_TIMEOUT_MS: '1000',
  DATABASE_CONNECT_TIMEOUT_MS: '1000',
  REDIS_COMMAND_TIMEOUT_MS: '500',
  REDIS_CONNECT_TIMEOUT_MS: '500',
  HEALTH_TIMEOUT_MS: '1000',
};
/** Generous upper bounds derived from the timeouts above (the slowest path is a query that never returns: 2 s). */
const REQUEST_BOUND_MS = 5000;
const HEALTH_BOUND_MS = 3000;

describe('PostgreSQL or Redis frozen or gone (e2e, through a fault proxy)', () => {
  let t: TestApp;
  let database: FaultProxy;
  let redis: FaultProxy;
  const statuses: number[] = [];
  /** A request path that drops a promise during an outage would show here (the processes keep serving on one). */
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => unhandled.push(reason);

  async function timed(send: () => Promise<TestResponse>): Promise<{ response: TestResponse; ms: number }> {
    const started = Date.now();
    const response = await send();
    statuses.push(response.statusCode);
    return { response, ms: Date.now() - started };
  }

  const entries = () => timed(() => t.as(ORGANISER).get('/entries'));
  const health = () => timed(() => t.request('GET', '/health'));
  const login = () => timed(() => t.request('POST', '/auth/login', { payload: { email: ORGANISER, password: PASSWORD } }));

  function expectUnavailable({ response, ms }: { response: TestResponse; ms: number }, dependency: string, boundMs = REQUEST_BOUND_MS): void {
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { dependency } });
    expect(ms).toBeLessThan(boundMs);
  }

  /** Without the database the app is down (503); without Redis it serves on, its queue degraded (200). */
  function expectHealthNames({ response, ms }: { response: TestResponse; ms: number }, down: 'database' | 'redis'): void {
    if (down === 'database') {
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'Not answering: database', details: { database: { status: 'down' }, redis: { status: 'up' } } });
    } else {
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'degraded', details: { database: { status: 'up' }, redis: { status: 'down', impact: expect.stringContaining('queue degraded') } } });
    }
    expect(ms).toBeLessThan(HEALTH_BOUND_MS);
  }

  /** After an outage: every route answers 200 again, without a restart. */
  async function expectRecovered(): Promise<void> {
    await eventually('GET /entries to answer 200', async () => (await entries()).response.statusCode === 200);
    await eventually('login to answer 200', async () => (await login()).response.statusCode === 200);
    await eventually('/health to answer ok', async () => (await health()).response.json().status === 'ok');
  }

  beforeAll(async () => {
    process.on('unhandledRejection', recordUnhandled);
    const { adminUrl, redisUrl } = testEnvironment();
    database = await FaultProxy.start(adminUrl);
    redis = await FaultProxy.start(redisUrl);
    t = await TestApp.start({
      workers: false,
      env: { ...TIMEOUTS, LOGIN_RATE_LIMIT: '10000' },
      route: { database: (url) => database.route(url), redis: (url) => redis.route(url) },
    });
    await t.token(ORGANISER);
  });

  afterEach(async () => {
    await database.resume();
    await redis.resume();
    expect(unhandled).toEqual([]);
  });

  afterAll(async () => {
    await t?.stop();
    await database?.stop();
    await redis?.stop();
    process.off('unhandledRejection', recordUnhandled);
  });

  it('a frozen database: requests in flight and new ones answer 503 with Retry-After, /health names it, then all recovers', async () => {
    expect((await entries()).response.statusCode).toBe(200);
    database.pause();
    // More requests at once than one pool connection: some wait for a connection, some for an answer.
    const inFlight = await Promise.all([entries(), entries(), entries()]);
    for (const result of inFlight) expectUnavailable(result, 'database');
    expectUnavailable(await entries(), 'database');
    expectHealthNames(await health(), 'database');
    await database.resume();
    await expectRecovered();
    expect(statuses).not.toContain(500);
  });

  it('a database that went away: 503 while connections are refused, 200 once it is back', async () => {
    await database.cut();
    expectUnavailable(await entries(), 'database');
    expectHealthNames(await health(), 'database');
    await database.resume();
    await expectRecovered();
    expect(statuses).not.toContain(500);
  });

  it('a frozen Redis: login answers 503 within the command timeout, /health names it, then all recovers', async () => {
    redis.pause();
    const result = await login();
    expect(result.response.statusCode).toBe(503);
    expect(result.response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(result.response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(result.ms).toBeLessThan(REQUEST_BOUND_MS);
    expectHealthNames(await health(), 'redis');
    // Reading entries needs no Redis.
    expect((await entries()).response.statusCode).toBe(200);
    await redis.resume();
    await expectRecovered();
    expect(statuses).not.toContain(500);
  });

  it('a Redis that went away: login answers 503 at once, 200 once it is back', async () => {
    await redis.cut();
    const result = await login();
    expect(result.response.statusCode).toBe(503);
    expect(result.response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expectHealthNames(await health(), 'redis');
    await redis.resume();
    await expectRecovered();
    expect(statuses).not.toContain(500);
  });
});
