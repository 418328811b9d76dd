/**
 * `npm run simulate -- <scenario> [--json out.json] [--url http://…] [--scale 0.1]`: plays a whole season through the
 * public HTTP API and prints the season report and the time of each phase. Without --url it starts the built app on
 * its embedded defaults (a fresh DATA_DIR under the system's temp folder) and stops it afterwards.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { DEMO_ADMIN, Instance, startInstance } from './simulate/instance';
import { loadScenario, Scenario, ScenarioError } from './simulate/scenario';
import { formatSeason, playSeason } from './simulate/season';
import { scaleScenario } from './simulate/scale';

const ROOT = resolve(__dirname, '..', '..');

const USAGE = `usage: npm run simulate -- <scenario name in scenarios/ or path to a .json file> [options]
  --json <file>           write the report and the phase times as JSON
  --url <http://…>        play against a running instance (default: start one on the embedded defaults)
  --admin <email:password> an administrator of that instance (default: the demo administrator)
  --scale <factor>        multiply generated counts (entries, units given as totals, selection totals); drops the expectations
  --concurrency <n>       requests in flight at once (default 8)
  --judges-at-once <n>    judges scoring side by side, one sheet each at a time (default: --concurrency)
  --school-accounts <n|all> schools with their own account (default: the scenario's)`;

function args(argv: string[]) {
  const out: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const [key, inline] = argv[i].slice(2).split('=', 2);
      out[key] = inline ?? argv[++i];
      if (out[key] === undefined) throw new ScenarioError(`--${key} needs a value\n${USAGE}`);
    } else positional.push(argv[i]);
  }
  if (positional.length !== 1) throw new ScenarioError(USAGE);
  return { scenario: positional[0], ...out } as Record<string, string | undefined> & { scenario: string };
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const path = existsSync(a.scenario) ? a.scenario : resolve(ROOT, 'scenarios', `${a.scenario.replace(/\.json$/, '')}.json`);
  let scenario: Scenario = loadScenario(path);
  if (a.scale !== undefined) {
    const factor = Number(a.scale);
    if (!(factor > 0)) throw new ScenarioError(`--scale must be a positive number; got "${a.scale}"`);
    scenario = scaleScenario(scenario, factor);
  }
  const [email, ...rest] = (a.admin ?? `${DEMO_ADMIN.email}:${DEMO_ADMIN.password}`).split(':');
  const schoolAccounts = a['school-accounts'] === undefined ? undefined : a['school-accounts'] === 'all' ? 'all' : Number(a['school-accounts']);
  const concurrency = a.concurrency === undefined ? 8 : Number(a.concurrency);
  if (!(Number.isInteger(concurrency) && concurrency > 0)) throw new ScenarioError(`--concurrency must be a whole number ≥ 1; got "${a.concurrency}"`);
  const judgesAtOnce = a['judges-at-once'] === undefined ? undefined : Number(a['judges-at-once']);
  if (judgesAtOnce !== undefined && !(Number.isInteger(judgesAtOnce) && judgesAtOnce > 0)) throw new ScenarioError(`--judges-at-once must be a whole number ≥ 1; got "${a['judges-at-once']}"`);

  let instance: Instance | null = null;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    if (!a.url) {
      log('Starting the built app on its embedded defaults (fresh data folder)…');
      instance = await startInstance({ root: ROOT, mode: 'embedded' });
      log(`  listening at ${instance.baseUrl}`);
    }
    const load = loadavg()[0];
    const result = await playSeason(scenario, { baseUrl: a.url ?? instance!.baseUrl, admin: { email, password: rest.join(':') }, concurrency, judgesAtOnce, schoolAccounts, log });
    const memory = instance?.peakMemory() ?? null;
    process.stdout.write(`\n${formatSeason(result)}\n`);
    if (memory)
      process.stdout.write(
        `Peak resident memory: ${Object.entries(memory)
          .map(([name, mb]) => `${name} ${mb ?? '?'} MB`)
          .join(', ')}\n`,
      );
    process.stdout.write(`Load average (1 min) at start ${load.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}\n`);
    if (a.json) {
      writeFileSync(a.json, `${JSON.stringify({ ...result, peakMemoryMb: memory, loadAverage: { start: load, end: loadavg()[0] } }, null, 2)}\n`);
      process.stdout.write(`Written to ${a.json}\n`);
    }
    if (result.mismatches.length) process.exitCode = 1;
  } finally {
    await instance?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ScenarioError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
