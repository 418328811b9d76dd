import { preloadSpreadsheets } from './core/spreadsheet';
import { closeOnSignals, createApp, exitOnFatalErrors, keepHeapNearLiveSize, exitOnStartupError, prepareRuntime, startedLogging, stopOnFailure } from './bootstrap';
import { loadConfig } from './core/config/config';
import { runMigrations } from './core/database/migrate';
import { seedDemoIfEmpty } from './seed/demo-seed';

/** `npm start`: API and workers in one process; `--api-only` (npm run start:api) leaves the workers to `worker.js`. */
async function main(): Promise<void> {
  keepHeapNearLiveSize();
  const apiOnly = process.argv.includes('--api-only');
  const fatal = exitOnFatalErrors();
  const config = loadConfig();
  const started = await prepareRuntime(config);
  fatal.started = started;
  const { runtime } = started;
  const { app, demo, applied } = await stopOnFailure(started, async () => {
    const applied = await runMigrations(runtime.databaseUrl);
    const seeded = config.seedDemo ? await seedDemoIfEmpty(runtime.databaseUrl) : null;
    const created = await createApp(runtime, { api: true, workers: !apiOnly });
    preloadSpreadsheets();
    await created.listen({ port: config.port, host: config.host });
    startedLogging(created, config);
    return { app: created, demo: seeded, applied };
  });
  const base = config.publicUrl;
  const lines = [
    `Contest platform listening on ${base}${apiOnly ? ' (API only; run the workers with npm run start:worker)' : ' (API and workers)'}`,
    `API docs:  ${base}/docs   (OpenAPI JSON: ${base}/docs-json)`,
    `Health:    ${base}/health`,
    `Database:  ${started.embedded.database ? `embedded PostgreSQL, data in ${config.dataDir}/postgres` : 'DATABASE_URL'}${applied.length ? `; schema brought up to date (${applied.length} migration${applied.length === 1 ? '' : 's'}, the latest ${applied.at(-1)})` : ''}`,
    `Redis:     ${started.embedded.redis ? `redis-server started by the app, data in ${config.dataDir}/redis` : config.redisUrl ? 'REDIS_URL' : runtime.redisUrl}`,
    `Mail:      ${started.embedded.mailbox ? `development mailbox, read it at ${base}/dev/mailbox` : 'SMTP_URL'}`,
  ];
  if (demo) {
    lines.push(`Demo season: ${demo.summary}`, 'Demo accounts (password for all: ' + demo.password + '):');
    for (const account of demo.accounts) lines.push(`  ${account.role.padEnd(10)} ${account.email.padEnd(34)} ${account.scope}`);
  }
  console.log(`\n${lines.join('\n')}\n`);
  closeOnSignals(app, started, apiOnly ? 'API' : 'API and workers');
}

main().catch(exitOnStartupError);
