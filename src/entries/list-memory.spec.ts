import { ListMemory } from './list-memory';

describe('ListMemory', () => {
  let clock = 0;
  const totals = () => new ListMemory<number>(1000, 2, () => clock);
  beforeEach(() => (clock = 0));

  it('counts a list once while it is remembered, and again once it expires', async () => {
    const cache = totals();
    const count = jest.fn().mockResolvedValueOnce(5).mockResolvedValueOnce(6);
    expect(await cache.get('a', count)).toBe(5);
    clock = 999;
    expect(await cache.get('a', count)).toBe(5);
    clock = 1000;
    expect(await cache.get('a', count)).toBe(6);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('counts once for requests that ask at the same time', async () => {
    const cache = totals();
    const count = jest.fn().mockResolvedValue(3);
    expect(await Promise.all([cache.get('a', count), cache.get('a', count)])).toEqual([3, 3]);
    expect(count).toHaveBeenCalledTimes(1);
  });

  it('forgets everything when entries are written, and a failed count at once', async () => {
    const cache = totals();
    await cache.get('a', async () => 1);
    cache.forget();
    expect(await cache.get('a', async () => 2)).toBe(2);
    await expect(cache.get('b', () => Promise.reject(new Error('timed out')))).rejects.toThrow('timed out');
    expect(await cache.get('b', async () => 4)).toBe(4);
  });

  it('keeps, when told, the answers a write leaves true, and forgets the others and any still being read', async () => {
    const cache = new ListMemory<{ count: number; exact: boolean }>(1000, 10, () => clock);
    await cache.get('province', async () => ({ count: 10_000, exact: false }));
    await cache.get('school', async () => ({ count: 12, exact: true }));
    let finish: (total: { count: number; exact: boolean }) => void = () => undefined;
    const reading = cache.get('district', () => new Promise((resolve) => (finish = resolve)));
    cache.forget((total) => !total.exact);
    finish({ count: 10_000, exact: false });
    await reading;
    expect(await cache.get('province', async () => ({ count: 1, exact: true }))).toEqual({ count: 10_000, exact: false });
    expect(await cache.get('school', async () => ({ count: 13, exact: true }))).toEqual({ count: 13, exact: true });
    expect(await cache.get('district', async () => ({ count: 9_999, exact: true }))).toEqual({ count: 9_999, exact: true });
  });

  it('keeps at most its capacity, dropping the oldest', async () => {
    const cache = totals();
    await cache.get('a', async () => 1);
    await cache.get('b', async () => 2);
    await cache.get('c', async () => 3);
    expect(await cache.get('b', async () => 20)).toBe(2);
    expect(await cache.get('a', async () => 10)).toBe(10);
  });

  it('does not remember a read begun before entries were written', async () => {
    const cache = totals();
    let finish: (n: number) => void = () => undefined;
    const before = cache.get('a', () => new Promise<number>((resolve) => (finish = resolve)));
    cache.forget();
    finish(1);
    expect(await before).toBe(1);
    expect(await cache.get('a', async () => 2)).toBe(2);
  });
});
