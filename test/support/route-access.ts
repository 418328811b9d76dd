import { createHmac, randomUUID } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import type { Role } from '../../src/core/auth/actor';

/**
 * The pieces of the route-access matrix (test/e2e/route-access.e2e.ts): who calls, what the access policy
 * answers them, and the route table the running app registered.
 */

/**
 * Which objects a caller reaches, given the unit the object belongs to. Administrators reach everything.
 * - `under`: the object's unit lies at or under a unit where the caller holds one of `roles`;
 * - `onPath`: the same, or the object's unit lies above such a unit (a school sees its province's contest).
 */
export type Scope = { under: readonly Role[] } | { onPath: readonly Role[] };

export type AccessRule =
  | { public: true }
  /** Anyone logged in, with or without grants (about oneself). */
  | { signedIn: true }
  /** `roles` may call the route at all (403 for anyone else); `scope` and `target` decide which objects (404 outside). */
  | { roles: readonly Role[]; scope?: Scope; target?: string }
  /**
   * Any signed-in caller reaches the route, but only these callers (e-mails) reach the object it is tried on: what
   * they are assigned or sit on (a judge's entries, a panel's chair); everyone else, administrators too, gets 404.
   */
  | { assigned: readonly string[] };

/** What a caller should get: `ok` is neither 401 nor 403 nor 404 (the access layer let the call through). */
export type Verdict = 'ok' | 401 | 403 | 404;

export interface SignedInCaller {
  name: string;
  email: string;
  grants: Array<{ role: Role; unitPath: string }>;
}

/** The access policy as this test understands it, from the rule alone. `caller` null: anonymous or a forged token. */
export function verdict(rule: AccessRule, caller: SignedInCaller | null, unitPath: (code: string) => string): Verdict {
  if ('public' in rule) return 'ok';
  if (!caller) return 401;
  if ('signedIn' in rule) return 'ok';
  if ('assigned' in rule) return rule.assigned.includes(caller.email) ? 'ok' : 404;
  const isAdmin = caller.grants.some((g) => g.role === 'admin');
  if (!isAdmin && !rule.roles.some((role) => caller.grants.some((g) => g.role === role))) return 403;
  if (!rule.scope || isAdmin) return 'ok';
  if (!rule.target) throw new Error('A scoped access rule needs the unit of the object it is tried on');
  const target = unitPath(rule.target);
  const { scope } = rule;
  const roles = 'under' in scope ? scope.under : scope.onPath;
  const reaches = caller.grants.filter((g) => roles.includes(g.role)).some((g) => target.startsWith(g.unitPath) || ('onPath' in scope && g.unitPath.startsWith(target)));
  return reaches ? 'ok' : 404;
}

export function verdictOf(status: number): Verdict | 'error' {
  if (status === 401 || status === 403 || status === 404) return status;
  return status >= 500 ? 'error' : 'ok';
}

/** `METHOD /path` for every route Fastify registered; a HEAD that only mirrors a GET counts as that GET. */
export function routeKeys(routes: RouteOptions[]): string[] {
  const keys = new Set<string>();
  const gets = new Set(routes.filter((r) => [r.method].flat().includes('GET')).map((r) => r.url));
  for (const route of routes) {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' && gets.has(route.url)) continue;
      keys.add(`${method} ${route.url}`);
    }
  }
  return [...keys].sort();
}

/** Differences between the registered routes and the access table, each said as what to do about it. */
export function tableProblems(registered: string[], table: string[]): string[] {
  const known = new Set(table);
  const live = new Set(registered);
  return [
    ...registered.filter((key) => !known.has(key)).map((key) => `add an access rule for ${key}`),
    ...table.filter((key) => !live.has(key)).map((key) => `remove the access rule for ${key}: the app has no such route`),
  ];
}

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function signHs256(payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Authorization headers nobody should get in with, built from a real administrator's token so that each
 * differs from a valid one in one respect only.
 */
export function forgedTokens(adminToken: string, secret: string): Record<string, string> {
  const claims = payloadOf(adminToken);
  const now = Math.floor(Date.now() / 1000);
  const [header, , signature] = adminToken.split('.');
  const swapped = { ...claims, sub: randomUUID() };
  return {
    'wrong signature': `Bearer ${signHs256(claims, `${secret}-but-not-quite`)}`,
    'payload swapped under a valid signature': `Bearer ${header}.${base64url(swapped)}.${signature}`,
    expired: `Bearer ${signHs256({ ...claims, iat: now - 7200, exp: now - 3600 }, secret)}`,
    'alg none': `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
    'no subject': `Bearer ${signHs256({ ...claims, sub: undefined }, secret)}`,
    'unknown user': `Bearer ${signHs256({ ...claims, sub: randomUUID() }, secret)}`,
    'not a JWT': 'Bearer not-a-token',
    'another scheme': `Basic ${Buffer.from('admin@test.vn:x').toString('base64')}`,
  };
}

/** Forged tokens the guard lets through today, each with the change that closes it. */
export function knownGapTokens(adminToken: string, secret: string): Record<string, string> {
  const claims = payloadOf(adminToken);
  const { exp: _exp, ...forever } = claims;
  return {
    'without an expiry': `Bearer ${signHs256(forever, secret)}`,
    'whose subject is not a user id': `Bearer ${signHs256({ ...claims, sub: 'not-a-uuid' }, secret)}`,
    'whose subject is a number': `Bearer ${signHs256({ ...claims, sub: 42 }, secret)}`,
  };
}
