import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';

describe('TRUST_PROXY', () => {
  const load = (value?: string) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'config-spec-')), TRUST_PROXY: value }).trustProxy;

  it('trusts no proxy by default, so the socket address is the client', () => {
    expect(load()).toBe(false);
    expect(load('')).toBe(false);
  });

  it('takes a hop count or a list of addresses and CIDRs', () => {
    expect(load('1')).toBe(1);
    expect(load('10.0.0.1, 10.1.0.0/16,::1, fd00::/8,loopback')).toEqual(['10.0.0.1', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
  });

  it.each(['true', '0', '11', '10.0.0.0/33', 'proxy.local', '10.0.0.1,', '::1/129'])('refuses %p', (value) => {
    expect(() => load(value)).toThrow(/TRUST_PROXY/);
  });
});
