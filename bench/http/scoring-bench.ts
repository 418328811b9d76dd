import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { runMigrations } from '../../src/core/database/migrate';
import { ENTITIES } from '../../src/entities';
import { seedWorld, WorldSpec } from '../../src/seed/world';
import { fetchOnce, LoadRequest, LoadResult, runLoad } from '../support/load';
import { benchRedis, ServerProcess, startBenchApi } from '../support/processes';
import { formatCost, RequestCost, RequestCostMeter } from '../support/request-cost';
import { formatErrors, formatMs, ratio } from '../support/stats';
import { createBenchDatabase, dropBenchDatabase } from '../support/bench-database';

/** Judges saving score sheets at once, as issue 14 asks. */
const JUDGES = 50;
/** Three judges per entry, thirty sheets per judge. */
const ENTRIES = 500;
const PASSWORD = 'bench-password-2017';
const CONTEST = 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng';
const DAY = 24 * 3600 * 1000;
const log = (line: string) => process.stdout.write(`${line}\n`);

export interface ScoringBench {
  judges: number;
  entries: number;
  seconds: number;
  /** GET /auth/me, the bare authenticated endpoint, on the same server in the same run. */
  authMe: LoadResult;
  /** PUT …/sheet: a judge saving draft points (checked against the rubric, written with its version, audited). */
  saveSheet: LoadResult;
  authMeCost: RequestCost;
  saveSheetCost: RequestCost;
  ratioToAuthMe: number | null;
  /** The targets: at least half of /auth/me, p99 under 50 ms. */
  meetsTargets: boolean;
}

/** A province's technical contest judged by one panel of 50 judges, k = 3, 500 entries. */
function world(): WorldSpec {
  const now = Date.now();
  const schools = Array.from({ length: 20 }, (_, i) => `ST-S${String(i + 1).padStart(2, '0')}`);
  return {
    levels: [
      { code: 'nation', name: 'Toàn quốc', rank: 0 },
      { code: 'province', name: 'Tỉnh', rank: 1 },
      { code: 'school', name: 'Trường', rank: 2, isLeaf: true },
    ],
    units: [
      { code: 'VN', name: 'Việt Nam', level: 'nation' },
      { code: 'ST', name: 'Sóc Trăng', level: 'province', parent: 'VN' },
      ...schools.map((code, i) => ({ code, name: `Trường THPT số ${i + 1}`, level: 'school', parent: 'ST' })),
    ],
    users: [
      { email: 'organiser@bench.vn', fullName: 'Ban tổ chức tỉnh', password: PASSWORD, grants: [{ role: 'organiser', unit: 'ST' }] },
      ...Array.from({ length: JUDGES }, (_, i) => ({ email: `gk${i}@bench.vn`, fullName: `Giám khảo ${i + 1}`, password: PASSWORD, grants: [{ role: 'judge' as const, unit: 'ST' }] })),
    ],
    contests: [
      {
        kind: 'technical',
        name: CONTEST,
        unit: 'ST',
        editions: [
          {
            number: 10,
            seasonLabel: '2022-2023',
            unit: 'ST',
            registrationOpensAt: new Date(now - DAY),
            registrationClosesAt: new Date(now + 60 * DAY),
            eligibility: { kind: 'technical', createdFromYear: 2018 },
            maxAuthors: 10,
            plannedEntries: ENTRIES,
            fields: [{ code: 'CNTT', name: 'Công nghệ thông tin, điện tử, viễn thông' }],
            rubric: [
              { code: 'novelty', name: 'Tính mới, tính sáng tạo', maxPoints: 30 },
              { code: 'applicability', name: 'Khả năng áp dụng', maxPoints: 35 },
              { code: 'effect', name: 'Hiệu quả kinh tế - xã hội', maxPoints: 35 },
            ],
            stages: [{ name: 'Cấp tỉnh', levelCode: 'province', judged: true, judgesPerEntry: 3, aggregation: 'mean', discrepancySpread: 20, tieBreak: [], advancement: null, prizeScheme: null }],
          },
        ],
      },
    ],
    entries: Array.from({ length: ENTRIES }, (_, i) => ({
      edition: `${CONTEST}#10`,
      school: schools[i % schools.length],
      reference: `KT-${String(i + 1).padStart(4, '0')}`,
      field: 'CNTT',
      title: `Giải pháp kỹ thuật số ${i + 1}`,
    })),
  };
}

/**
 * Score submission over HTTP: 50 judges each saving draft points on their own sheets as fast as they are answered,
 * beside GET /auth/me with 50 clients on the same API process in the same run.
 */
