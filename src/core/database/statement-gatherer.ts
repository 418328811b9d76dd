/** The calls a gatherer holds until its next batch runs. */
interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/** Calls gathered into one batch at most: bounds one statement's parameters and the time its locks are held. */
export const GATHERED_AT_MOST = 64;

/**
 * Gathers the calls that arrive together (in one turn of the event loop) into one run of a statement that handles
 * a batch of inputs, each on its own: `run` answers one output per input, in their order. Under load, many requests
 * then share one round trip, one plan execution and one commit instead of paying for each. A batch that fails as a
 * whole is run again one call at a time, so an error reaches only the call that caused it and never fails the others.
 */
export class StatementGatherer<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private scheduled = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly atMost = GATHERED_AT_MOST,
  ) {}

  /** The output of `input`, once the batch it joined has run. */
  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.waiting.length >= this.atMost) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: every request read in it has reached its submit by then.
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.waiting.splice(0, this.atMost);
    if (batch.length) void this.runBatch(batch);
  }

  private async runBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    let outputs: O[];
    try {
      outputs = await this.run(batch.map((call) => call.input));
      if (outputs.length !== batch.length) throw new Error(`A gathered statement answered ${outputs.length} outputs for ${batch.length} inputs`);
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      else for (const call of batch) void this.runBatch([call]);
      return;
    }
    batch.forEach((call, i) => call.resolve(outputs[i]));
  }
}
