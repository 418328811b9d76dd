import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from './config/config';
import { DomainError } from './errors/domain-error';
import { REDIS } from './redis';

/** Fixed-window counters in Redis, shared by every API process. */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async consume(bucket: string, limit: number, windowSeconds: number): Promise<void> {
    const key = `${this.config.redisPrefix}:rate:${bucket}`;
    let count: number;
    try {
      const result = await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec();
      count = Number(result?.[0]?.[1] ?? 0);
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', 'Login is unavailable for a moment; try again shortly');
    }
    if (count > limit) throw new DomainError('RATE_LIMITED', `Too many attempts; wait ${windowSeconds} seconds and try again`);
  }
}
