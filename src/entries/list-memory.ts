/** One remembered answer: the read (still running or done), until when it holds, and its value once it is done. */
interface Remembered<T> {
  value: Promise<T>;
  until: number;
  settled?: { value: T };
}

/**
 * What a list's count answered, remembered for a while, so that paging through a list (and a hundred organisers
 * opening the same one) counts its matches once. Forgotten at once when this process writes entries, so a change
 * made here shows in the next count; another process's change shows within `ttlMs`. Bounded: the oldest go first.
 * Pages themselves are never remembered: what a page shows must follow every write, advancement and outage at once.
 */
export class ListMemory<T> {
  /** Counts forget()s: a read begun before one must not be remembered after it. */
  private generation = 0;
  private readonly remembered = new Map<string, Remembered<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** What is remembered under `key`, or what `read` gives (read once however many ask at the same time). */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const found = this.remembered.get(key);
    if (found && found.until > this.now()) return found.value;
    return this.remember(key, read);
  }

  /**
   * Forgets what is remembered, except the answers `stillTrue` keeps (a write that can only add to what lists match
   * leaves a count that says "at least" true). An answer still being read is forgotten either way.
   */
  forget(stillTrue?: (value: T) => boolean): void {
    this.generation += 1;
    if (!stillTrue) return this.remembered.clear();
    for (const [key, entry] of this.remembered) if (!entry.settled || !stillTrue(entry.settled.value)) this.remembered.delete(key);
  }

  private remember(key: string, read: () => Promise<T>): Promise<T> {
    const value = read();
    const entry: Remembered<T> = { value, until: this.now() + this.ttlMs };
    const generation = this.generation;
    const replaces = () => {
      const current = this.remembered.get(key);
      return generation === this.generation && (!current || current.value === value);
    };
    this.remembered.set(key, entry);
    value.then(
      (settled) => {
        entry.settled = { value: settled };
        entry.until = this.now() + this.ttlMs;
        if (replaces()) this.remembered.set(key, entry);
      },
      // A failed read is not remembered: the next request reads again.
      () => {
        if (replaces()) this.remembered.delete(key);
      },
    );
    if (this.remembered.size > this.capacity) this.remembered.delete(this.remembered.keys().next().value!);
    return value;
  }
}
