import type { EntityManager } from 'typeorm';
import { readTogether } from './read-together';

/** A read that records when it starts and ends, and answers `value` a tick later. */
function recorded<T>(log: string[], name: string, value: T): () => Promise<T> {
  return async () => {
    log.push(`${name} starts`);
    await new Promise((resolve) => setImmediate(resolve));
    log.push(`${name} ends`);
    return value;
  };
}

describe('readTogether', () => {
  it('runs the reads side by side on the pool and answers their results in order', async () => {
    const log: string[] = [];
    const pool = {} as EntityManager;
    const [count, names] = await readTogether(pool, [recorded(log, 'count', 3), recorded(log, 'names', ['An', 'Bình'])]);
    expect(count).toBe(3);
    expect(names).toEqual(['An', 'Bình']);
    expect(log).toEqual(['count starts', 'names starts', 'count ends', 'names ends']);
  });

  it('runs them one after the other on a connection of its own, where a second statement may not start before the first ends', async () => {
    const log: string[] = [];
    const transaction = { queryRunner: {} } as EntityManager;
    const [count, names] = await readTogether(transaction, [recorded(log, 'count', 3), recorded(log, 'names', ['An'])]);
    expect([count, names]).toEqual([3, ['An']]);
    expect(log).toEqual(['count starts', 'count ends', 'names starts', 'names ends']);
  });

  it('starts no further read once one fails in a transaction, whose statements after an error would fail anyway', async () => {
    const log: string[] = [];
    const transaction = { queryRunner: {} } as EntityManager;
    const failing = () => Promise.reject(new Error('lock timeout'));
    await expect(readTogether(transaction, [failing, recorded(log, 'names', [])])).rejects.toThrow('lock timeout');
    expect(log).toEqual([]);
  });
});
