import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentAccess, routeAccessTable } from './core/access/route-table';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { AppModule, AppOptions } from './app.module';
import { AppConfig, fastifyTrustProxy } from './core/config/config';
import { Runtime } from './core/core.module';
import { invalidRequest } from './core/errors/domain-error';
import { documentIdempotencyKey } from './core/idempotency/idempotency-docs';
import { createValidationPipe } from './core/errors/validation.pipe';
import { applyRouteBodyLimit, DEFAULT_BODY_LIMIT } from './core/http/body-limit';
import { answerClientError, REQUEST_TIMEOUT_MS } from './core/http/client-errors';
import { addSecurityHeaders } from './core/http/security-headers';
import { requestInputProblems } from './core/http/input-bounds';
import { serveWebFront } from './core/http/web-front';
import { startEmbeddedPostgres } from './core/infrastructure/embedded-postgres';
import { privateDirSync } from './core/infrastructure/private-files';
import { resolveLocalRedis } from './core/infrastructure/local-redis';
import { GracefulStop, gracefulStop, takeOverStopSignals } from './core/infrastructure/shutdown';
import { StartupRefusal } from './core/infrastructure/startup-refusal';
import { startDevMailbox } from './notifications/dev-mailbox';

export interface StartedRuntime {
  runtime: Runtime;
  /** What was started for us, to say so at boot. */
  embedded: { database: boolean; redis: boolean; mailbox: boolean };
  /** What was started for us, named, in the order to stop it (the last started first). */
  steps: StopStep[];
  stop(): Promise<void>;
}

type StopStep = GracefulStop['steps'][number];

/** Resolves DATABASE_URL, REDIS_URL and SMTP_URL, starting the embedded stand-ins for those not given. */
export async function prepareRuntime(config: AppConfig): Promise<StartedRuntime> {
  const steps: StopStep[] = [];
  const stop = async () => {
    for (const step of steps) await step.stop().catch(() => undefined);
  };
  // PostgreSQL's own start-up chatter is only wanted when debugging.
  const databaseLog = config.logLevel === 'debug' ? (line: string) => console.log(line.trimEnd()) : () => {};
  try {
    // Earlier versions left uploads readable by all (0755 folders, 0644 files); new ones are private, and closing the
    // default folder closes the old ones in it. An UPLOAD_DIR set elsewhere is the operator's to set up.
    const defaultUploadDir = join(config.dataDir, 'uploads');
    if (config.uploadDir === defaultUploadDir && existsSync(defaultUploadDir)) privateDirSync(defaultUploadDir);
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const database = await startEmbeddedPostgres(config.dataDir, databaseLog, (line) => console.log(line));
      steps.unshift({ name: 'embedded PostgreSQL', stop: database.stop });
      databaseUrl = database.url;
    }
    let redisUrl = config.redisUrl;
    let redisStarted = false;
    if (!redisUrl) {
      const redis = await resolveLocalRedis(join(config.dataDir, 'redis'));
      if (redis.started) steps.unshift({ name: 'Redis (started by the app)', stop: redis.stop });
      redisUrl = redis.url;
      redisStarted = redis.started;
    }
    let smtpUrl = config.smtpUrl;
    if (!smtpUrl) {
      const mailbox = await startDevMailbox(join(config.dataDir, 'mailbox'));
      steps.unshift({ name: 'development mailbox', stop: mailbox.stop });
      smtpUrl = mailbox.url;
    }
    return {
      runtime: { config, databaseUrl, redisUrl, smtpUrl },
      embedded: { database: !config.databaseUrl, redis: redisStarted, mailbox: !config.smtpUrl },
      steps,
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
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime, options), appAdapter(runtime), appCreateOptions(runtime, logger));
  return configureApp(app, runtime, options);
}

/** Uploads do not count against the body limit: the multipart limits in `configureApp` bound them. */
export function appAdapter(runtime: Runtime): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: fastifyTrustProxy(runtime.config.trustProxy),
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestTimeout: REQUEST_TIMEOUT_MS,
    clientErrorHandler: answerClientError,
  });
}

export function appCreateOptions(runtime: Runtime, logger: false | undefined) {
  // Start-up stays quiet until the banner (Nest lists every module and route otherwise); see `startedLogging`.
  const startup = runtime.config.logLevel === 'debug' ? levelsFrom('debug') : levelsFrom('warn');
  return { logger: logger === false ? (false as const) : startup, abortOnError: false };
}

/** Once the app listens, it logs at LOG_LEVEL. */
export function startedLogging(app: NestFastifyApplication, config: AppConfig): void {
  app.useLogger(levelsFrom(config.logLevel));
}

