import { firstFolderClosedToOthers } from './folder-reach';

const modes = (table: Record<string, number>) => (path: string) => table[path] ?? null;

describe('firstFolderClosedToOthers', () => {
  it('finds nothing when every existing folder lets others pass', () => {
    expect(firstFolderClosedToOthers('/srv/app/.data', modes({ '/': 0o755, '/srv': 0o755, '/srv/app': 0o711 }))).toBeNull();
  });

  it('names the outermost closed folder, such as root home in a clone made as root', () => {
    expect(firstFolderClosedToOthers('/root/app/.data', modes({ '/': 0o755, '/root': 0o700, '/root/app': 0o755 }))).toBe('/root');
    expect(firstFolderClosedToOthers('/home/a/b/.data', modes({ '/': 0o755, '/home': 0o755, '/home/a': 0o750, '/home/a/b': 0o700 }))).toBe('/home/a');
  });

  it('ignores folders that do not exist yet: they are made passable', () => {
    expect(firstFolderClosedToOthers('/srv/new/deeper/.data', modes({ '/': 0o755, '/srv': 0o755 }))).toBeNull();
  });

  it('counts read without execute as closed: passing through needs execute', () => {
    expect(firstFolderClosedToOthers('/srv/app/.data', modes({ '/': 0o755, '/srv': 0o754 }))).toBe('/srv');
  });
});
