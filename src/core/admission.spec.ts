import { Admission } from './admission';

describe('Admission', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const held = () => {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    return { done, release };
  };

  it('lets in as many as it has slots, then the waiting in arrival order as slots free up', async () => {
    const admission = new Admission(2, 1000);
    const order: string[] = [];
    const [a, b, c, d] = [held(), held(), held(), held()];
    const run = (name: string, hold: ReturnType<typeof held>) =>
      admission.run(async () => {
        order.push(name);
        await hold.done;
      });
    const runs = [run('a', a), run('b', b), run('c', c), run('d', d)];
    await Promise.resolve();
    expect(order).toEqual(['a', 'b']);
    b.release();
    await runs[1];
    await Promise.resolve();
    expect(order).toEqual(['a', 'b', 'c']);
    for (const hold of [a, c, d]) hold.release();
    await Promise.all(runs);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses one that waited too long with 503 busy, and still lets the next in', async () => {
    const admission = new Admission(1, 200);
    const first = held();
    const running = admission.run(() => first.done);
    const waiting = admission.run(async () => 'late');
    jest.advanceTimersByTime(200);
    await expect(waiting).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_BUSY', details: { retryAfterSeconds: 2 } });
    first.release();
    await running;
    await expect(admission.run(async () => 'next')).resolves.toBe('next');
  });

  it('without a bound on the wait, keeps one waiting however long the slot stays taken', async () => {
    const admission = new Admission(1);
    const first = held();
    const running = admission.run(() => first.done);
    const waiting = admission.run(async () => 'in turn');
    jest.advanceTimersByTime(24 * 3600 * 1000);
    first.release();
    await running;
    await expect(waiting).resolves.toBe('in turn');
  });
});
