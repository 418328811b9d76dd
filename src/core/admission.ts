import { DomainError } from './errors/domain-error';

/** What a client refused for a busy route class (or any admission) is told to wait. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

export function serverBusy(): DomainError<'SERVER_BUSY'> {
  return new DomainError('SERVICE_UNAVAILABLE', 'SERVER_BUSY', { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS }, { dependency: 'database', retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
}

/**
 * At most `slots` holders at once; the others queue, in order, for up to `waitMs` each, then are refused
 * (503, busy) rather than left to wait behind work that may take seconds. Without `waitMs` they wait their turn
 * however long it takes (work no client waits on, such as mail going out).
 */
export class Admission {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly slots: number,
    private readonly waitMs: number | null = null,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.active < this.slots) {
      this.active += 1;
      return Promise.resolve();
    }
    const waitMs = this.waitMs;
    return new Promise((resolve, reject) => {
      const admit = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer =
        waitMs === null
          ? null
          : setTimeout(() => {
              this.queue.splice(this.queue.indexOf(admit), 1);
              reject(serverBusy());
            }, waitMs);
      this.queue.push(admit);
    });
  }

  /** The slot passes straight to the first in the queue, so a newcomer cannot overtake it. */
  private leave(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active -= 1;
  }
}
