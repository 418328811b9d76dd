import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import { LatencyRecorder, LoadSummary, RunRecord, summarise } from './stats';

/** One request of a load run; `body` is sent as JSON. */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LoadOptions {
  port: number;
  host?: string;
  /** Clients, each sending its next request when the last one was answered. */
  concurrency: number;
  /** Stop sending after this long (the requests still in flight are waited for and counted)… */
  durationMs?: number;
  /** …or after this many requests in all, whichever comes first. */
  requests?: number;
  /** The n-th request overall (from 0) for client `client` (from 0 to concurrency - 1). */
  next: (n: number, client: number) => LoadRequest;
  /** Stop sending once this says so (a probe that runs while something else happens). */
  until?: () => boolean;
  /** Statuses that count as success; default 200. */
  expected?: number[];
  /** A request that has not been answered by then counts as `timeout`. */
  timeoutMs?: number;
}

export interface LoadResult extends LoadSummary {
  concurrency: number;
  /** One-minute load average of the machine when the run ended, and its core count beside it. */
  loadAverage: number;
}

/** A keep-alive HTTP load generator on node:http alone: `concurrency` closed-loop clients on one socket each. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { port, host = '127.0.0.1', concurrency, next, timeoutMs = 30_000 } = options;
  if (options.durationMs === undefined && options.requests === undefined && !options.until) throw new Error('runLoad needs durationMs, requests or until');
  const until = options.until ?? (() => false);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const latencies = new LatencyRecorder(options.requests ?? 200_000);
  const outcomes: Record<string, number> = {};
  const count = (outcome: string) => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  const limit = options.requests ?? Infinity;
  let issued = 0;

  const once = (req: LoadRequest) =>
    new Promise<void>((resolve) => {
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
      const headers: Record<string, string | number> = { ...req.headers };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const t0 = performance.now();
      let settled = false;
      const settle = (outcome: string) => {
        if (settled) return;
        settled = true;
        latencies.record(performance.now() - t0);
        count(outcome);
        resolve();
      };
      const r = httpRequest({ host, port, method: req.method, path: req.path, headers, agent }, (res) => {
        // The body is read to its end (a real client waits for all of it) and dropped.
        res.on('data', () => undefined);
        res.on('end', () => settle(String(res.statusCode)));
        res.on('error', (e: NodeJS.ErrnoException) => settle(e.code ?? 'response-error'));
      });
      r.setTimeout(timeoutMs, () => {
        settle('timeout');
        r.destroy();
      });
      r.on('error', (e: NodeJS.ErrnoException) => settle(e.code ?? 'request-error'));
      r.end(payload);
    });

  const client = async (id: number) => {
    while (issued < limit && performance.now() < deadline && !until()) {
      const n = issued++;
      await once(next(n, id));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  const record: RunRecord = { latencies, outcomes, elapsedMs, expected: (options.expected ?? [200]).map(String) };
  return { ...summarise(record), concurrency, loadAverage: Math.round(loadavg()[0] * 100) / 100 };
}

/** A single request, its status, size and time: for exports and log-ins. */
export function fetchOnce(port: number, req: LoadRequest, timeoutMs = 600_000): Promise<{ status: number; bytes: number; ms: number; body: Buffer | null }> {
  return new Promise((resolve, reject) => {
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = { ...req.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const t0 = performance.now();
    const r = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.path, headers }, (res) => {
      // Big downloads are counted, not kept; small answers (JSON) are kept for the caller.
      const json = String(res.headers['content-type'] ?? '').includes('json');
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (json) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0, body: json ? Buffer.concat(chunks) : null }));
      res.on('error', reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`No answer to ${req.method} ${req.path} within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(payload);
  });
}
