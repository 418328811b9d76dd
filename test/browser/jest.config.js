// Browser tests: the built web front (npm run build:web) in Debian's Chromium, against the whole app on a real port.
// Apart from `npm test` because they need the browser and the build; `npm run test:browser` runs them, and so does .ci/run.
const base = require('../../jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');

const rootDir = require('node:path').join(__dirname, '../..');

module.exports = {
  rootDir,
  projects: [{ ...integration, rootDir, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser.ts'] }],
  testTimeout: 60000,
};
