import { TokenSubject } from './actor';

/** The only algorithm tokens are signed and accepted with: `none` and public-key confusions never verify. */
export const TOKEN_ALGORITHM = 'HS256';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The subject of a token whose signature has been verified, or null when its claims are not ours: no expiry
 * (a token valid for ever), a subject that is not a user id, or no token version.
 */
export function tokenSubject(payload: unknown): TokenSubject | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { sub, ver, exp } = payload as Record<string, unknown>;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
  if (typeof sub !== 'string' || !UUID.test(sub)) return null;
  if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return null;
  return { userId: sub, tokenVersion: ver };
}
