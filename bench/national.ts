/**
 * The `national` scenario end to end, as `npm run simulate -- national` plays it, against the production layout:
 * the built API (`--api-only`) and a separate worker process on a bench database, their resident memory sampled
 * throughout. Figures: each phase's seconds, the whole season's, and the peak memory of both processes.
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { resolveLocalRedis } from '../src/core/infrastructure/local-redis';
import { DEMO_ADMIN, startInstance } from '../scripts/simulate/instance';
import { loadScenario } from '../scripts/simulate/scenario';
import { scaleScenario } from '../scripts/simulate/scale';
import { formatSeason, playSeason } from '../scripts/simulate/season';
import type { BenchModule, BenchRow } from './support/suite';
import { createBenchDatabase, dropBenchDatabase } from './support/bench-database';

/** The targets for the full-size season on the 2-core machine. */
const TARGET_SECONDS = 600;
const TARGET_API_MB = 512;

export const nationalModule: BenchModule = {
  name: 'national',
  async run({ root, adminUrl, quick }) {
    // BENCH_NATIONAL_SCALE shrinks the season (entries, schools, picks); --quick runs a two-hundredth of it.
    const scale = Number(process.env.BENCH_NATIONAL_SCALE ?? (quick ? 0.005 : 1));
    if (!(scale > 0)) throw new Error(`BENCH_NATIONAL_SCALE must be a positive number; got "${process.env.BENCH_NATIONAL_SCALE}"`);
    const scenario = scaleScenario(loadScenario(join(root, 'scenarios', 'national.json')), scale);
    const { name: database, url } = await createBenchDatabase(adminUrl, 'bench_national');
    const redis = process.env.BENCH_REDIS_URL ? { url: process.env.BENCH_REDIS_URL, stop: async () => {} } : await resolveLocalRedis(join(root, '.data', 'bench-redis'));
    const loadAtStart = loadavg()[0];
    process.stdout.write(`\nNational season (scenarios/national.json × ${scale}), API and worker as separate processes; load average ${loadAtStart.toFixed(2)}\n`);
    const instance = await startInstance({ root, mode: 'separate', databaseUrl: url, redisUrl: redis.url });
    try {
      const result = await playSeason(scenario, { baseUrl: instance.baseUrl, admin: DEMO_ADMIN, concurrency: 8, judgesAtOnce: 32, log: (line) => process.stdout.write(`  ${line}\n`) });
      const memory = instance.peakMemory();
      const label = scale === 1 ? 'national' : `national ×${scale}`;
      const rows: BenchRow[] = result.phases.map((p) => ({ figure: `${label}: ${p.phase} (${p.requests.toLocaleString('en')} requests)`, value: p.seconds, unit: 's' }));
      rows.push(
        {
          figure: `${label}: whole season (${result.report.entriesRegistered.toLocaleString('en')} entries)`,
          value: result.seconds,
          unit: 's',
          target: scale === 1 ? `< ${TARGET_SECONDS} s` : undefined,
        },
        { figure: `${label}: requests/s over the season`, value: Math.round(result.requests / result.seconds), unit: 'req/s' },
        { figure: `${label}: peak RSS, API process`, value: memory.API ?? null, unit: 'MB', target: `< ${TARGET_API_MB} MB` },
        { figure: `${label}: peak RSS, worker process`, value: memory.worker ?? null, unit: 'MB' },
      );
      if (result.mails !== null) rows.push({ figure: `${label}: mails delivered`, value: result.mails, unit: 'mails' });
      return { rows, details: { scale, loadAtStart, ...result, peakMemoryMb: memory }, text: formatSeason(result) };
    } finally {
      await instance.stop();
      await redis.stop();
      await dropBenchDatabase(adminUrl, database);
    }
  },
};
