import { gracefulStop, stoppingLine, takeOverStopSignals } from './shutdown';

describe('stopping on a signal', () => {
  it('names what it stops', () => {
    expect(stoppingLine('SIGINT', ['API', 'workers', 'embedded PostgreSQL', 'Redis'])).toBe('Stopping (SIGINT): API, workers, embedded PostgreSQL and Redis…');
    expect(stoppingLine('SIGTERM', ['workers'])).toBe('Stopping (SIGTERM): workers…');
  });

  function harness(stops: Array<() => Promise<void>>) {
    const lines: string[] = [];
    const exits: number[] = [];
    const order: string[] = [];
    const handler = gracefulStop({
      steps: stops.map((stop, i) => ({
        name: `part ${i + 1}`,
        stop: async () => {
          order.push(`part ${i + 1}`);
          await stop();
        },
      })),
      log: (line) => lines.push(line),
      exit: (code) => exits.push(code),
      graceMs: 60_000,
    });
    return { handler, lines, exits, order };
  }

  it('stops every part in order, says so and exits 0', async () => {
    const { handler, lines, exits, order } = harness([async () => {}, async () => {}]);
    await handler('SIGINT');
    expect(order).toEqual(['part 1', 'part 2']);
    expect(lines).toEqual(['Stopping (SIGINT): part 1 and part 2…', 'Stopped.']);
    expect(exits).toEqual([0]);
  });

  it('still stops the rest when one part fails, and exits 1 naming it', async () => {
    const { handler, lines, exits, order } = harness([
      async () => {
        throw new Error('socket hung');
      },
      async () => {},
    ]);
    await handler('SIGTERM');
    expect(order).toEqual(['part 1', 'part 2']);
    expect(lines).toContain('Could not stop part 1 cleanly: socket hung');
    expect(exits).toEqual([1]);
  });

  it('exits at once on a second Ctrl-C while stopping', async () => {
    let release!: () => void;
    const { handler, lines, exits } = harness([() => new Promise<void>((resolve) => (release = resolve))]);
    const first = handler('SIGINT');
    await handler('SIGINT');
    expect(exits).toEqual([130]);
    expect(lines[1]).toBe('SIGINT again: exiting without waiting');
    release();
    await first;
  });

  it('is the only one to hear SIGINT and SIGTERM: a library that stops the database at once no longer does', () => {
    const kept = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const heard: string[] = [];
    try {
      const stopsDatabaseAtOnce = () => heard.push('database stopped');
      process.on('SIGINT', stopsDatabaseAtOnce);
      process.on('SIGTERM', stopsDatabaseAtOnce);
      takeOverStopSignals((signal) => heard.push(`graceful stop on ${signal}`));
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGINT', 'SIGINT');
      expect(heard).toEqual(['graceful stop on SIGTERM', 'graceful stop on SIGINT']);
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(signal);
        for (const listener of kept[signal]) process.on(signal, listener as NodeJS.SignalsListener);
      }
    }
  });
});
