import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimFromPidFile, DataDirectoryBusyError } from './pid-file';

describe('claimFromPidFile', () => {
  const pidFile = (pid: number) => {
    const file = join(mkdtempSync(join(tmpdir(), 'pid-spec-')), 'server.pid');
    writeFileSync(file, `${pid}\n`);
    return file;
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('removes the file a dead server left behind', async () => {
    const deadPid = Number(execFileSync('sh', ['-c', 'true & echo $!']).toString());
    const file = pidFile(deadPid);
    await claimFromPidFile(file, 'the test server', 'SIGTERM');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a directory whose server another running process owns, naming it', async () => {
    const file = pidFile(process.pid);
    await expect(claimFromPidFile(file, 'the test server', 'SIGTERM')).rejects.toThrow(DataDirectoryBusyError);
    await expect(claimFromPidFile(file, 'the test server', 'SIGTERM')).rejects.toThrow(`process ${process.pid}`);
    expect(existsSync(file)).toBe(true);
  });

  it('stops a server orphaned by a run that died, and takes the directory over', async () => {
    // The shell exits at once, so its background sleep is re-parented to init like a crashed app's server.
    const orphan = Number(execFileSync('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!']).toString());
    const file = pidFile(orphan);
    await claimFromPidFile(file, 'the test server', 'SIGTERM');
    expect(alive(orphan)).toBe(false);
    expect(existsSync(file)).toBe(false);
  });
});
