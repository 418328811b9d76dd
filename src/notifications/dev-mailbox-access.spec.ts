import { devMailboxAccess, isLoopbackHost } from './dev-mailbox-access';

describe('development mailbox access', () => {
  it('is anonymous only on addresses this machine alone reaches', () => {
    for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '127.1.2.3', '::ffff:127.0.0.1']) {
      expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', '::ffff:10.0.0.1', 'contest.example.vn', '127.0.0.1.nip.io', '']) {
      expect([host, isLoopbackHost(host)]).toEqual([host, false]);
    }
  });

  it('asks for an administrator anywhere else', () => {
    expect(devMailboxAccess('127.0.0.1')).toBe('anonymous');
    expect(devMailboxAccess('0.0.0.0')).toBe('admin');
  });
});