/** Everything done to a created (not yet initialised) app, whoever created it: tests build one with overridden providers. */
export async function configureApp(app: NestFastifyApplication, runtime: Runtime, options: AppOptions): Promise<NestFastifyApplication> {
  // Before any route exists: Swagger's and multipart's are added next, Nest's at init.
  if (options.onRoute) app.getHttpAdapter().getInstance().addHook('onRoute', options.onRoute);
  hardenHttp(app);
  addSecurityHeaders(app.getHttpAdapter().getInstance(), {
    // Swagger UI at /docs loads its scripts from here and sets inline styles; nothing else is needed.
    contentSecurityPolicy: { directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null } },
    frameguard: { action: 'deny' },
  });
  if (runtime.config.corsOrigins.length > 0) app.enableCors({ origin: runtime.config.corsOrigins, exposedHeaders: ['Content-Disposition', 'Idempotent-Replay'], maxAge: 600 });
  await app.register(multipart, { limits: { fileSize: runtime.config.uploadMaxBytes, files: 1, fields: 20, parts: 21, fieldSize: 10 * 1024, headerPairs: 50 } });
  app.useGlobalPipes(createValidationPipe());
  // The document is built on its first request, not at start: scanning every route's metadata costs each start (and
  // each test file's app) about half a second. JSON only: Swagger would otherwise also serve /docs-yaml, dumping the
  // whole document to YAML again on every request.
  SwaggerModule.setup('docs', app, () => apiDocument(app), { jsonDocumentUrl: 'docs-json', raw: ['json'] });
  if (options.api) await serveWebFront(app.getHttpAdapter().getInstance());
  await app.init();
  return app;
}

function apiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Contest platform API')
      .setDescription(
        'Youth creativity and technical innovation contests: units, accounts, editions, entries. Errors share one shape: { code, reason, params, message, details }; `reason` is a stable code to translate by (schema ProblemCode), `message` is Vietnamese unless Accept-Language prefers English.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  documentIdempotencyKey(document);
  documentAccess(document, routeAccessTable(app));
  return document;
}

/**
 * Every request input is checked right after parsing, before guards, interceptors or pipes copy it:
 * bounded size, keys and depth, and no text PostgreSQL cannot store. Answers that may carry personal
 * data are never cached.
 */
function hardenHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', applyRouteBodyLimit);
  fastify.addHook('preValidation', async (request) => {
    const problems = requestInputProblems(request);
    if (problems.length > 0) throw invalidRequest(problems);
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
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

/** Longest a stop on a signal may take (requests and jobs in flight finish) before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 20_000;

/**
 * On SIGINT (Ctrl-C) or SIGTERM: says what it stops, finishes in-flight work (HTTP, jobs), then stops what was
 * started for us; a second Ctrl-C exits at once. `name` is what the app runs ("API and workers").
 */
export function closeOnSignals(app: INestApplicationContext, started: StartedRuntime, name: string): void {
  const shutdown = gracefulStop({
    steps: [{ name, stop: () => app.close() }, ...started.steps],
    log: (line) => console.log(line),
    exit: (code) => process.exit(code),
    graceMs: SHUTDOWN_GRACE_MS,
  });
  takeOverStopSignals((signal) => void shutdown(signal));
}

/**
 * The heap grows by at most 30% past what the last full collection kept. V8's own growing factor (up to four times
 * when the process allocates fast) let a busy API's heap run to three times its live data before collecting: in the
 * national season bench the API peaked at 513 MB with about 100 MB live after each full collection; with this, 279 MB,
 * and the season ran faster (425 → 365 s), its collections smaller. V8 reads the factor at every collection, so
 * setting it once at start is enough. The API and the workers' process both start with it.
 */
export function keepHeapNearLiveSize(): void {
  setFlagsFromString('--heap-growing-percent=30');
}

/**
 * Last-resort handlers, installed first thing in each process.
 *
 * An uncaught exception may have left any state half-changed (a transaction, a socket, a lock): the process logs it
 * and exits with 1 for its supervisor (compose, systemd, Kubernetes) to start a fresh one, after a bounded attempt
 * to stop what it started for us (the embedded database). A rejected promise nobody awaited is a bug to fix, but it
 * unwound only its own async chain: the process logs it and keeps serving the other requests and jobs.
 * Set `started` on the answer once the runtime is up.
 */
export function exitOnFatalErrors(): { started?: StartedRuntime } {
  const current: { started?: StartedRuntime } = {};
  const logger = new Logger('Process');
  process.on('unhandledRejection', (reason) => {
    logger.error(`Unhandled promise rejection (a bug; still serving): ${reason instanceof Error ? reason.stack : String(reason)}`);
  });
  process.once('uncaughtException', (error) => {
    logger.error(`Uncaught exception, exiting for the supervisor to restart the process: ${error.stack ?? String(error)}`);
    const exit = () => process.exit(1);
    setTimeout(exit, 5000).unref();
    (current.started?.stop() ?? Promise.resolve()).then(exit, exit);
  });
  return current;
}

/** Start-up problems a person can fix are told plainly; anything else with its stack. */
export function exitOnStartupError(error: unknown): never {
  console.error(error instanceof StartupRefusal ? `\n${error.message}\n` : error);
  process.exit(1);
}
