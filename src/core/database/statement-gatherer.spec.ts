import { StatementGatherer } from './statement-gatherer';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A run that doubles its inputs and records each batch it was given. */
function doubling(fail: (inputs: number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const run = async (inputs: number[]) => {
    batches.push(inputs);
    if (fail(inputs)) throw new Error(`failed on ${inputs.join(',')}`);
    return inputs.map((n) => n * 2);
  };
  return { batches, run };
}

/** A gatherer whose first batch runs until `release` is called, as one waiting on a lock would. */
function holdingFirst(maxWaitMs: number) {
  const batches: number[][] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const gatherer = new StatementGatherer(
    async (inputs: number[]) => {
      batches.push(inputs);
      if (batches.length === 1) await held;
      return inputs;
    },
    { atMost: 64, maxWaitMs },
  );
  return { batches, gatherer, release: () => release() };
}

describe('StatementGatherer', () => {
  it('runs the calls of one turn as one batch, each answered with its own output', async () => {
    const { batches, run } = doubling();
    const gatherer = new StatementGatherer(run);
    await expect(Promise.all([1, 2, 3].map((n) => gatherer.submit(n)))).resolves.toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs the calls of a later turn, once the batch before has answered, in a batch of their own', async () => {
    const { batches, run } = doubling();
    const gatherer = new StatementGatherer(run);
    const first = gatherer.submit(1);
    await first;
    const second = gatherer.submit(2);
    await expect(Promise.all([first, second])).resolves.toEqual([2, 4]);
    expect(batches).toEqual([[1], [2]]);
  });

  it('never puts more than its bound in one batch', async () => {
    const { batches, run } = doubling();
    const gatherer = new StatementGatherer(run, { atMost: 3, maxWaitMs: 10 });
    const outputs = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => gatherer.submit(n)));
    expect(outputs).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('holds the calls arriving while a batch runs until it ends, then runs them together', async () => {
    const { batches, gatherer, release } = holdingFirst(60_000);
    const first = gatherer.submit(1);
    await nextTurn();
    const later = [gatherer.submit(2)];
    await nextTurn();
    later.push(gatherer.submit(3));
    await nextTurn();
    expect(batches).toEqual([[1]]);
    release();
    await expect(Promise.all([first, ...later])).resolves.toEqual([1, 2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('runs the calls waiting on a batch held up beside it once they have waited their longest', async () => {
    const { batches, gatherer, release } = holdingFirst(20);
    const first = gatherer.submit(1);
    await nextTurn();
    const started = Date.now();
    await expect(gatherer.submit(2)).resolves.toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(batches).toEqual([[1], [2]]);
    release();
    await expect(first).resolves.toBe(1);
  });

  it('routes the error of a failing batch to the call that caused it, the others answered', async () => {
    const { batches, run } = doubling((inputs) => inputs.includes(2));
    const gatherer = new StatementGatherer(run);
    const results = await Promise.allSettled([1, 2, 3].map((n) => gatherer.submit(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('failed on 2') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails a batch whose run answers a different number of outputs, then each call alone', async () => {
    const batches: number[][] = [];
    const gatherer = new StatementGatherer(async (inputs: number[]) => {
      batches.push(inputs);
      return inputs.length > 1 ? [0] : inputs;
    });
    await expect(Promise.all([5, 6].map((n) => gatherer.submit(n)))).resolves.toEqual([5, 6]);
    expect(batches).toEqual([[5, 6], [5], [6]]);
  });
});
