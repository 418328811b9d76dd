import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** How long an address where an account logged in stays "known" to it, so the account's owner gets past a lock-out. */
export const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

export interface LoginLimits {
  ipLimit: number;
  ipWindowSeconds: number;
  accountLimit: number;
  accountWindowSeconds: number;
}

export interface CounterState {
  count: number;
  resetsInSeconds: number;
}

export type LoginVerdict = { allowed: true } | { allowed: false; reason: 'address' | 'account'; retryAfterSeconds: number };

/**
 * Whether a login attempt may go on to the password check. Only failures are counted, so these are
 * failures already made in the current windows: from this client address (any e-mail), and for this e-mail
 * (any address). An account past its limit is locked until its window ends, except from an address it
 * logged in from before: a stranger may slow an account down but cannot shut its owner out.
 */
export function judgeLoginAttempt(address: CounterState, account: CounterState, knownAddress: boolean, limits: LoginLimits): LoginVerdict {
  if (address.count >= limits.ipLimit) return { allowed: false, reason: 'address', retryAfterSeconds: Math.max(1, address.resetsInSeconds) };
  if (account.count >= limits.accountLimit && !knownAddress) return { allowed: false, reason: 'account', retryAfterSeconds: Math.max(1, account.resetsInSeconds) };
  return { allowed: true };
}

/**
 * The address a limit counts by. IPv6 clients usually hold a whole /64, so a /64 counts as one address;
 * an IPv4-mapped IPv6 address is its IPv4 address.
 */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Redis buckets of one attempt; the e-mail is hashed so that no address book sits in Redis. */
export function loginBuckets(email: string, ip: string): { address: string; account: string; known: string } {
  const account = createHash('sha256').update(email).digest('base64url');
  const address = addressBucket(ip);
  return { address: `login:address:${address}`, account: `login:account:${account}`, known: `login:known:${account}:${address}` };
}
