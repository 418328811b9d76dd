import type { RedisOptions } from 'bullmq';
import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import type { DependencyTimeouts } from './config/config';

export const REDIS = Symbol('REDIS');

/**
 * Connection for request paths: fails fast when Redis is down instead of hanging the request, and a command a
 * frozen Redis never answers fails after `redisCommandMs` (its late reply, if any, is dropped).
 * Boot waits briefly for it to be ready, so the first requests do not fail on a connection still opening;
 * a Redis that is down does not stop the API from starting (health then says so).
 */
export async function requestRedis(url: string, timeouts: Pick<DependencyTimeouts, 'redisCommandMs' | 'redisConnectMs'>, readyWithinMs = 2000): Promise<IORedis> {
  const client = new IORedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timeouts.redisCommandMs,
    connectTimeout: timeouts.redisConnectMs,
  });
  const logger = new Logger('Redis');
  let lastError = '';
  client.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn(`Redis connection: ${error.message}`);
    lastError = error.message;
  });
  client.on('ready', () => (lastError = ''));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, readyWithinMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

/** Connection options for BullMQ, whose workers must wait for Redis rather than fail a job. */
export function queueConnection(url: string): RedisOptions {
  return { url, maxRetriesPerRequest: null };
}
