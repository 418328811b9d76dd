// `npm test`: the static checks and jest side by side rather than one after the other. The checks run at a lower CPU
// priority, so they take the time jest leaves idle (waits on PostgreSQL, Redis and mail, its last file alone) instead
// of delaying it. Each check's output is shown when it ends; the run fails if jest or any check fails.
// Usage: node test/support/test-and-checks.js [jest arguments…], or --checks-only for the checks alone (npm run checks).
const { spawn } = require('node:child_process');
const { setPriority } = require('node:os');

const CHECKS = ['typecheck', 'lint', 'format:check', 'dpdm'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, options);
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main() {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const jestArgs = process.argv.slice(2);
  const jest = jestArgs.includes('--checks-only') ? null : run(process.execPath, [require.resolve('jest/bin/jest'), ...jestArgs], { stdio: 'inherit' });
  // Children inherit this process's priority from here on: the checks yield the CPU to jest's workers.
  if (jest) setPriority(10);
  const checks = CHECKS.map(async (script) => {
    const { code, output } = await run(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    process.stderr.write(`${code === 0 ? '✓' : '✗'} npm run ${script} (${seconds()})\n${output}`);
    return code === 0;
  });
  const passed = await Promise.all(checks);
  const jestCode = jest ? (await jest).code : 0;
  const failed = CHECKS.filter((_, i) => !passed[i]);
  if (failed.length) process.stderr.write(`Failed: ${failed.map((s) => `npm run ${s}`).join(', ')}\n`);
  process.stderr.write(`Checks${jest ? ' and jest' : ''} done in ${seconds()}\n`);
  process.exitCode = failed.length || jestCode ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
