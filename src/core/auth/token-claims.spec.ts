import { tokenSubject } from './token-claims';

describe('tokenSubject', () => {
  const sub = '0b3f2c1e-8d4a-4c2b-9f1e-2a3b4c5d6e7f';
  const exp = Math.floor(Date.now() / 1000) + 60;

  it('reads the user id and token version of a well-formed token', () => {
    expect(tokenSubject({ sub, ver: 3, exp, iat: exp - 60 })).toEqual({ userId: sub, tokenVersion: 3 });
  });

  it.each([
    ['no expiry', { sub, ver: 0 }],
    ['a subject that is not a user id', { sub: "1' OR '1'='1", ver: 0, exp }],
    ['a numeric subject', { sub: 42, ver: 0, exp }],
    ['no token version', { sub, exp }],
    ['a fractional token version', { sub, ver: 0.5, exp }],
    ['a string payload', 'hello'],
  ])('refuses a token with %s', (_, payload) => {
    expect(tokenSubject(payload)).toBeNull();
  });
});
