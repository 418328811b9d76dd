// The integration tests' @node-rs/argon2 (jest.config.js maps it here): argon2id at its smallest cost. The app's own
// cost (19 MiB, 2 passes) spends about 20 ms of CPU on every account created and every login, and the suite makes
// thousands of both; what the tests check is who may log in, not how hard a stolen hash is to crack. The production
// cost is asserted by src/accounts/passwords.spec.ts, in the unit project, which keeps the real package.
// verify() reads the cost from the hash itself, so hashes made at the production cost still verify here.
const argon2 = require('../../node_modules/@node-rs/argon2');

const CHEAPEST = { memoryCost: 8, timeCost: 1, parallelism: 1 };

module.exports = { ...argon2, hash: (password, options, signal) => argon2.hash(password, { ...options, ...CHEAPEST }, signal) };
