import { backendDatabaseOf } from './processes';

describe('backendDatabaseOf', () => {
  it('reads the database from a backend title, with or without a cluster name', () => {
    expect(backendDatabaseOf('postgres: postgres bench_http 127.0.0.1(41000) idle')).toBe('bench_http');
    expect(backendDatabaseOf('postgres: 15/main: postgres bench_http 127.0.0.1(41000) SELECT')).toBe('bench_http');
  });

  it('finds no database in the server’s own processes or in other programs', () => {
    expect(backendDatabaseOf('postgres: 15/main: checkpointer ')).toBeNull();
    expect(backendDatabaseOf('postgres: walwriter ')).toBeNull();
    expect(backendDatabaseOf('/usr/bin/node dist/src/main.js --api-only')).toBeNull();
  });
});
