import { randomUUID } from 'node:crypto';
import { passwordToken, passwordTokenHash, passwordTokenId, passwordTokenMatches } from './password-tokens';

describe('password tokens', () => {
  const secret = 'test-secret-that-is-long-enough-for-hs256';

  it('derives one token per id and secret, and names its id', () => {
    const id = randomUUID();
    const token = passwordToken(secret, id);
    expect(passwordToken(secret, id)).toBe(token);
    expect(passwordToken(`${secret}-other`, id)).not.toBe(token);
    expect(passwordTokenId(token)).toBe(id);
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  });

  it('matches only the token whose hash was stored', () => {
    const id = randomUUID();
    const token = passwordToken(secret, id);
    const stored = passwordTokenHash(token);
    expect(stored).not.toContain(token.split('.')[1]);
    expect(passwordTokenMatches(token, stored)).toBe(true);
    expect(passwordTokenMatches(`${id}.${'A'.repeat(43)}`, stored)).toBe(false);
    expect(passwordTokenMatches(passwordToken(secret, randomUUID()), stored)).toBe(false);
  });

  it('reads no id from anything but a well-formed token', () => {
    for (const junk of ['', 'abc', `${randomUUID()}`, `${randomUUID()}.short`, `../../etc.${'A'.repeat(43)}`]) expect(passwordTokenId(junk)).toBeNull();
  });
});
