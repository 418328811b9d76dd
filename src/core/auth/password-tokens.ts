import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-time password links. The token is derived from its row id with the server secret, and only its SHA-256 is
 * stored: neither the token table nor the outbox (which carries the id) gives anyone a usable link without the secret.
 */
export function passwordToken(secret: string, tokenId: string): string {
  return `${tokenId}.${createHmac('sha256', secret).update(`password-token:${tokenId}`).digest('base64url')}`;
}

export function passwordTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$/;

/** The row id a well-formed token names, or null. */
export function passwordTokenId(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

export function passwordTokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(passwordTokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
