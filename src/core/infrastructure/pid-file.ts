import { existsSync, readFileSync, rmSync } from 'node:fs';
import { StartupRefusal } from './startup-refusal';

export class DataDirectoryBusyError extends StartupRefusal {}

/**
 * Makes a server's data directory ours before we start a server on it. The pid file names the last server:
 * a live one belongs to another running app, unless the app that started it died and left it orphaned
 * (its parent is now init), in which case it is stopped with `signal`; a dead one only left a stale file.
 */
export async function claimFromPidFile(pidFile: string, what: string, signal: NodeJS.Signals): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    if (parentOf(pid) !== 1) {
      throw new DataDirectoryBusyError(`${what} is in use by another running instance (process ${pid}): stop it, or use another DATA_DIR or an external service URL`);
    }
    process.kill(pid, signal);
    const deadline = Date.now() + 15_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) throw new DataDirectoryBusyError(`The orphaned process ${pid} of ${what} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  rmSync(pidFile, { force: true });
}

/** The parent pid, where /proc tells it (Linux); undefined elsewhere, which counts as "not orphaned". */
function parentOf(pid: number): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^PPid:\s+(\d+)/m);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
