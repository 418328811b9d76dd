import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDir, privateDirSync, secretFileSync, writePrivateFile } from './private-files';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('private files', () => {
  let root: string;
  let umask: number;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'private-files-'));
    chmodSync(root, 0o755);
  });
  afterEach(() => process.umask(umask));

  // The loosest umask, and one so tight that mkdir/open modes alone would leave folders we cannot enter.
  for (const mask of [0o000, 0o277]) {
    describe(`under umask ${mask.toString(8).padStart(3, '0')}`, () => {
      beforeEach(() => {
        umask = process.umask(mask);
      });

      it('creates folders 0700, every missing parent included, and files 0600', async () => {
        await privateDir(join(root, 'uploads', 'dossiers', 'entry'));
        privateDirSync(join(root, 'mailbox', 'sub'));
        await writePrivateFile(join(root, 'uploads', 'dossiers', 'entry', 'file.pdf'), '%PDF-', 'wx');
        expect([modeOf(join(root, 'uploads')), modeOf(join(root, 'uploads', 'dossiers')), modeOf(join(root, 'uploads', 'dossiers', 'entry'))]).toEqual([0o700, 0o700, 0o700]);
        expect([modeOf(join(root, 'mailbox')), modeOf(join(root, 'mailbox', 'sub'))]).toEqual([0o700, 0o700]);
        expect(modeOf(join(root, 'uploads', 'dossiers', 'entry', 'file.pdf'))).toBe(0o600);
        expect(modeOf(root)).toBe(0o755);
      });

      it('generates a secret once, in a 0600 file, and reads the same one afterwards', () => {
        const file = join(root, 'data', 'jwt-secret');
        const secret = secretFileSync(file);
        expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
        expect(secretFileSync(file)).toBe(secret);
        expect(readFileSync(file, 'utf8')).toBe(secret);
        expect(modeOf(file)).toBe(0o600);
        expect(modeOf(join(root, 'data'))).toBe(0o700);
      });
    });
  }

  it('tightens a folder and a file an earlier version left readable by all', async () => {
    umask = process.umask(0o022);
    mkdirSync(join(root, 'mailbox'), { mode: 0o755 });
    writeFileSync(join(root, 'mailbox', 'old.eml'), 'old', { mode: 0o644 });
    await privateDir(join(root, 'mailbox'));
    await writePrivateFile(join(root, 'mailbox', 'old.eml'), 'new');
    expect(modeOf(join(root, 'mailbox'))).toBe(0o700);
    expect(modeOf(join(root, 'mailbox', 'old.eml'))).toBe(0o600);
  });

  it('refuses to replace a file when asked not to', async () => {
    umask = process.umask(0o022);
    await writePrivateFile(join(root, 'once'), 'first', 'wx');
    await expect(writePrivateFile(join(root, 'once'), 'second', 'wx')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(join(root, 'once'), 'utf8')).toBe('first');
  });
});
