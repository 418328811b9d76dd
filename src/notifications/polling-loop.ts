export interface PollingLoopOptions {
  /** Pause between runs when the last run found nothing more to do, or failed. */
  intervalMs: number;
  /** Called once when runs start failing, not on every failed run. */
  onOutage(error: unknown): void;
  /** Called once when a run succeeds again after an outage. */
  onRecovery(): void;
}

/**
 * Runs `task` at once on start, then again `intervalMs` after each run ends (immediately when it reports more
 * work, or was woken meanwhile). Runs never overlap; `stop()` waits for the current run and leaves no timer behind.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;
  private failing = false;
  private woken = false;

  constructor(
    private readonly task: () => Promise<boolean>,
    private readonly options: PollingLoopOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Work has arrived: run now rather than at the end of the pause (right after the run in hand, if any). */
  wake(): void {
    if (this.stopped) return;
    if (this.current) {
      this.woken = true;
    } else {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.runOnce().finally(() => (this.current = undefined));
    }, delayMs);
  }

  private async runOnce(): Promise<void> {
    let more = false;
    this.woken = false;
    try {
      more = await this.task();
      if (this.failing) {
        this.failing = false;
        this.options.onRecovery();
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.options.onOutage(error);
      }
    }
    if (!this.stopped) this.schedule(more || this.woken ? 0 : this.options.intervalMs);
  }
}

/**
 * Passes each distinct message on at most once per `windowMs`: a client reconnecting every second during an
 * outage logs one line a minute instead of sixty.
 */
export function throttled(log: (message: string) => void, windowMs = 60_000, now: () => number = Date.now): (message: string) => void {
  const lastLogged = new Map<string, number>();
  return (message) => {
    const at = now();
    const last = lastLogged.get(message);
    if (last !== undefined && at - last < windowMs) return;
    if (lastLogged.size >= 100) lastLogged.clear();
    lastLogged.set(message, at);
    log(message);
  };
}
