import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, isListening } from './free-port';
import { claimFromPidFile } from './pid-file';
import { privateDirSync } from './private-files';
import { StartupRefusal } from './startup-refusal';

export interface LocalRedis {
  url: string;
  started: boolean;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends StartupRefusal {}

const HOW_TO_GET_REDIS =
  'No Redis answers at 127.0.0.1:6379 and no redis-server is on the PATH.\n' +
  '  Install one (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)\n' +
  '  or point REDIS_URL at a running Redis (redis://host:6379).';

function onPath(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Uses the Redis on 127.0.0.1:`preferredPort` when one answers, otherwise starts `redis-server`
 * from the PATH with its files under `dir`, on a free port, in the mode queues require (noeviction).
 */
export async function resolveLocalRedis(dir: string, preferredPort = 6379, command = 'redis-server'): Promise<LocalRedis> {
  if (await isListening('127.0.0.1', preferredPort)) {
    return { url: `redis://127.0.0.1:${preferredPort}`, started: false, stop: async () => {} };
  }
  if (!onPath(command)) throw new RedisUnavailableError(HOW_TO_GET_REDIS);
  privateDirSync(dir);
  const pidFile = join(dir, 'redis.pid');
  await claimFromPidFile(pidFile, `The Redis in ${dir}`, 'SIGTERM');
  const port = await freePort();
  const child = spawn(command, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--pidfile', pidFile, '--save', '', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  while (!(await isListening('127.0.0.1', port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisUnavailableError(`${command} did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    started: true,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
