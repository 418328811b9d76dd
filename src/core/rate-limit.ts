import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from './config/config';
import { DomainError } from './errors/domain-error';
import { REDIS } from './redis';

/** A fixed-window counter as it stands: its count and the seconds until its window ends (0 when it holds nothing). */
export interface Counter {
  count: number;
  resetsInSeconds: number;
}

/**
 * Fixed-window counters in Redis, shared by every API process. A caller that counts only some outcomes (failed
 * logins, not attempts) reserves a slot before it acts and releases it when the outcome is not counted: a burst
 * of concurrent attempts then cannot all pass one read of the counter. A Redis that does not answer is a 503:
 * nothing is counted and nothing is let through unchecked.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async read(buckets: string[]): Promise<Counter[]> {
    const pipeline = this.redis.pipeline();
    for (const bucket of buckets) pipeline.get(this.key(bucket)).pttl(this.key(bucket));
    const results = await this.run(() => pipeline.exec());
    return buckets.map((_, i) => {
      const count = Number(results[2 * i][1] ?? 0);
      const ttlMs = Number(results[2 * i + 1][1]);
      return { count, resetsInSeconds: count > 0 && ttlMs > 0 ? Math.ceil(ttlMs / 1000) : 0 };
    });
  }

  /** Adds one to each bucket, starting its window on the first hit; returns the new counts. */
  async hit(buckets: Array<{ bucket: string; windowSeconds: number }>): Promise<number[]> {
    const multi = this.redis.multi();
    for (const { bucket, windowSeconds } of buckets) multi.incr(this.key(bucket)).expire(this.key(bucket), windowSeconds, 'NX');
    const results = await this.run(() => multi.exec());
    return buckets.map((_, i) => Number(results[2 * i][1]));
  }

  /** Counts one attempt in each bucket before it is made; returns each bucket as it now stands, this attempt included. */
  async reserve(buckets: Array<{ bucket: string; windowSeconds: number }>): Promise<Counter[]> {
    const multi = this.redis.multi();
    for (const { bucket, windowSeconds } of buckets) multi.incr(this.key(bucket)).expire(this.key(bucket), windowSeconds, 'NX').pttl(this.key(bucket));
    const results = await this.run(() => multi.exec());
    return buckets.map((_, i) => {
      const ttlMs = Number(results[3 * i + 2][1]);
      return { count: Number(results[3 * i][1]), resetsInSeconds: ttlMs > 0 ? Math.ceil(ttlMs / 1000) : 0 };
    });
  }

  /**
   * Gives back slots taken by `reserve` for attempts that are not to be counted. Only a counter still above zero
   * goes down: one cleared meanwhile must not come back negative and without expiry. Best effort.
   */
  async release(buckets: string[]): Promise<void> {
    const script = "local n = tonumber(redis.call('GET', KEYS[1]) or '0') if n > 0 then redis.call('DECR', KEYS[1]) end return n";
    await Promise.all(buckets.map((bucket) => this.redis.eval(script, 1, this.key(bucket)))).catch(() => undefined);
  }

  /** Sets a flag that lives for `ttlSeconds` (read it back with `read`: count 1). */
  async flag(bucket: string, ttlSeconds: number): Promise<void> {
    await this.run(() => this.redis.set(this.key(bucket), '1', 'EX', ttlSeconds));
  }

  async clear(bucket: string): Promise<void> {
    await this.run(() => this.redis.del(this.key(bucket)));
  }

  private key(bucket: string): string {
    return `${this.config.redisPrefix}:rate:${bucket}`;
  }

  private async run<T>(command: () => Promise<T>): Promise<NonNullable<T>> {
    let result: T;
    try {
      result = await command();
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', {});
    }
    // A transaction or pipeline answers null or per-command errors instead of throwing.
    const failed = result === null || (Array.isArray(result) && result.some((entry) => Array.isArray(entry) && entry[0]));
    if (failed) throw new DomainError('SERVICE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', {});
    return result as NonNullable<T>;
  }
}
