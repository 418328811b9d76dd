import { hash, verify } from '@node-rs/argon2';
import { Admission } from '../core/admission';
import { DomainError } from '../core/errors/domain-error';

/** argon2id with OWASP's minimum: 19 MiB, 2 passes, one lane. */
const OPTIONS = { algorithm: 2 as const, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

/**
 * Hashes (and checks) run two at a time: each holds its 19 MiB while it runs, on one of libuv's four threads. Four at
 * once were the API's memory peak of a national season (550 MB while the provinces' judges were created and logged
 * in by the hundred; 421 MB with two), for no more logins a second on two cores. A hash waiting longer than this is a
 * 503 (busy), not a login held for minutes.
 */
export const HASHING = new Admission(2, 30_000);

export function hashPassword(password: string): Promise<string> {
  return HASHING.run(() => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await HASHING.run(() => verify(passwordHash, password));
  } catch (error) {
    if (error instanceof DomainError) throw error;
    return false;
  }
}

/** A fixed hash to verify against when the e-mail is unknown, so timing does not reveal which accounts exist. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('not-a-real-password');
  return decoy;
}
