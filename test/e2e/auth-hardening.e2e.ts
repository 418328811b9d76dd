import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type IORedis from 'ioredis';
import { Client } from 'pg';
import { REDIS } from '../../src/core/redis';
import { eventually } from '../support/eventually';
import { PASSWORD } from '../support/fixtures';
import { TestApp, TestResponse } from '../support/test-app';
import { testEnvironment } from '../support/test-env';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';

/** A login as sent by a client at `remoteAddress`, optionally claiming other addresses in X-Forwarded-For. */
async function login(t: TestApp, email: string, password: string, remoteAddress: string, forwardedFor?: string): Promise<TestResponse> {
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : undefined;
  return (await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress, headers, payload: { email, password } })) as unknown as TestResponse;
}

const randomAddress = () => Array.from({ length: 4 }, () => Math.floor(Math.random() * 256)).join('.');

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token built by hand, as an attacker would: any header, any claims, any signature. */
function forge(header: Record<string, unknown>, claims: Record<string, unknown>, signWith: (data: string) => string): string {
  const data = `${base64url(header)}.${base64url(claims)}`;
  return `${data}.${signWith(data)}`;
}
const hmac = (algorithm: string) => (data: string) => createHmac(algorithm, SECRET).update(data).digest('base64url');

async function me(t: TestApp, token: string): Promise<number> {
  return (await t.request('GET', '/auth/me', { headers: { authorization: `Bearer ${token}` } })).statusCode;
}

async function freshToken(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const response = await login(t, email, password, randomAddress());
  expect(response.statusCode).toBe(200);
  return response.json().accessToken;
}

async function auditOf(t: TestApp, action: string, entityId?: string) {
  const response = await t.as('admin@test.vn').get('/audit', { query: { action, ...(entityId ? { entityId } : {}) } });
  expect(response.statusCode).toBe(200);
  return response.json().items as Array<{ actorId: string | null; entityId: string; after: any }>;
}

