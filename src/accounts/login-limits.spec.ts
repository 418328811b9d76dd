import { addressBucket, judgeLoginAttempt, loginBuckets } from './login-limits';

describe('judgeLoginAttempt', () => {
  const limits = { ipLimit: 10, ipWindowSeconds: 60, accountLimit: 5, accountWindowSeconds: 900 };
  const none = { count: 0, resetsInSeconds: 0 };

  it('lets attempts through below both limits', () => {
    expect(judgeLoginAttempt({ count: 9, resetsInSeconds: 30 }, { count: 4, resetsInSeconds: 800 }, false, limits)).toEqual({ allowed: true });
  });

  it('refuses an address at its limit until its window ends, whatever the account', () => {
    expect(judgeLoginAttempt({ count: 10, resetsInSeconds: 42 }, none, true, limits)).toEqual({ allowed: false, reason: 'address', retryAfterSeconds: 42 });
  });

  it('locks an account at its limit for the rest of its window, except from an address it logged in from', () => {
    expect(judgeLoginAttempt(none, { count: 5, resetsInSeconds: 700 }, false, limits)).toEqual({ allowed: false, reason: 'account', retryAfterSeconds: 700 });
    expect(judgeLoginAttempt(none, { count: 5, resetsInSeconds: 700 }, true, limits)).toEqual({ allowed: true });
  });

  it('never tells a client to retry in 0 seconds', () => {
    expect(judgeLoginAttempt({ count: 10, resetsInSeconds: 0 }, none, false, limits)).toMatchObject({ retryAfterSeconds: 1 });
  });
});

describe('addressBucket', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped ones', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 /64 as one address however it is written', () => {
    expect(addressBucket('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('2001:db8:0:2::1')).not.toBe(addressBucket('2001:db8:0:1::1'));
  });
});

describe('loginBuckets', () => {
  it('keeps no e-mail address in a key', () => {
    const buckets = loginBuckets('an@example.vn', '10.0.0.1');
    expect(JSON.stringify(buckets)).not.toContain('example');
    expect(buckets.known).toContain('10.0.0.1');
  });
});
