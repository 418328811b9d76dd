import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('writes the first item at once and everything handed in meanwhile in one next write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const coalescer = new Coalescer<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = coalescer.add(1);
    const later = [coalescer.add(2), coalescer.add(3), coalescer.add(4)];
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('with a gathering pause, writes the first item together with those handed in during the pause', async () => {
    jest.useFakeTimers();
    try {
      const writes: number[][] = [];
      const coalescer = new Coalescer<number>(async (items) => void writes.push(items), 5);
      const first = coalescer.add(1);
      await jest.advanceTimersByTimeAsync(4);
      const second = coalescer.add(2);
      expect(writes).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all([first, second]);
      expect(writes).toEqual([[1, 2]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('with a gathering pause, items handed in during a write wait out the pause from their own arrival, then go in one write', async () => {
    jest.useFakeTimers();
    try {
      const writes: number[][] = [];
      let release!: () => void;
      const coalescer = new Coalescer<number>(async (items) => {
        writes.push(items);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      }, 5);
      const first = coalescer.add(1);
      await jest.advanceTimersByTimeAsync(5);
      expect(writes).toEqual([[1]]);
      const during = [coalescer.add(2), coalescer.add(3)];
      await jest.advanceTimersByTimeAsync(1);
      release();
      await jest.advanceTimersByTimeAsync(3);
      const late = coalescer.add(4);
      expect(writes).toEqual([[1]]);
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all([first, ...during]);
      expect(writes).toEqual([[1], [2, 3, 4]]);
      await late;
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails every caller of a failed write, and only those', async () => {
    let calls = 0;
    const coalescer = new Coalescer<string>(async () => {
      calls += 1;
      if (calls === 1) throw new Error('database gone');
    });
    await expect(coalescer.add('a')).rejects.toThrow('database gone');
    await expect(coalescer.add('b')).resolves.toBeUndefined();
  });
});
