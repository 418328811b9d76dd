import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { prepareRuntime } from './bootstrap';
import { ConfigError, loadConfig } from './core/config/config';
import { RedisUnavailableError } from './core/infrastructure/local-redis';

/** `npm run start:worker`: queue workers and the outbox relay, no HTTP. Run as many as the mail volume needs. */
async function main(): Promise<void> {
  const config = loadConfig();
  const started = await prepareRuntime(config);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(started.runtime, { api: false, workers: true }));
  app.enableShutdownHooks();
  new Logger('Worker').log('Workers running');
  const shutdown = async () => {
    await app.close();
    await started.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error instanceof ConfigError || error instanceof RedisUnavailableError ? error.message : error);
  process.exit(1);
});
