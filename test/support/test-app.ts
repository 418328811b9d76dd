import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RouteOptions } from 'fastify';
import { Test } from '@nestjs/testing';
import { appAdapter, appCreateOptions, configureApp, createApp } from '../../src/bootstrap';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/core/config/config';
import { REDIS } from '../../src/core/redis';
import { seedWorld, World, WorldSpec } from '../../src/seed/world';
import { PASSWORD, smallWorld } from './fixtures';
import { createTestDatabase, TestDatabase } from './test-db';
import { testEnvironment } from './test-env';
import { TestMailbox } from './test-mailbox';
import type IORedis from 'ioredis';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InjectOptions {
  headers?: Record<string, string>;
  payload?: unknown;
  query?: Record<string, string>;
}

export interface TestResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  rawPayload: Buffer;
  json<T = any>(): T;
}

/** The whole app over HTTP (Fastify inject), on its own database, Redis queue prefix and SMTP mailbox. */
export class TestApp {
  private tokens = new Map<string, string>();

  private constructor(
    readonly app: NestFastifyApplication,
    readonly db: TestDatabase,
    readonly mailbox: TestMailbox,
    readonly world: World,
    private readonly dataDir: string,
  ) {}

  /** `route` rewrites the addresses the app is given (not the test's own), e.g. through a `FaultProxy`. */
  static async start(
    options: {
      spec?: WorldSpec;
      workers?: boolean;
      env?: Record<string, string>;
      route?: { database?: (url: string) => string; redis?: (url: string) => string };
      onRoute?: (route: RouteOptions) => void;
      /** Providers replaced by test doubles (e.g. a seam another module will provide), through Nest's testing module. */
      overrides?: Array<{ provide: unknown; useValue: unknown }>;
    } = {},
  ): Promise<TestApp> {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'contest-test-'));
    let mailbox: TestMailbox | undefined;
    let app: NestFastifyApplication | undefined;
    try {
      const world = await db.source.transaction((manager) => seedWorld(manager, options.spec ?? smallWorld()));
      mailbox = await new TestMailbox().start();
      const { redisUrl, runId } = testEnvironment();
      const config = loadConfig({
        DATA_DIR: dataDir,
        JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256',
        REDIS_PREFIX: `test-${runId}-${Math.random().toString(36).slice(2, 8)}`,
        LOG_LEVEL: 'error',
        ...options.env,
      });
      const { database = (url: string) => url, redis = (url: string) => url } = options.route ?? {};
      const runtime = { config, databaseUrl: database(db.url), redisUrl: redis(redisUrl), smtpUrl: mailbox.url };
      const appOptions = { api: true, workers: options.workers ?? true, onRoute: options.onRoute };
      if (options.overrides?.length) {
        let builder = Test.createTestingModule({ imports: [AppModule.forRoot(runtime, appOptions)] });
        for (const { provide, useValue } of options.overrides) builder = builder.overrideProvider(provide as never).useValue(useValue);
        const moduleRef = await builder.compile();
        app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(appAdapter(runtime), appCreateOptions(runtime, false)), runtime, appOptions);
      } else {
        app = await createApp(runtime, appOptions, false);
      }
      await app.getHttpAdapter().getInstance().ready();
      // Logins are refused (503) until the request Redis connection is up, which can trail the start: a file's first
      // test would otherwise depend on what ran before it. Bounded, for tests that start with Redis out of reach.
      const requestRedis = app.get<IORedis>(REDIS);
      if (requestRedis.status !== 'ready') await Promise.race([once(requestRedis, 'ready'), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      return new TestApp(app, db, mailbox, world, dataDir);
    } catch (error) {
      // A start that fails half-way (a loaded machine's Redis timing out, say) must not leave the app, the SMTP server or
      // the database pool open: the file's afterAll has no TestApp to stop, and its jest worker could not exit.
      await closeAll([() => app?.close(), () => mailbox?.stop(), () => db.drop(), () => rmSync(dataDir, { recursive: true, force: true })]);
      throw error;
    }
  }

  /** Closes everything even when one part fails to close, then reports the first failure. */
  async stop(): Promise<void> {
    await closeAll([() => this.app.close(), () => this.mailbox.stop(), () => this.db.drop(), () => rmSync(this.dataDir, { recursive: true, force: true })]);
  }

  unitId(code: string): string {
    const unit = this.world.units.get(code);
    if (!unit) throw new Error(`No unit ${code} in the test world`);
    return unit.id;
  }

  /** After a logout or password change: the next request of each user logs in again. */
  forgetTokens(): void {
    this.tokens.clear();
  }

  async token(email: string, password = PASSWORD): Promise<string> {
    const cached = this.tokens.get(email);
    if (cached) return cached;
    const response = await this.request('POST', '/auth/login', { payload: { email, password } });
    if (response.statusCode !== 200) throw new Error(`Login as ${email} failed: ${response.statusCode} ${response.body}`);
    const token = response.json<{ accessToken: string }>().accessToken;
    this.tokens.set(email, token);
    return token;
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, options: InjectOptions = {}): Promise<TestResponse> {
    // Existing assertions read English messages; a test of the Vietnamese default sends its own Accept-Language.
    const headers = { 'accept-language': 'en', ...options.headers };
    return (await this.app.inject({ method, url, headers, payload: options.payload as never, query: options.query })) as unknown as TestResponse;
  }

  /** Requests as a logged-in user of the test world. */
  as(email: string) {
    const send = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, options: InjectOptions = {}) =>
      this.request(method, url, { ...options, headers: { authorization: `Bearer ${await this.token(email)}`, ...options.headers } });
    return {
      get: (url: string, options?: InjectOptions) => send('GET', url, options),
      post: (url: string, payload?: unknown, options?: InjectOptions) => send('POST', url, { ...options, payload }),
      put: (url: string, payload?: unknown, options?: InjectOptions) => send('PUT', url, { ...options, payload }),
      patch: (url: string, payload?: unknown, options?: InjectOptions) => send('PATCH', url, { ...options, payload }),
      delete: (url: string, options?: InjectOptions) => send('DELETE', url, options),
    };
  }
}

/** Runs every step, in order, whatever the others do; then throws the first failure. */
async function closeAll(steps: Array<() => unknown>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps)
    await Promise.resolve()
      .then(step)
      .catch((error: unknown) => failures.push(error));
  if (failures.length) throw failures[0];
}

/** Builds a multipart/form-data body with one file part (and optional text fields) for inject(). */
export function multipart(file: { field?: string; filename: string; contentType: string; content: Buffer | string }, fields: Record<string, string> = {}) {
  const boundary = `----contest${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`));
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
