/** The calls a gatherer holds until its next batch runs. */
interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export interface GatheringBounds {
  /** Calls in one batch at most: bounds one statement's parameters and the time its locks are held. */
  atMost: number;
  /**
   * How long calls wait for the running batch before a batch of theirs runs beside it, ms: a batch held up (by a
   * lock another transaction holds) never holds the others back longer than this.
   */
  maxWaitMs: number;
}

export const GATHERING: GatheringBounds = { atMost: 64, maxWaitMs: 10 };

/**
 * Gathers calls into batches, each run by one statement that handles each input on its own: `run` answers one
 * output per input, in their order. The calls of one event-loop turn go together, and while a batch runs the calls
 * arriving meanwhile wait for it and then go together too: under load, tens of requests share one round trip, one
 * plan execution and one commit instead of each paying for its own. A batch that fails as a whole is run again one
 * call at a time, so an error reaches only the call that caused it and never fails the others.
 */
export class StatementGatherer<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private running = 0;
  private nextTurn = false;
  private overdue: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly bounds: GatheringBounds = GATHERING,
  ) {}

  /** The output of `input`, once the batch it joined has run. */
  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.running > 0) this.overdue ??= setTimeout(() => this.flush(), this.bounds.maxWaitMs);
      else if (!this.nextTurn) {
        this.nextTurn = true;
        // After the I/O callbacks of this turn: every request read in it has reached its submit by then.
        setImmediate(() => {
          this.nextTurn = false;
          if (this.running === 0) this.flush();
        });
      }
    });
  }

  /** Runs the waiting calls, as many batches as the bound makes them. */
  private flush(): void {
    if (this.overdue) clearTimeout(this.overdue);
    this.overdue = null;
    while (this.waiting.length) void this.runBatch(this.waiting.splice(0, this.bounds.atMost));
  }

  private async runBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    this.running += 1;
    let outputs: O[];
    try {
      outputs = await this.run(batch.map((call) => call.input));
      if (outputs.length !== batch.length) throw new Error(`A gathered statement answered ${outputs.length} outputs for ${batch.length} inputs`);
    } catch (error) {
      this.finished();
      if (batch.length === 1) batch[0].reject(error);
      else for (const call of batch) void this.runBatch([call]);
      return;
    }
    this.finished();
    batch.forEach((call, i) => call.resolve(outputs[i]));
  }

  /** A batch ended: the calls that waited for it go next, before its callers are answered. */
  private finished(): void {
    this.running -= 1;
    if (this.running === 0) this.flush();
  }
}
