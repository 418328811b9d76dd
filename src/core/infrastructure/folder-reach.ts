import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The first existing folder on `dir`'s path that a user other than its owner (and outside its group) cannot pass
 * through, or null when every existing one lets them. PostgreSQL refuses to run as root, so as root the embedded
 * server runs as the user `postgres`, who must pass through every folder above its data.
 */
export function firstFolderClosedToOthers(dir: string, modeOf: (path: string) => number | null = existingMode): string | null {
  let closed: string | null = null;
  for (let current = resolve(dir); ; current = dirname(current)) {
    const mode = modeOf(current);
    if (mode !== null && (mode & 0o001) === 0) closed = current;
    if (dirname(current) === current) return closed;
  }
}

function existingMode(path: string): number | null {
  try {
    return statSync(path).mode;
  } catch {
    return null;
  }
}
