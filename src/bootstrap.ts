import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { join } from 'node:path';
import { AppModule, AppOptions } from './app.module';
import { AppConfig, ConfigError } from './core/config/config';
import { Runtime } from './core/core.module';
import { createValidationPipe } from './core/errors/validation.pipe';
import { startEmbeddedPostgres } from './core/infrastructure/embedded-postgres';
import { DataDirectoryBusyError } from './core/infrastructure/pid-file';
import { RedisUnavailableError, resolveLocalRedis } from './core/infrastructure/local-redis';
import { startDevMailbox } from './notifications/dev-mailbox';

export interface StartedRuntime {
  runtime: Runtime;
  /** What was started for us, to say so at boot. */
  embedded: { database: boolean; redis: boolean; mailbox: boolean };
  stop(): Promise<void>;
}

/** Resolves DATABASE_URL, REDIS_URL and SMTP_URL, starting the embedded stand-ins for those not given. */
export async function prepareRuntime(config: AppConfig): Promise<StartedRuntime> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  // PostgreSQL's own start-up chatter is only wanted when debugging.
  const databaseLog = config.logLevel === 'debug' ? (line: string) => console.log(line.trimEnd()) : () => {};
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const database = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), 'contest', databaseLog);
      stops.push(database.stop);
      databaseUrl = database.url;
    }
    let redisUrl = config.redisUrl;
    let redisStarted = false;
    if (!redisUrl) {
      const redis = await resolveLocalRedis(join(config.dataDir, 'redis'));
      stops.push(redis.stop);
      redisUrl = redis.url;
      redisStarted = redis.started;
    }
    let smtpUrl = config.smtpUrl;
    if (!smtpUrl) {
      const mailbox = await startDevMailbox(join(config.dataDir, 'mailbox'));
      stops.push(mailbox.stop);
      smtpUrl = mailbox.url;
    }
    return {
      runtime: { config, databaseUrl, redisUrl, smtpUrl },
      embedded: { database: !config.databaseUrl, redis: redisStarted, mailbox: !config.smtpUrl },
      stop,
    };
  } catch (error) {
    // Nothing started for a run that cannot go on may outlive it.
    await stop();
    throw error;
  }
}

/** The HTTP application (with workers when asked), configured exactly as in production. */
export async function createApp(runtime: Runtime, options: AppOptions, logger: false | undefined = undefined): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ trustProxy: true, bodyLimit: runtime.config.uploadMaxBytes + 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime, options), adapter, {
    logger: logger === false ? false : levelsFrom(runtime.config.logLevel),
    abortOnError: false,
  });
  // Before any route exists: Swagger's and multipart's are added next, Nest's at init.
  if (options.onRoute) app.getHttpAdapter().getInstance().addHook('onRoute', options.onRoute);
  await app.register(multipart, { limits: { fileSize: runtime.config.uploadMaxBytes, files: 1, fields: 20 } });
  app.useGlobalPipes(createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Contest platform API')
      .setDescription('Youth creativity and technical innovation contests: units, accounts, editions, entries. Errors share one shape: { code, message, details }.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  return app;
}

function levelsFrom(level: AppConfig['logLevel']): Array<'error' | 'warn' | 'log' | 'debug'> {
  const order = ['error', 'warn', 'log', 'debug'] as const;
  return order.slice(0, order.indexOf(level) + 1) as Array<'error' | 'warn' | 'log' | 'debug'>;
}

/** Runs the rest of start-up; if it fails, what was started for us is stopped before the error goes on. */
export async function stopOnFailure<T>(started: StartedRuntime, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/** On SIGINT/SIGTERM: finish in-flight work (HTTP, jobs), then stop what was started for us. */
export function closeOnSignals(app: INestApplicationContext, started: StartedRuntime): void {
  const shutdown = async () => {
    await app.close();
    await started.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Start-up problems a person can fix are told plainly; anything else with its stack. */
export function exitOnStartupError(error: unknown): never {
  console.error(error instanceof ConfigError || error instanceof RedisUnavailableError || error instanceof DataDirectoryBusyError ? `\n${error.message}\n` : error);
  process.exit(1);
}
