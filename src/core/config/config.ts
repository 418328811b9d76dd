import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { secretFileSync } from '../infrastructure/private-files';
import { StartupRefusal } from '../infrastructure/startup-refusal';

/** Everything the app reads from its environment, validated once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  /** The mail workers' own limits: mails per second per transport (BullMQ limiter), sends at once, first retry pause. */
  mail: { ratePerSecond: number; concurrency: number; retryDelayMs: number; jobLockMs: number };
  jwtSecret: string;
  jwtTtlSeconds: number;
  uploadDir: string;
  uploadMaxBytes: number;
  /** Which proxies may speak for the client in X-Forwarded-For: none (the socket address counts), a hop count, or addresses/CIDRs. */
  trustProxy: false | number | string[];
  idempotencyLeaseSeconds: number;
  loginRateLimit: number;
  loginRateWindowSeconds: number;
  loginAccountLimit: number;
  loginAccountWindowSeconds: number;
  redisPrefix: string;
  /** How long the app waits on PostgreSQL and Redis before a request answers 503 (and /health says which is down). */
  timeouts: DependencyTimeouts;
  /** Slow routes' own pools, so that they cannot take the connections logins and registrations need. */
  routeClasses: Record<RouteClass, RouteClassLimits>;
  seedDemo: boolean;
  /** Browser origins allowed to call the API cross-origin; empty: none. */
  corsOrigins: string[];
  logLevel: 'error' | 'warn' | 'log' | 'debug';
}

export interface DependencyTimeouts {
  databaseStatementMs: number;
  databaseConnectMs: number;
  databaseIdleInTransactionMs: number;
  redisCommandMs: number;
  redisConnectMs: number;
  healthMs: number;
}

/** Lists (entry lists and searches) read through a pool of their own; exports stream from connections of their own (ExportCursors). */
export type RouteClass = 'lists';

export interface RouteClassLimits {
  /** Connections of the class's pool, and so its requests at the database at once. */
  poolSize: number;
  /** How long a request waits for one of them before it is answered 503 (busy). */
  waitMs: number;
  /** PostgreSQL cancels a statement of the class running longer than this (503, busy). */
  statementMs: number;
}

