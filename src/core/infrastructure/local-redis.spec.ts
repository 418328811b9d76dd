import IORedis from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { RedisUnavailableError, resolveLocalRedis } from './local-redis';

describe('resolveLocalRedis', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'redis-spec-'));

  it('starts its own redis-server, in noeviction mode, when nothing answers on the preferred port', async () => {
    const silentPort = await freePort();
    const redis = await resolveLocalRedis(dir(), silentPort);
    try {
      expect(redis.started).toBe(true);
      expect(redis.url).not.toContain(`:${silentPort}`);
      const client = new IORedis(redis.url);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await client.quit();
    } finally {
      await redis.stop();
    }
  });

  it('reuses a Redis that already answers', async () => {
    const own = await resolveLocalRedis(dir(), await freePort());
    try {
      const port = Number(new URL(own.url).port);
      const reused = await resolveLocalRedis(dir(), port);
      expect(reused).toMatchObject({ started: false, url: `redis://127.0.0.1:${port}` });
    } finally {
      await own.stop();
    }
  });

  it('says how to get Redis when there is none to use or start', async () => {
    const attempt = resolveLocalRedis(dir(), await freePort(), 'redis-server-that-is-not-installed');
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server[\s\S]*REDIS_URL/);
  });
});
