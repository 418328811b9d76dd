import { join } from 'node:path';
import { createApp } from '../../src/bootstrap';
import { APP_CONFIG, AppConfig, loadConfig } from '../../src/core/config/config';
import { freePort } from '../../src/core/infrastructure/free-port';
import { DevMailbox } from '../../src/notifications/dev-mailbox';
import { TestApp } from '../support/test-app';

describe('health and API docs (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
  });
  afterAll(() => t.stop());

  it('reports database and Redis up', async () => {
    const response = await t.request('GET', '/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('answers 200 with the queue degraded when only Redis does not answer: the API keeps serving', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const config = loadConfig({ DATA_DIR: '/tmp/contest-health-test', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'error' });
    const app = await createApp({ config, databaseUrl: t.db.url, redisUrl: deadRedis, smtpUrl: 'smtp://127.0.0.1:1' }, { api: true, workers: false }, false);
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'degraded', details: { database: { status: 'up' }, redis: { status: 'down', impact: expect.stringContaining('queue degraded') } } });
    } finally {
      await app.close();
    }
  });

  it('publishes OpenAPI with every route documented, protected routes marked, errors in one shape', async () => {
    const response = await t.request('GET', '/docs-json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(5);
    const undocumented = operations.filter(({ operation }) => !Object.keys(operation.responses ?? {}).some((status) => /^2\d\d$/.test(status)));
    expect(undocumented.map((o) => o.route)).toEqual([]);
    const publicRoutes = new Set(['POST /auth/login', 'POST /auth/password-reset', 'POST /auth/password-reset/confirm', 'GET /health', 'GET /dev/mailbox', 'GET /dev/mailbox/{id}']);
    const unprotected = operations.filter(({ route, operation }) => !publicRoutes.has(route) && !operation.security);
    expect(unprotected.map((o) => o.route)).toEqual([]);
    const withoutErrors = operations.filter(({ route, operation }) => !publicRoutes.has(route) && !operation.responses['401']);
    expect(withoutErrors.map((o) => o.route)).toEqual([]);
    expect(document.components.schemas.ErrorResponse).toBeDefined();
  });
});

/** The development mailbox holds every mail ever sent: who may read it depends on who can reach the app. */
describe('development mailbox access (e2e)', () => {
  async function withMail(t: TestApp): Promise<string> {
    const mailbox = new DevMailbox(join(t.app.get<AppConfig>(APP_CONFIG).dataDir, 'mailbox'));
    const entry = await mailbox.store(Buffer.from('Subject: Tai khoan moi\r\n\r\nMat khau tam: 123456'), ['co.lan@example.vn']);
    return entry.id;
  }

  describe('listening on a loopback address (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ workers: false });
    });
    afterAll(() => t.stop());

    it('shows the mail without a login, so a newcomer can follow the demo', async () => {
      const id = await withMail(t);
      const list = await t.request('GET', '/dev/mailbox');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([id]);
      expect((await t.request('GET', `/dev/mailbox/${id}`)).json().text).toContain('Mat khau tam');
    });
  });

  describe('listening where others reach it (HOST=0.0.0.0)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ workers: false, env: { HOST: '0.0.0.0' } });
    });
    afterAll(() => t.stop());

    it('shows the mail to administrators only', async () => {
      const id = await withMail(t);
      for (const url of ['/dev/mailbox', `/dev/mailbox/${id}`]) {
        const anonymous = await t.request('GET', url);
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.json().code).toBe('UNAUTHENTICATED');
        expect((await t.as('province@test.vn').get(url)).statusCode).toBe(403);
      }
      const list = await t.as('admin@test.vn').get('/dev/mailbox');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([id]);
      expect((await t.as('admin@test.vn').get(`/dev/mailbox/${id}`)).json().text).toContain('Mat khau tam');
    });

    it('says so in the API docs', async () => {
      const paths = (await t.request('GET', '/docs-json')).json().paths;
      for (const path of ['/dev/mailbox', '/dev/mailbox/{id}']) {
        expect(paths[path].get.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(paths[path].get.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    });
  });
});
