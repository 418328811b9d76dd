let running = 0;
let most = 0;
const finishers: Array<() => void> = [];
/** argon2 stood in for by a hash that ends when the test says: how many run at once is what is counted. */
const held = <T>(value: T) =>
  new Promise<T>((resolve) => {
    running += 1;
    most = Math.max(most, running);
    finishers.push(() => {
      running -= 1;
      resolve(value);
    });
  });
jest.mock('@node-rs/argon2', () => ({ hash: () => held('$argon2id$stand-in'), verify: () => held(true) }));

import { hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('runs two hashes or checks at a time however many logins and new accounts arrive, and answers every one', async () => {
    const all = Promise.all([...Array.from({ length: 5 }, (_, i) => hashPassword(`password-${i}`)), ...Array.from({ length: 5 }, () => verifyPassword('$argon2id$stand-in', 'x'))]);
    for (let answered = 0; answered < 10; answered += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(2);
      finishers.shift()!();
    }
    expect(await all).toEqual([...Array(5).fill('$argon2id$stand-in'), ...Array(5).fill(true)]);
    expect(most).toBe(2);
  });
});