export async function benchScoring(options: { root: string; adminUrl: string; seconds: number }): Promise<ScoringBench> {
  const { root, adminUrl, seconds } = options;
  const { name: database, url: databaseUrl } = await createBenchDatabase(adminUrl, 'bench_scoring');
  let api: ServerProcess | null = null;
  let redisStop: (() => Promise<void>) | null = null;
  try {
    await runMigrations(databaseUrl);
    const source = new DataSource(dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS));
    await source.initialize();
    const seeded = await source.transaction((manager) => seedWorld(manager, world())).finally(() => source.destroy());
    const redis = await benchRedis(root);
    redisStop = redis.stop;
    const redisUrl = redis.url;
    api = await startBenchApi({ root, databaseUrl, database, redisUrl });
    const port = api.port;
    const call = async (req: LoadRequest & { method: LoadRequest['method'] }, expected = 200) => {
      const res = await fetchOnce(port, req);
      if (res.status !== expected) throw new Error(`${req.method} ${req.path} answered ${res.status}: ${res.body?.toString()}`);
      return res.body ? JSON.parse(res.body.toString()) : null;
    };
    const login = async (email: string) => `Bearer ${(await call({ method: 'POST', path: '/auth/login', body: { email, password: PASSWORD } })).accessToken}`;
    const organiser = await login('organiser@bench.vn');
    const as = (token: string) => ({ authorization: token });
    const stage = seeded.editions.get(`${CONTEST}#10`)!.stages[0];
    const panel = await call(
      {
        method: 'POST',
        path: `/stages/${stage.id}/panels`,
        headers: as(organiser),
        body: {
          unitId: seeded.units.get('ST')!.id,
          name: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin',
          fieldCodes: ['CNTT'],
          scoringOpensAt: new Date(Date.now() - DAY).toISOString(),
          scoringClosesAt: new Date(Date.now() + 30 * DAY).toISOString(),
        },
      },
      201,
    );
    const judges = Array.from({ length: JUDGES }, (_, i) => `gk${i}@bench.vn`);
    for (const email of judges) {
      await call({ method: 'POST', path: `/panels/${panel.id}/members`, headers: as(organiser), body: { userId: seeded.users.get(email)!.id, role: 'judge', fieldCodes: ['CNTT'] } }, 201);
    }
    await call({ method: 'POST', path: `/panels/${panel.id}/assignment`, headers: as(organiser) });
    // Each judge's own sheets and their versions: a closed-loop client sends its next save only once the last was
    // answered, so it knows every version it will send.
    const clients: Array<{ token: string; sheets: Array<{ entryId: string; version: number }> }> = [];
    for (const email of judges) {
      const token = await login(email);
      const mine: Array<{ entryId: string; sheet: { version: number } }> = await call({ method: 'GET', path: `/panels/${panel.id}/entries`, headers: as(token) });
      clients.push({ token, sheets: mine.map((e) => ({ entryId: e.entryId, version: e.sheet.version })) });
    }
    log(`Scoring bench: ${JUDGES} judges, ${ENTRIES} entries, ${clients.reduce((n, c) => n + c.sheets.length, 0)} sheets assigned`);

    const turns = new Array<number>(JUDGES).fill(0);
    const save = (_n: number, client: number): LoadRequest => {
      const { token, sheets } = clients[client];
      const turn = turns[client]++;
      const sheet = sheets[turn % sheets.length];
      const points = { novelty: (turn % 61) / 2, applicability: ((turn * 7) % 71) / 2, effect: ((turn * 3) % 71) / 2 };
      return { method: 'PUT', path: `/panels/${panel.id}/entries/${sheet.entryId}/sheet`, headers: as(token), body: { version: sheet.version++, points } };
    };
    const authMe = (_n: number, client: number): LoadRequest => ({ method: 'GET', path: '/auth/me', headers: as(clients[client].token) });
    const durationMs = seconds * 1000;
    const meter = await RequestCostMeter.open(adminUrl, database);
    const measure = async (name: string, next: (n: number, client: number) => LoadRequest): Promise<[LoadResult, RequestCost]> => {
      await runLoad({ port, concurrency: JUDGES, requests: JUDGES * 4, next, timeoutMs: 30_000 });
      const [result, cost] = await meter.measure(api!.pid, () => runLoad({ port, concurrency: JUDGES, durationMs, next, timeoutMs: 30_000 }));
      log(
        `  ${name}: ${result.reqPerSec} req/s, p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}, errors ${formatErrors(result.errors)}, load ${result.loadAverage}; per request: ${formatCost(cost)}`,
      );
      return [result, cost];
    };
    const [authMeRun, authMeCost] = await measure('GET /auth/me (ceiling)', authMe);
    const [saveRun, saveSheetCost] = await measure('PUT /panels/{id}/entries/{entryId}/sheet', save);
    await meter.close();
    const ratioToAuthMe = ratio(saveRun.reqPerSec, authMeRun.reqPerSec);
    return {
      judges: JUDGES,
      entries: ENTRIES,
      seconds,
      authMe: authMeRun,
      saveSheet: saveRun,
      authMeCost,
      saveSheetCost,
      ratioToAuthMe,
      meetsTargets: (ratioToAuthMe ?? 0) >= 0.5 && (saveRun.p99Ms ?? Infinity) < 50 && Object.keys(saveRun.errors).length === 0,
    };
  } finally {
    await api?.stop().catch(() => undefined);
    if (redisStop) await redisStop().catch(() => undefined);
    await dropBenchDatabase(adminUrl, database);
  }
}

/** The lines `npm run bench` prints for it. */
export function scoringText(result: ScoringBench): string {
  const row = (name: string, r: LoadResult, c: RequestCost) =>
    `  ${name.padEnd(44)} ${String(r.reqPerSec).padStart(7)} req/s  p50 ${formatMs(r.p50Ms).padStart(8)}  p99 ${formatMs(r.p99Ms).padStart(8)}  errors ${formatErrors(r.errors)}  ` +
    `CPU/request: ${formatCost(c)}`;
  return (
    `Score submission over HTTP (${result.judges} concurrent judges, ${result.entries} entries, k = 3, ${result.seconds} s each, same API process):\n` +
    `${row('GET /auth/me (ceiling)', result.authMe, result.authMeCost)}\n` +
    `${row('PUT /panels/{id}/entries/{entryId}/sheet', result.saveSheet, result.saveSheetCost)}\n` +
    `  ratio ${result.ratioToAuthMe?.toFixed(3) ?? '–'} (target ≥ 0.5), p99 ${formatMs(result.saveSheet.p99Ms)} (target < 50 ms): ${result.meetsTargets ? 'met' : 'NOT met'}\n`
  );
}
