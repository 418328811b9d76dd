import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/*
 * Files the app keeps for itself (secrets, uploaded dossiers, caught mail) are readable by its own user only. The
 * modes are set with chmod after creating, because the mode given to mkdir/open is narrowed by whatever umask the
 * process was started with.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The folders of `dir`'s path that do not exist yet, outermost first. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let current = resolve(dir); !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  return missing;
}

function isEexist(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EEXIST';
}

/**
 * Creates `dir` and its missing parents with `mode`, one by one (under umask 0277 a parent left 0500 could not take
 * its child), and tightens `dir` itself if it already existed: earlier versions made their folders 0755. Parents
 * that existed are left alone.
 */
export function privateDirSync(dir: string, mode = PRIVATE_DIR_MODE): void {
  createMissingSync(dir, mode);
  chmodSync(dir, mode);
}

function createMissingSync(dir: string, mode: number): void {
  for (const folder of missingFolders(dir)) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      if (!isEexist(error)) throw error;
    }
    chmodSync(folder, mode);
  }
}

export async function privateDir(dir: string, mode = PRIVATE_DIR_MODE): Promise<void> {
  for (const folder of missingFolders(dir)) {
    await mkdir(folder, { mode }).catch((error) => {
      if (!isEexist(error)) throw error;
    });
    await chmod(folder, mode);
  }
  await chmod(dir, mode);
}

/** Writes `content` to `path` readable by this user only; `flag: 'wx'` refuses to replace a file. */
export async function writePrivateFile(path: string, content: Buffer | string, flag: 'w' | 'wx' = 'w'): Promise<void> {
  const handle = await open(path, flag, PRIVATE_FILE_MODE);
  try {
    // Before any byte is written: a file that existed keeps its old mode through open().
    await handle.chmod(PRIVATE_FILE_MODE);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/**
 * The secret kept in `file`, generated on first use (48 random bytes, base64url) in a private directory. Two
 * processes starting together (API and worker) agree on one secret: it is written aside and linked into place,
 * which fails for the second, who then reads the first's, never a half-written file.
 */
export function secretFileSync(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // A data directory that exists keeps its mode: it is decided where the data directory is prepared.
  createMissingSync(dirname(file), PRIVATE_DIR_MODE);
  const aside = `${file}.${randomBytes(6).toString('hex')}.partial`;
  writeFileSync(aside, randomBytes(48).toString('base64url'), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  try {
    chmodSync(aside, PRIVATE_FILE_MODE);
    linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}
