import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'config-spec-'));

  it('runs on embedded defaults when nothing is set', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, redisUrl: undefined, smtpUrl: undefined, seedDemo: true });
    expect(config.uploadDir).toBe(join(dir, 'uploads'));
  });

  it('generates a development JWT secret once and keeps it across restarts', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'not a url', JWT_SECRET: 'short', SEED_DEMO: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'SEED_DEMO']) expect(message).toContain(name);
  });

  it('insists on a shared JWT secret once the database is external', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://db/contest' })).toThrow(/JWT_SECRET is required with DATABASE_URL/);
  });

  it('takes external services from their URLs', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://u:p@db:5432/contest',
      REDIS_URL: 'redis://cache:6379',
      SMTP_URL: 'smtp://mail:1025',
      JWT_SECRET: 'x'.repeat(40),
      SEED_DEMO: 'false',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://u:p@db:5432/contest', redisUrl: 'redis://cache:6379', smtpUrl: 'smtp://mail:1025', jwtSecret: 'x'.repeat(40), seedDemo: false });
  });

  it('keeps the Redis keys of each checkout apart on the embedded database, and uses REDIS_PREFIX or `contest` otherwise', () => {
    const [one, other] = [dataDir(), dataDir()];
    expect(loadConfig({ DATA_DIR: one }).redisPrefix).toBe(loadConfig({ DATA_DIR: one }).redisPrefix);
    expect(loadConfig({ DATA_DIR: one }).redisPrefix).toMatch(/^contest-[0-9a-f]{8}$/);
    expect(loadConfig({ DATA_DIR: one }).redisPrefix).not.toBe(loadConfig({ DATA_DIR: other }).redisPrefix);
    expect(loadConfig({ DATA_DIR: one, DATABASE_URL: 'postgres://db/contest', JWT_SECRET: 'x'.repeat(40) }).redisPrefix).toBe('contest');
    expect(loadConfig({ DATA_DIR: one, REDIS_PREFIX: 'tinh-st' }).redisPrefix).toBe('tinh-st');
  });

  it('allows cross-origin calls only from the origins listed, each a bare origin', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).corsOrigins).toEqual([]);
    expect(loadConfig({ DATA_DIR: dataDir(), CORS_ORIGINS: 'https://contest.example.vn, http://localhost:5173' }).corsOrigins).toEqual(['https://contest.example.vn', 'http://localhost:5173']);
    for (const bad of ['*', 'https://contest.example.vn/', 'contest.example.vn', 'ftp://x.vn', 'https://x.vn/app']) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });
});
