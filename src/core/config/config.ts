import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  jwtSecret: string;
  jwtTtlSeconds: number;
  uploadDir: string;
  uploadMaxBytes: number;
  loginRateLimit: number;
  loginRateWindowSeconds: number;
  redisPrefix: string;
  seedDemo: boolean;
  /** Browser origins allowed to call the API cross-origin; empty: none. */
  corsOrigins: string[];
  logLevel: 'error' | 'warn' | 'log' | 'debug';
}

export class ConfigError extends Error {}

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

/** A comma-separated list of origins (`https://contest.example.vn`): scheme, host and port, nothing else. */
function origins(env: Env, name: string, problems: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw.split(',').map((item) => item.trim()).filter(Boolean);
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

/** Development keeps one generated secret under the data directory so tokens survive a restart. */
function developmentJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
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
  const config: AppConfig = {
    port,
    host,
    publicUrl: env.PUBLIC_URL || `http://${host}:${port}`,
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], problems),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:'], problems),
    mailFrom: env.MAIL_FROM || 'Ban tổ chức <no-reply@contest.local>',
    jwtSecret,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 3600, 60, 86400, problems),
    uploadDir: resolve(env.UPLOAD_DIR || join(dataDir, 'uploads')),
    uploadMaxBytes: int(env, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1024, 200 * 1024 * 1024, problems),
    loginRateLimit: int(env, 'LOGIN_RATE_LIMIT', 10, 1, 10000, problems),
    loginRateWindowSeconds: int(env, 'LOGIN_RATE_WINDOW_SECONDS', 60, 1, 86400, problems),
    redisPrefix: env.REDIS_PREFIX || 'contest',
    // A known demo password must never land in a real database by default: seed only the embedded one.
    seedDemo: bool(env, 'SEED_DEMO', !env.DATABASE_URL, problems),
    corsOrigins: origins(env, 'CORS_ORIGINS', problems),
    logLevel,
  };
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  if (!config.jwtSecret) config.jwtSecret = developmentJwtSecret(dataDir);
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