export class ConfigError extends StartupRefusal {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

function url(env: Env, name: string, protocols: string[], problems: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = new URL(raw);
    if (!protocols.includes(parsed.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  } catch {
    problems.push(`${name} is not a valid URL`);
  }
  return raw;
}

function bool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false, got "${raw}"`);
  return fallback;
}

/** The proxy-addr names Fastify accepts besides addresses and CIDRs. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: Env, problems: string[]): AppConfig['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 10) return hops;
    problems.push(`TRUST_PROXY as a hop count must be from 1 to 10, got "${raw}"`);
    return false;
  }
  const entries = raw.split(',').map((part) => part.trim());
  const bad = entries.filter((entry) => {
    if (PROXY_NAMES.includes(entry)) return false;
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return true;
    return prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  if (bad.length) problems.push(`TRUST_PROXY must be a hop count or comma-separated IP addresses/CIDRs, got ${bad.map((b) => `"${b}"`).join(', ')}`);
  return entries;
}

/**
 * Fastify's `trustProxy` for the setting. Fastify 5 treats a bare hop count as "trust nothing", so a count
 * becomes a function trusting that many hops nearest to us (the socket peer is hop 0).
 */
export function fastifyTrustProxy(setting: AppConfig['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** A comma-separated list of origins (`https://contest.example.vn`): scheme, host and port, nothing else. */
function origins(env: Env, name: string, problems: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of list) {
    let origin: string | undefined;
    try {
      const parsed = new URL(item);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') origin = parsed.origin;
    } catch {
      // reported below
    }
    if (origin !== item) problems.push(`${name} must list origins such as https://contest.example.vn (http or https, no path or trailing slash), got "${item}"`);
  }
  return list;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const dataDir = resolve(env.DATA_DIR || '.data');
  const port = int(env, 'PORT', 3000, 0, 65535, problems);
  const host = env.HOST || '127.0.0.1';
  const logLevel = (env.LOG_LEVEL || 'log') as AppConfig['logLevel'];
  if (!['error', 'warn', 'log', 'debug'].includes(logLevel)) problems.push(`LOG_LEVEL must be error, warn, log or debug`);
  const jwtSecret = env.JWT_SECRET ?? '';
  if (env.JWT_SECRET !== undefined && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  // A secret generated per machine would make every API process refuse the others' tokens.
  if (env.JWT_SECRET === undefined && env.DATABASE_URL) problems.push('JWT_SECRET is required with DATABASE_URL: set the same secret on every API process');
  const statementMs = int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000, problems);
  const config: AppConfig = {
    port,
    host,
    publicUrl: env.PUBLIC_URL || `http://${host}:${port}`,
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], problems),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:'], problems),
    mailFrom: env.MAIL_FROM || 'Ban tổ chức <no-reply@contest.local>',
    mail: {
      ratePerSecond: int(env, 'MAIL_RATE_PER_SECOND', 50, 1, 10_000, problems),
      concurrency: int(env, 'MAIL_CONCURRENCY', 5, 1, 100, problems),
      retryDelayMs: int(env, 'MAIL_RETRY_DELAY_MS', 10_000, 10, 3_600_000, problems),
      // A job whose worker died is taken up again after about this long.
      jobLockMs: int(env, 'JOB_LOCK_MS', 30_000, 1_000, 600_000, problems),
    },
    jwtSecret,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 3600, 60, 86400, problems),
    uploadDir: resolve(env.UPLOAD_DIR || join(dataDir, 'uploads')),
    uploadMaxBytes: int(env, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1024, 200 * 1024 * 1024, problems),
    trustProxy: trustProxy(env, problems),
    idempotencyLeaseSeconds: int(env, 'IDEMPOTENCY_LEASE_SECONDS', 300, 1, 86400, problems),
    loginRateLimit: int(env, 'LOGIN_RATE_LIMIT', 10, 1, 10000, problems),
    loginRateWindowSeconds: int(env, 'LOGIN_RATE_WINDOW_SECONDS', 60, 1, 86400, problems),
    loginAccountLimit: int(env, 'LOGIN_ACCOUNT_LIMIT', 20, 1, 10000, problems),
    // Bounded so that a stranger can lock an account out for at most an hour at a time.
    loginAccountWindowSeconds: int(env, 'LOGIN_ACCOUNT_WINDOW_SECONDS', 900, 1, 3600, problems),
    redisPrefix: redisPrefix(env, dataDir),
    timeouts: {
      databaseStatementMs: statementMs,
      databaseConnectMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 60_000, problems),
      databaseIdleInTransactionMs: int(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 1_000, 3_600_000, problems),
      redisCommandMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 2_000, 50, 60_000, problems),
      redisConnectMs: int(env, 'REDIS_CONNECT_TIMEOUT_MS', 5_000, 100, 60_000, problems),
      healthMs: int(env, 'HEALTH_TIMEOUT_MS', 1_500, 100, 30_000, problems),
    },
    routeClasses: {
      lists: {
        poolSize: int(env, 'DATABASE_LIST_POOL_SIZE', 4, 1, 100, problems),
        waitMs: int(env, 'DATABASE_LIST_WAIT_MS', 2_000, 10, 60_000, problems),
        // A page is a few index probes: seconds mean the server is overloaded, not that the list is long.
        statementMs: int(env, 'DATABASE_LIST_STATEMENT_TIMEOUT_MS', Math.min(3_000, statementMs), 100, 3_600_000, problems),
      },
    },
    // A known demo password must never land in a real database by default: seed only the embedded one.
    seedDemo: bool(env, 'SEED_DEMO', !env.DATABASE_URL, problems),
    corsOrigins: origins(env, 'CORS_ORIGINS', problems),
    logLevel,
  };
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  // Development keeps one generated secret under the data directory so tokens survive a restart.
  if (!config.jwtSecret) config.jwtSecret = secretFileSync(join(dataDir, 'jwt-secret'));
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * `REDIS_PREFIX`, else `contest` for a deployment with its own database; on the embedded database, one prefix per data
 * directory, so two checkouts on one machine that share its Redis never take each other's queue jobs.
 */
function redisPrefix(env: Env, dataDir: string): string {
  if (env.REDIS_PREFIX) return env.REDIS_PREFIX;
  if (env.DATABASE_URL) return 'contest';
  return `contest-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}