describe('login limits (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      workers: false,
      env: { LOGIN_RATE_LIMIT: '5', LOGIN_RATE_WINDOW_SECONDS: '60', LOGIN_ACCOUNT_LIMIT: '3', LOGIN_ACCOUNT_WINDOW_SECONDS: '5' },
    });
  });
  afterAll(() => t.stop());

  it('counts the socket address, not X-Forwarded-For, when no proxy is trusted', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await login(t, `nobody${i}@test.vn`, 'guess', '203.0.113.1', randomAddress())).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const refused = await login(t, 'ks@test.vn', PASSWORD, '203.0.113.1', randomAddress());
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'address', retryAfterSeconds: expect.any(Number) } });
    expect(refused.json().details.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.json().details.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await login(t, 'ks@test.vn', PASSWORD, '203.0.113.2')).statusCode).toBe(200);
  });

  it('locks an account that fails from many addresses, for a bounded time only', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login(t, 'province@test.vn', 'guess', randomAddress())).statusCode).toBe(401);
    const locked = await login(t, 'province@test.vn', PASSWORD, randomAddress());
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ details: { reason: 'account' } });
    expect(locked.json().details.retryAfterSeconds).toBeLessThanOrEqual(5);
    expect(await auditOf(t, 'auth.login-locked', 'province@test.vn')).toHaveLength(1);
    await eventually('the lock-out to end', async () => (await login(t, 'province@test.vn', PASSWORD, randomAddress())).statusCode === 200);
  });

  it('lets a burst of parallel guesses check no more passwords than the limit allows', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => login(t, 'burst@test.vn', 'guess', randomAddress()).then((r) => r.statusCode)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    expect(await auditOf(t, 'auth.login-failed', 'burst@test.vn')).toHaveLength(3);
  });

  it('lets the owner past a lock-out from an address they logged in from before', async () => {
    expect((await login(t, 'school1@test.vn', PASSWORD, '192.0.2.50')).statusCode).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await login(t, 'school1@test.vn', 'guess', randomAddress())).statusCode).toBe(401);
    expect((await login(t, 'school1@test.vn', PASSWORD, randomAddress())).statusCode).toBe(429);
    expect((await login(t, 'school1@test.vn', PASSWORD, '192.0.2.50')).statusCode).toBe(200);
  });

  it('audits failed logins with the e-mail tried, the address and the reason', async () => {
    expect((await login(t, 'school2@test.vn', 'guess', '198.51.100.20')).statusCode).toBe(401);
    expect((await login(t, 'ghost@test.vn', 'guess', '198.51.100.20')).statusCode).toBe(401);
    expect((await auditOf(t, 'auth.login-failed', 'school2@test.vn'))[0]).toMatchObject({ actorId: null, after: { email: 'school2@test.vn', ip: '198.51.100.20', reason: 'wrong password' } });
    expect((await auditOf(t, 'auth.login-failed', 'ghost@test.vn'))[0]).toMatchObject({ after: { email: 'ghost@test.vn', reason: 'unknown e-mail' } });
  });

  it('answers 503 while Redis is down and counts none of those attempts', async () => {
    const redis = t.app.get<IORedis>(REDIS);
    redis.disconnect();
    try {
      for (let i = 0; i < 6; i += 1) {
        const response = await login(t, `outage${i}@test.vn`, 'guess', '198.51.100.30');
        expect(response.statusCode).toBe(503);
        expect(response.json().code).toBe('SERVICE_UNAVAILABLE');
      }
    } finally {
      await redis.connect();
    }
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await login(t, `after${i}@test.vn`, 'guess', '198.51.100.30')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('answers 503 while the database is down and counts none of those attempts', async () => {
    const name = new URL(t.db.url).pathname.slice(1);
    const admin = new Client({ connectionString: testEnvironment().adminUrl });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      for (let i = 0; i < 6; i += 1) {
        const response = await login(t, 'mt@test.vn', 'guess', '198.51.100.40');
        expect(response.statusCode).toBe(503);
      }
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // The pool may hand out a connection that was cut before it notices: wait until the database answers again.
    await eventually('the database to answer again', async () => (await login(t, 'ks@test.vn', PASSWORD, randomAddress())).statusCode === 200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await login(t, 'mt@test.vn', 'guess', '198.51.100.40')).statusCode);
    // The account limit (3) is reached by these failures, not by the ones made during the outage.
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe('login behind a trusted proxy (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '3' } });
  });
  afterAll(() => t.stop());

  it('counts the right-most X-Forwarded-For address, whatever the client writes before it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await login(t, `nobody${i}@test.vn`, 'guess', '10.0.0.1', `${randomAddress()}, 198.51.100.7`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await login(t, 'ks@test.vn', PASSWORD, '10.0.0.1', `198.51.100.7, 198.51.100.8`)).statusCode).toBe(200);
    expect((await auditOf(t, 'auth.login-failed', 'nobody0@test.vn'))[0].after.ip).toBe('198.51.100.7');
  });
});

