import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../../src/core/infrastructure/free-port';
import { resolveLocalRedis } from '../../src/core/infrastructure/local-redis';

/** A server the bench started as a child process, on a port it chose. */
export interface ServerProcess {
  name: string;
  port: number;
  pid: number;
  /** Set once the process has exited (a crash under load is a result too). */
  exit: { code: number | null; signal: string | null } | null;
  /** The last lines it wrote, to explain a failure. */
  tail(): string;
  stop(): Promise<void>;
}

const TAIL_LINES = 40;

/** Starts `node script args` with `env` added and waits until `GET readyPath` answers `readyStatus`. */
export async function startServer(options: {
  name: string;
  script: string;
  args?: string[];
  /** Flags for node itself, before the script (`--cpu-prof`: NODE_OPTIONS refuses it). */
  nodeArgs?: string[];
  port: number;
  env: Record<string, string>;
  readyPath: string;
  readyStatus?: number;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const { name, script, args = [], nodeArgs = [], port, env, readyPath, readyStatus = 200, timeoutMs = 120_000 } = options;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script, ...args], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const server: ServerProcess = {
    name,
    port,
    pid: child.pid!,
    exit: null,
    tail: () => lines.join('\n'),
    stop: async () => {
      if (server.exit) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  child.once('exit', (code, signal) => {
    server.exit = { code, signal };
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exit) throw new Error(`${name} exited (${server.exit.code ?? server.exit.signal}) before it was ready:\n${server.tail()}`);
    if ((await statusOf(port, readyPath)) === readyStatus) return server;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`${name} did not answer GET ${readyPath} with ${readyStatus} within ${timeoutMs} ms:\n${server.tail()}`);
}

function statusOf(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('timeout', () => r.destroy());
    r.on('error', () => resolve(0));
    r.end();
  });
}

/** Resident memory of a process now and its peak so far (VmRSS, VmHWM), in MB; null where /proc is missing. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/**
 * CPU time a process has used so far (user + system), in ms; null where /proc is missing. The difference over a
 * load run divided by its requests is what one request costs the process, whatever else shares the machine.
 */
export function cpuMsOf(pid: number): number | null {
  try {
    return procStat(pid).cpuMs;
  } catch {
    return null;
  }
}

/** A process's parent and CPU time so far (user + system, ms) from /proc/<pid>/stat; throws when it is gone. */
function procStat(pid: number | string): { parent: number; cpuMs: number } {
  // The command name (field 2) may hold spaces: the fields that follow are counted from its last closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { parent: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS };
}

/**
 * CPU time the PostgreSQL backends serving `database` have used so far, in ms, summed over those alive now (they are
 * the pool's connections, which live through a load run); null where /proc is missing.
 */
export function backendsCpuMsOf(database: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let total = 0;
  for (const pid of pids) {
    try {
      // A backend names itself "postgres: [<cluster name>: ]<user> <database> <client> <activity>" (Debian's
      // clusters are named "15/main").
      const title = /^postgres: (?:\S+: )?\S+ (\S+) /.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      if (title?.[1] === database) total += cpuMsOf(Number(pid)) ?? 0;
    } catch {
      // Gone since listed.
    }
  }
  return total;
}

/** Linux's USER_HZ, what /proc counts CPU time in (100 on every Linux build that matters here). */
const CLOCK_TICKS = 100;

/** Polls a process's resident memory until stopped; the highest value seen, in MB. */
export function sampleMemory(pid: number, everyMs = 100): { stop(): number | null } {
  let peak: number | null = null;
  const poll = () => {
    const m = memoryOf(pid);
    if (m && (peak === null || m.rssMb > peak)) peak = m.rssMb;
  };
  poll();
  const timer = setInterval(poll, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      poll();
      return peak;
    },
  };
}

/** REDIS_URL when set, else the Redis on 127.0.0.1:6379 or one started under .data/bench-redis (`stop` ends only the latter). */
export async function benchRedis(root: string): Promise<{ url: string; stop: (() => Promise<void>) | null }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: null };
  const redis = await resolveLocalRedis(join(root, '.data', 'bench-redis'));
  return { url: redis.url, stop: redis.stop };
}

/**
 * The built API alone, as in production (`npm run start:api`: workers would share its CPU), on a bench database,
 * with its own Redis prefix and a random JWT secret; every other setting is the app's own default.
 */
export async function startBenchApi(options: { root: string; databaseUrl: string; database: string; redisUrl: string }): Promise<ServerProcess> {
  const { root, databaseUrl, database, redisUrl } = options;
  return startServer({
    name: 'API',
    script: join(root, 'dist', 'src', 'main.js'),
    args: ['--api-only'],
    // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API under the bench's load.
    nodeArgs: (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
    port: await freePort(),
    env: {
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `bench-${database}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO: 'false',
      DATA_DIR: join(root, '.data', 'bench-app'),
      LOG_LEVEL: 'warn',
    },
    readyPath: '/health',
  });
}

/**
 * CPU time used so far by a process and by each process under it (user + system, ms, by pid); null where /proc is
 * missing. By pid, so that a difference over a while can leave out processes that ended meanwhile (their time is gone).
 */
export function cpuOfTree(rootPid: number): Map<number, number> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const stats = new Map<number, { parent: number; cpuMs: number }>();
  for (const name of entries) {
    try {
      stats.set(Number(name), procStat(name));
    } catch {
      // Exited meanwhile.
    }
  }
  if (!stats.has(rootPid)) return null;
  const tree = new Map<number, number>();
  for (const [pid, stat] of stats) {
    for (let p = pid; p > 1 && stats.has(p); p = stats.get(p)!.parent) {
      if (p === rootPid) {
        tree.set(pid, stat.cpuMs);
        break;
      }
    }
  }
  return tree;
}

/** CPU (ms) the processes alive at `after` used since `before` (a process started meanwhile counts whole). */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, used] of after) ms += used - (before.get(pid) ?? 0);
  return ms;
}
