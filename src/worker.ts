import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { closeOnSignals, exitOnFatalErrors, keepHeapNearLiveSize, exitOnStartupError, prepareRuntime, stopOnFailure } from './bootstrap';
import { loadConfig } from './core/config/config';

/** `npm run start:worker`: queue workers and the outbox relay, no HTTP. Run as many as the mail volume needs. */
async function main(): Promise<void> {
  keepHeapNearLiveSize();
  const fatal = exitOnFatalErrors();
  const config = loadConfig();
  const started = await prepareRuntime(config);
  fatal.started = started;
  const app = await stopOnFailure(started, () => NestFactory.createApplicationContext(AppModule.forRoot(started.runtime, { api: false, workers: true }), { abortOnError: false }));
  new Logger('Worker').log('Workers running');
  closeOnSignals(app, started, 'workers');
}

main().catch(exitOnStartupError);
