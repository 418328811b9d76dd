import { PollingLoop, throttled } from './polling-loop';

describe('PollingLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function loop(task: () => Promise<boolean>) {
    const events: string[] = [];
    const polling = new PollingLoop(task, {
      intervalMs: 300,
      onOutage: (error) => events.push(`outage: ${(error as Error).message}`),
      onRecovery: () => events.push('recovered'),
    });
    return { polling, events };
  }

  it('runs at once on start, then once per interval', async () => {
    const task = jest.fn(async () => false);
    const { polling } = loop(task);
    polling.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(299);
    expect(task).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(2);
    await polling.stop();
  });

  it('runs again without pausing while the task reports more work', async () => {
    let batches = 3;
    const task = jest.fn(async () => --batches > 0);
    const { polling } = loop(task);
    polling.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(task).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(280);
    expect(task).toHaveBeenCalledTimes(3);
    await polling.stop();
  });

  it('runs at once when woken during a pause, and right after the run in hand when woken during a run', async () => {
    let finish!: () => void;
    let slow = false;
    const task = jest.fn(() => (slow ? new Promise<boolean>((resolve) => (finish = () => resolve(false))) : Promise.resolve(false)));
    const { polling } = loop(task);
    polling.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    polling.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    slow = true;
    polling.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(3);
    slow = false;
    polling.wake();
    finish();
    await jest.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(4);
    await jest.advanceTimersByTimeAsync(299);
    expect(task).toHaveBeenCalledTimes(4);
    await polling.stop();
  });

  it('never overlaps runs of a slow task', async () => {
    let active = 0;
    let most = 0;
    const task = jest.fn(async () => {
      most = Math.max(most, ++active);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      active -= 1;
      return false;
    });
    const { polling } = loop(task);
    polling.start();
    await jest.advanceTimersByTimeAsync(5000);
    expect(most).toBe(1);
    expect(task.mock.calls.length).toBeGreaterThan(2);
    const stopping = polling.stop();
    await jest.advanceTimersByTimeAsync(1000);
    await stopping;
  });

  it('reports an outage once, however many runs fail, and the recovery once', async () => {
    let down = true;
    const task = jest.fn(async () => {
      if (down) throw new Error('Redis is not reachable');
      return false;
    });
    const { polling, events } = loop(task);
    polling.start();
    await jest.advanceTimersByTimeAsync(3000);
    expect(task.mock.calls.length).toBeGreaterThanOrEqual(10);
    expect(task.mock.calls.length).toBeLessThanOrEqual(11);
    expect(events).toEqual(['outage: Redis is not reachable']);
    down = false;
    await jest.advanceTimersByTimeAsync(900);
    expect(events).toEqual(['outage: Redis is not reachable', 'recovered']);
    await polling.stop();
  });

  it('stops after the run in hand finishes and leaves no timer behind', async () => {
    let finish!: () => void;
    const task = jest.fn(() => new Promise<boolean>((resolve) => (finish = () => resolve(true))));
    const { polling } = loop(task);
    polling.start();
    await jest.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = polling.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(1);
  });
});

describe('throttled', () => {
  it('logs each message once per window, and again once the window has passed', () => {
    let now = 0;
    const lines: string[] = [];
    const log = throttled(
      (line) => lines.push(line),
      60_000,
      () => now,
    );
    for (; now < 59_000; now += 1000) log('connect ECONNREFUSED 127.0.0.1:6379');
    log('Connection is closed.');
    now = 60_000;
    log('connect ECONNREFUSED 127.0.0.1:6379');
    expect(lines).toEqual(['connect ECONNREFUSED 127.0.0.1:6379', 'Connection is closed.', 'connect ECONNREFUSED 127.0.0.1:6379']);
  });
});
