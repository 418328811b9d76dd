// Orders test files so the longest start first and no worker is left running one long file alone at the end.
// Jest does this by itself from the durations it cached on an earlier run; a fresh clone (CI) has no cache, and
// jest's fallback (bigger files first) starts the season simulator, a short file with the longest run, last.
const Sequencer = require('@jest/test-sequencer').default;

/** Files that take far longer than their size suggests, longest first (seconds alone on an idle 2-core machine). */
const LONGEST = ['test/e2e/simulator.e2e.ts', 'test/e2e/route-access.e2e.ts'];

/** Without a cached duration: an end-to-end file starts the whole app, an integration file a database, a spec neither. */
function estimateMs(path, size) {
  const known = LONGEST.findIndex((file) => path.endsWith(file));
  if (known >= 0) return 1e9 - known;
  const start = path.endsWith('.e2e.ts') ? 20_000 : path.endsWith('.int.ts') ? 5_000 : 0;
  return start + size;
}

class LongestFirst extends Sequencer {
  sort(tests) {
    const expected = new Map(tests.map((test) => [test, this.time(test) ?? estimateMs(test.path, test.context.hasteFS.getSize(test.path) ?? 0)]));
    // A file that failed last time still comes first, as with jest's own order: its news is wanted soonest.
    return [...tests].sort((a, b) => Number(this.hasFailed(b)) - Number(this.hasFailed(a)) || expected.get(b) - expected.get(a));
  }
}

module.exports = LongestFirst;