describe('tokens and accounts (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
  });
  afterAll(() => t.stop());

  it('revokes older tokens when the password changes', async () => {
    const old = await freshToken(t, 'school2@test.vn');
    const changed = await t.request('POST', '/auth/password', { headers: { authorization: `Bearer ${old}` }, payload: { currentPassword: PASSWORD, newPassword: 'another-long-password' } });
    expect(changed.statusCode).toBe(204);
    expect(await me(t, old)).toBe(401);
    expect(await me(t, await freshToken(t, 'school2@test.vn', 'another-long-password'))).toBe(200);
  });

  it('limits guesses of the current password as it limits logins', async () => {
    const token = await freshToken(t, 'school1@test.vn');
    const change = (currentPassword: string) =>
      t.request('POST', '/auth/password', { headers: { authorization: `Bearer ${token}` }, payload: { currentPassword, newPassword: 'another-long-password' } }).then((r) => r.statusCode);
    const statuses = await Promise.all(Array.from({ length: 25 }, () => change('wrong-guess-of-it')));
    expect(statuses.filter((s) => s === 422)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const refused = await t.request('POST', '/auth/password', { headers: { authorization: `Bearer ${token}` }, payload: { currentPassword: PASSWORD, newPassword: 'another-long-password' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await me(t, token)).toBe(200);
  });

  it('revokes every token of the user on logout', async () => {
    const first = await freshToken(t, 'school3@test.vn');
    const second = await freshToken(t, 'school3@test.vn');
    expect(await me(t, second)).toBe(200);
    expect((await t.request('POST', '/auth/logout', { headers: { authorization: `Bearer ${first}` } })).statusCode).toBe(204);
    expect(await me(t, first)).toBe(401);
    expect(await me(t, second)).toBe(401);
    expect(await me(t, await freshToken(t, 'school3@test.vn'))).toBe(200);
  });

  it('does not bring old tokens back when an account is reactivated', async () => {
    const judge = t.world.users.get('judge@test.vn')!;
    const old = await freshToken(t, 'judge@test.vn');
    const admin = t.as('admin@test.vn');
    expect((await admin.patch(`/users/${judge.id}`, { active: false })).statusCode).toBe(200);
    expect(await me(t, old)).toBe(401);
    expect((await admin.patch(`/users/${judge.id}`, { active: true })).statusCode).toBe(200);
    expect(await me(t, old)).toBe(401);
    expect(await me(t, await freshToken(t, 'judge@test.vn'))).toBe(200);
  });

  it('refuses tokens without expiry, with a foreign algorithm or a malformed subject', async () => {
    const sub = t.world.users.get('admin@test.vn')!.id;
    const exp = Math.floor(Date.now() / 1000) + 600;
    // The forger is right when it plays by the rules, so the refusals below are about what they change.
    expect(await me(t, forge({ alg: 'HS256', typ: 'JWT' }, { sub, ver: 0, exp }, hmac('sha256')))).toBe(200);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = {
      'no expiry': forge({ alg: 'HS256', typ: 'JWT' }, { sub, ver: 0 }, hmac('sha256')),
      'alg none': forge({ alg: 'none', typ: 'JWT' }, { sub, ver: 0, exp }, () => ''),
      'HS512 with the right secret': forge({ alg: 'HS512', typ: 'JWT' }, { sub, ver: 0, exp }, hmac('sha512')),
      RS256: forge({ alg: 'RS256', typ: 'JWT' }, { sub, ver: 0, exp }, (data) => sign('sha256', Buffer.from(data), privateKey).toString('base64url')),
      'a subject that is not a UUID': forge({ alg: 'HS256', typ: 'JWT' }, { sub: 'admin', ver: 0, exp }, hmac('sha256')),
      'an unknown user': forge({ alg: 'HS256', typ: 'JWT' }, { sub: randomUUID(), ver: 0, exp }, hmac('sha256')),
    };
    const statuses = Object.fromEntries(await Promise.all(Object.entries(forged).map(async ([name, token]) => [name, await me(t, token)])));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(forged).map((name) => [name, 401])));
  });

  it('shows a user without grants their account, and audits what the guard refuses them', async () => {
    const admin = t.as('admin@test.vn');
    const created = await admin.post('/users', { email: 'no.grants@test.vn', fullName: 'Chưa phân quyền', password: 'long-enough-password' });
    expect(created.statusCode).toBe(201);
    const token = await freshToken(t, 'no.grants@test.vn', 'long-enough-password');
    const own = await t.request('GET', '/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ email: 'no.grants@test.vn', grants: [] });
    const refused = await t.request('GET', '/users', { headers: { authorization: `Bearer ${token}` } });
    expect(refused.statusCode).toBe(403);
    expect(await auditOf(t, 'auth.refused')).toEqual([expect.objectContaining({ actorId: created.json().id, entityId: 'GET /users', after: { roles: [] } })]);
  });

  it('keeps at least one active administrator', async () => {
    const admin = t.as('admin@test.vn');
    const self = t.world.users.get('admin@test.vn')!;
    const refused = await admin.patch(`/users/${self.id}`, { active: false });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [{ field: 'active', reason: 'last active administrator' }] } });
    expect(await me(t, await t.token('admin@test.vn'))).toBe(200);
    // With a second administrator, the first may step down.
    const second = await admin.post('/users', { email: 'second.admin@test.vn', fullName: 'Quản trị 2', password: 'long-enough-password' });
    expect((await admin.post(`/users/${second.json().id}/grants`, { role: 'admin', unitId: t.unitId('VN') })).statusCode).toBe(201);
    expect((await admin.patch(`/users/${self.id}`, { active: false })).statusCode).toBe(200);
  });
});
