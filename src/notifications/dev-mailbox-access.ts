import { BlockList, isIP } from 'node:net';

/**
 * Who may read the development mailbox. It holds every mail the app ever sent, so not whoever can reach it: an app
 * listening on a loopback address (reachable from this machine alone) shows it without a login; listening anywhere
 * else, it is for administrators.
 */
export type DevMailboxAccess = 'anonymous' | 'admin';

export function devMailboxAccess(host: string): DevMailboxAccess {
  return isLoopbackHost(host) ? 'anonymous' : 'admin';
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost`, 127.0.0.0/8 and ::1, in any spelling (IPv4-mapped, zeros written out, in brackets). */
export function isLoopbackHost(host: string): boolean {
  const address = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost') return true;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
