/**
 * Gathers items handed in while a write is under way and writes them together: each caller waits for the one write
 * that carries its item, and at most one write is in flight. With `gatherMs` (0: none), a write waits until its
 * oldest item has waited that long, so no item waits longer than `gatherMs` plus the write in flight before it, and
 * at full speed each write carries what `gatherMs` brings instead of the one or two items a round trip brings.
 */
export class Coalescer<T> {
  private waiting: Array<{ item: T; since: number; done: (error?: unknown) => void }> = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly gatherMs = 0,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, since: performance.now(), done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const pause = this.waiting[0].since + this.gatherMs - performance.now();
      if (this.gatherMs > 0 && pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.write(batch.map((entry) => entry.item));
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.done(error ?? new Error('write failed'));
      }
    }
    this.writing = false;
  }
}
