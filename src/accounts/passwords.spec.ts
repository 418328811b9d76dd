import { hashPassword, verifyPassword } from './passwords';

// The integration tests hash at argon2's cheapest cost (test/support/quick-argon2.js): the real cost is held here.
describe('password hashes', () => {
  it('are argon2id at OWASP’s minimum cost: 19 MiB, 2 passes, one lane', async () => {
    expect(await hashPassword('correct-horse-battery')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('verify the password they were made from and no other', async () => {
    const hash = await hashPassword('correct-horse-battery');
    expect(await verifyPassword(hash, 'correct-horse-battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct-horse-batterY')).toBe(false);
    expect(await verifyPassword('not a hash', 'correct-horse-battery')).toBe(false);
  });
});
