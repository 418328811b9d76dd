/** An instance of the built app for a season to run against, started as real deployments start it. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/core/infrastructure/free-port';
import { sampleMemory, ServerProcess, startServer } from '../../bench/support/processes';

/** The demo administrator, seeded on the embedded defaults (README, "Demo season"). */
export const DEMO_ADMIN = { email: 'admin@demo.soctrang.vn', password: 'demo-soctrang-2017' };

/** Variables that would point the instance at something other than its embedded defaults. */
const NOT_PASSED = ['DATABASE_URL', 'SMTP_URL', 'JWT_SECRET', 'PORT', 'HOST', 'PUBLIC_URL', 'DATA_DIR', 'UPLOAD_DIR', 'SEED_DEMO', 'REDIS_PREFIX'];

export interface Instance {
  baseUrl: string;
  processes: ServerProcess[];
  /** Peak resident memory of each process since start, MB, by name. */
  peakMemory(): Record<string, number | null>;
  stop(): Promise<void>;
}

/**
 * `embedded`: `node dist/src/main.js` (API and workers in one process) on a fresh DATA_DIR, exactly as `npm start`
 * does on a new machine: embedded PostgreSQL, the local Redis, the development mailbox, the demo administrator.
 * `separate`: the production layout against a given database and Redis: `--api-only` and `worker.js`, sharing DATA_DIR.
 */
export async function startInstance(options: { root: string; mode: 'embedded' } | { root: string; mode: 'separate'; databaseUrl: string; redisUrl: string }): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'contest-sim-'));
  const port = await freePort();
  const env: Record<string, string> = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !NOT_PASSED.includes(e[0])));
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: String(port),
    REDIS_PREFIX: `sim-${randomBytes(4).toString('hex')}`,
    // A season's mail should not wait on a provider's limit: the development mailbox has none.
    MAIL_RATE_PER_SECOND: process.env.MAIL_RATE_PER_SECOND ?? '2000',
    MAIL_CONCURRENCY: process.env.MAIL_CONCURRENCY ?? '20',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const main = join(options.root, 'dist', 'src', 'main.js');
  const processes: ServerProcess[] = [];
  const samplers: Array<{ name: string; sampler: ReturnType<typeof sampleMemory> }> = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (options.mode === 'embedded') {
      processes.push(await startServer({ name: 'app (API and workers)', script: main, port, env: { ...env, SEED_DEMO: 'true' }, readyPath: '/health', timeoutMs: 240_000 }));
    } else {
      const shared = { ...env, DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl, JWT_SECRET: randomBytes(32).toString('hex'), SEED_DEMO: 'true' };
      processes.push(await startServer({ name: 'API', script: main, args: ['--api-only'], port, env: shared, readyPath: '/health', timeoutMs: 240_000 }));
      // The worker listens nowhere; its readiness is the relay running, which the season's first mail shows.
      processes.push(await startWorker(join(options.root, 'dist', 'src', 'worker.js'), shared));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  for (const p of processes) samplers.push({ name: p.name, sampler: sampleMemory(p.pid, 250) });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    processes,
    peakMemory: () => Object.fromEntries(samplers.map(({ name, sampler }) => [name, sampler.stop()])),
    stop,
  };
}

async function startWorker(script: string, env: Record<string, string>): Promise<ServerProcess> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean).slice(-40));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const worker: ServerProcess = {
    name: 'worker',
    port: 0,
    pid: child.pid!,
    exit: null,
    tail: () => lines.slice(-40).join('\n'),
    stop: async () => {
      if (worker.exit) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  child.once('exit', (code, signal) => (worker.exit = { code, signal }));
  return worker;
}
