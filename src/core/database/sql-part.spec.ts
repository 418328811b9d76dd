import { fixedWithParts, withParts } from './sql-part';

describe('a statement put together once', () => {
  const parts = (id: string, rows: string) => [
    ['one', { sql: 'SELECT $1::uuid AS id, $2::int AS n', params: [id, 1] }] as [string, { sql: string; params: unknown[] }],
    ['two', { sql: rows, params: ['x'] }] as [string, { sql: string; params: unknown[] }],
  ];

  it("is the text withParts gives, with each call's own parameters in order", () => {
    const statement = fixedWithParts();
    const first = statement(parts('a', 'SELECT $1::text'), { sql: 'SELECT * FROM two WHERE $1', params: [true] });
    const second = statement(parts('b', 'SELECT $1::text'), { sql: 'SELECT * FROM two WHERE $1', params: [false] });
    expect(first).toEqual(withParts(parts('a', 'SELECT $1::text'), { sql: 'SELECT * FROM two WHERE $1', params: [true] }));
    expect(second.sql).toBe(first.sql);
    expect(second.params).toEqual(['b', 1, 'x', false]);
  });

  it("is put together anew when a part's text changes", () => {
    const statement = fixedWithParts();
    statement(parts('a', 'SELECT $1::text'), { sql: 'SELECT 1', params: [] });
    const changed = statement(parts('a', 'SELECT $1::text AS t'), { sql: 'SELECT 1', params: [] });
    expect(changed.sql).toBe(withParts(parts('a', 'SELECT $1::text AS t'), { sql: 'SELECT 1', params: [] }).sql);
  });
});
