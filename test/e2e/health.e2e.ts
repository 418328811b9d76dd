import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/core/config/config';
import { freePort } from '../../src/core/infrastructure/free-port';
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

  it('answers 503 naming Redis when Redis does not answer', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const config = loadConfig({ DATA_DIR: '/tmp/contest-health-test', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'error' });
    const app = await createApp({ config, databaseUrl: t.db.url, redisUrl: deadRedis, smtpUrl: 'smtp://127.0.0.1:1' }, { api: true, workers: false }, false);
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'Not answering: redis', details: { database: { status: 'up' }, redis: { status: 'down' } } });
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
    const publicRoutes = new Set(['POST /auth/login', 'GET /health', 'GET /dev/mailbox', 'GET /dev/mailbox/{id}']);
    const unprotected = operations.filter(({ route, operation }) => !publicRoutes.has(route) && !operation.security);
    expect(unprotected.map((o) => o.route)).toEqual([]);
    const withoutErrors = operations.filter(({ route, operation }) => !publicRoutes.has(route) && !operation.responses['401']);
    expect(withoutErrors.map((o) => o.route)).toEqual([]);
    expect(document.components.schemas.ErrorResponse).toBeDefined();
  });
});
