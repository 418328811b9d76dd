/**
 * The arithmetic of the HTTP bench, kept apart from sockets and processes so that it can be tested:
 * a growable latency buffer, nearest-rank percentiles, a run's summary and the printed table.
 */

/** Latencies in milliseconds, in a typed array allocated up front so that recording allocates nothing on the hot path. */
export class LatencyRecorder {
  private values: Float64Array;
  private size = 0;

  constructor(capacity = 65_536) {
    this.values = new Float64Array(Math.max(1, capacity));
  }

  record(ms: number): void {
    // Doubling keeps a run that outgrows its estimate correct; it happens at most a few times a run.
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  /** The recorded latencies in ascending order (a copy; the recorder keeps recording). */
  sorted(): Float64Array {
    return this.values.slice(0, this.size).sort();
  }
}

/** Nearest-rank percentile (`p` from 0 to 100) of ascending values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** What one load run saw: every answer by status (or error name), every latency, and how long it lasted. */
export interface RunRecord {
  latencies: LatencyRecorder;
  /** Answers by HTTP status (`"200"`), failures without an answer by name (`"timeout"`, `"ECONNRESET"`). */
  outcomes: Record<string, number>;
  elapsedMs: number;
  /** Which outcomes count as success, e.g. `["200"]` or `["201"]`. */
  expected: string[];
}

export interface LoadSummary {
  requests: number;
  ok: number;
  /** Outcomes other than the expected status, by status or error name. */
  errors: Record<string, number>;
  /** Successful answers per second of the run's wall time. */
  reqPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  elapsedMs: number;
}

const round1 = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : n);

/**
 * A run's figures. Latency percentiles cover every request, failed ones included (a time-out is the
 * slowest answer a user gets), but throughput counts only the expected answers: fast 503s are no service.
 */
export function summarise(run: RunRecord): LoadSummary {
  const sorted = run.latencies.sorted();
  let requests = 0;
  let ok = 0;
  const errors: Record<string, number> = {};
  for (const [outcome, n] of Object.entries(run.outcomes)) {
    requests += n;
    if (run.expected.includes(outcome)) ok += n;
    else errors[outcome] = n;
  }
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    requests,
    ok,
    errors,
    reqPerSec: run.elapsedMs > 0 ? round1((ok * 1000) / run.elapsedMs) : 0,
    p50Ms: round1(percentile(sorted, 50)),
    p90Ms: round1(percentile(sorted, 90)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted.length ? sorted[sorted.length - 1] : NaN),
    meanMs: round1(sorted.length ? sum / sorted.length : NaN),
    elapsedMs: Math.round(run.elapsedMs),
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** value / ceiling to three decimals; null when either is missing or the ceiling is zero. */
export function ratio(value: number | null | undefined, ceiling: number | null | undefined): number | null {
  if (value == null || ceiling == null || !Number.isFinite(value) || !Number.isFinite(ceiling) || ceiling === 0) return null;
  return Math.round((value / ceiling) * 1000) / 1000;
}

/** `1,234` for counts, `12.5` / `1.5 s` for milliseconds, `–` for nothing. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${ms >= 100 ? Math.round(ms) : ms.toFixed(1)} ms`;
}

export function formatErrors(errors: Record<string, number>): string {
  const parts = Object.entries(errors)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, n]) => `${outcome}×${n}`);
  return parts.length ? parts.join(' ') : '0';
}

/** A plain-text table: columns padded to their widest cell, those listed in `right` aligned right. */
export function formatTable(rows: string[][], right: number[] = []): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (right.includes(i) ? (cell ?? '').padStart(widths[i]) : (cell ?? '').padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
