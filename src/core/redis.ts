import type { RedisOptions } from 'bullmq';
import IORedis from 'ioredis';

export const REDIS = Symbol('REDIS');

/** Connection for request paths: fails fast when Redis is down instead of hanging the request. */
export function requestRedis(url: string): IORedis {
  return new IORedis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Connection options for BullMQ, whose workers must wait for Redis rather than fail a job. */
export function queueConnection(url: string): RedisOptions {
  return { url, maxRetriesPerRequest: null };
}
