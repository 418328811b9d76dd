import { TokenSubject } from './actor';
import { tokenSubject } from './token-claims';

/** Tokens remembered at once; the oldest is dropped first (a national season has a few thousand active accounts). */
export const VERIFIED_TOKENS_SIZE = 10_000;

interface Verified {
  subject: TokenSubject;
  /** The token's `exp`, in seconds since the epoch. */
  exp: number;
}

/**
 * The subjects of tokens whose signature was verified, so that the HMAC and the decoding run once per token rather
 * than on every request (a tenth of a cheap request's CPU). A token is remembered only once verified and only
 * until its own expiry, checked as jsonwebtoken checks it; whether its user and version are still accepted is
 * decided afterwards on every request, as for a token verified afresh. A token that fails is never remembered.
 */
export class VerifiedTokens {
  private readonly known = new Map<string, Verified>();

  constructor(
    private readonly capacity = VERIFIED_TOKENS_SIZE,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token's subject, or null when it is expired or its claims are not ours; `verify` throws when the signature is bad. */
  async subject(token: string, verify: (token: string) => Promise<unknown>): Promise<TokenSubject | null> {
    const known = this.known.get(token);
    if (known) {
      if (this.unexpired(known.exp)) return known.subject;
      this.known.delete(token);
    }
    const payload = await verify(token);
    const subject = tokenSubject(payload);
    if (!subject) return null;
    if (this.known.size >= this.capacity) this.known.delete(this.known.keys().next().value!);
    this.known.set(token, { subject, exp: (payload as { exp: number }).exp });
    return subject;
  }

  /** jsonwebtoken's own test: a token expires at the start of its `exp` second. */
  private unexpired(exp: number): boolean {
    return Math.floor(this.now() / 1000) < exp;
  }
}
