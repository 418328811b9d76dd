import { formatErrors, formatMs, formatTable, LatencyRecorder, percentile, ratio, summarise } from './stats';

const recorder = (values: number[], capacity = 4) => {
  const r = new LatencyRecorder(capacity);
  for (const v of values) r.record(v);
  return r;
};

describe('LatencyRecorder', () => {
  it('keeps every latency when a run outgrows the capacity it was given', () => {
    const r = recorder([5, 3, 9, 1, 7, 2, 8, 6, 4, 10], 3);
    expect(r.count).toBe(10);
    expect(Array.from(r.sorted())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('sorts numerically, not as text', () => {
    expect(Array.from(recorder([100, 9, 20]).sorted())).toEqual([9, 20, 100]);
  });
});

describe('percentile', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the nearest rank: p50 of 1..100 is 50, p99 is 99, p100 is 100', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });

  it('gives the single slow request as p99 when it is more than 1 % of the requests', () => {
    expect(percentile([1, 1, 1, 1, 1, 1, 1, 1, 1, 5000], 99)).toBe(5000);
  });

  it('is NaN for a run without requests', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarise', () => {
  it('counts only expected answers as throughput and lists the others by status', () => {
    const s = summarise({ latencies: recorder([10, 20, 30, 40]), outcomes: { '200': 2, '503': 1, timeout: 1 }, elapsedMs: 2000, expected: ['200'] });
    expect(s).toMatchObject({ requests: 4, ok: 2, errors: { '503': 1, timeout: 1 }, reqPerSec: 1, p50Ms: 20, maxMs: 40, meanMs: 25 });
  });

  it('reports a run that got nothing done as 0 req/s with no latency', () => {
    const s = summarise({ latencies: new LatencyRecorder(), outcomes: {}, elapsedMs: 0, expected: ['200'] });
    expect(s.reqPerSec).toBe(0);
    expect(s.requests).toBe(0);
    expect(s.p99Ms).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides to three decimals', () => {
    expect(ratio(538, 2177)).toBe(0.247);
  });

  it('is null when the ceiling is missing or zero', () => {
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(10, null)).toBeNull();
    expect(ratio(NaN, 5)).toBeNull();
  });
});

describe('formatting', () => {
  it('writes milliseconds as a person reads them', () => {
    expect(formatMs(4.25)).toBe('4.3 ms');
    expect(formatMs(229.4)).toBe('229 ms');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(56_800)).toBe('57 s');
    expect(formatMs(NaN)).toBe('–');
  });

  it('lists errors by status, or 0 when there were none', () => {
    expect(formatErrors({ timeout: 2, '500': 3 })).toBe('500×3 timeout×2');
    expect(formatErrors({})).toBe('0');
  });

  it('pads columns and right-aligns the numeric ones', () => {
    expect(
      formatTable(
        [
          ['route', 'req/s'],
          ['GET /auth/me', '538'],
          ['x', '2,177'],
        ],
        [1],
      ),
    ).toBe('route         req/s\nGET /auth/me    538\nx             2,177');
  });
});
