import IORedis from 'ioredis';
import { Client } from 'pg';

/**
 * Runs `probe` and fails if it has not answered within `timeoutMs`; `abort` then drops what the probe opened
 * (a frozen server would otherwise keep its socket open until it wakes up).
 */
async function within(timeoutMs: number, probe: () => Promise<void>, abort: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), deadline]);
  } catch (error) {
    abort();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens a new connection and runs `SELECT 1`. A pooled connection could still look fine while the server no
 * longer accepts new ones (a stopped postmaster), which is what requests then run into.
 */
export function probePostgres(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // Errors after the answer (the server going away) must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  return within(
    timeoutMs,
    async () => {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
    },
    () => client.connection.stream.destroy(),
  );
}

/** Opens a new connection and sends PING; no retries, no queueing while it connects. */
export function probeRedis(url: string, timeoutMs: number): Promise<void> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  return within(
    timeoutMs,
    async () => {
      await client.connect();
      await client.ping();
      client.disconnect();
    },
    () => client.disconnect(),
  );
}
