// Builds the web front into dist/web unless it is already newer than every file it is built from, so that a
// second `npm start` with nothing changed builds nothing (as `tsc -b` does for the API).
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const output = join(root, 'dist', 'web', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = [join(root, 'web'), join(root, 'package-lock.json')];
if (process.argv.includes('--force') || !existsSync(output) || Math.max(...sources.map(newest)) > statSync(output).mtimeMs) {
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
