import type { EntityManager } from 'typeorm';

/**
 * Runs independent reads side by side on the pool, or one after the other when `manager` holds a single connection
 * (a transaction's, a query runner's): a connection runs one statement at a time, and pg, which queues a second
 * statement sent meanwhile today, refuses it from pg 9 on.
 */
export async function readTogether<T extends readonly unknown[]>(manager: EntityManager, reads: readonly [...{ [K in keyof T]: () => Promise<T[K]> }]): Promise<T> {
  if (!manager.queryRunner) return (await Promise.all(reads.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}
