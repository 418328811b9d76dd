import { byAliases, canonicalHeaders, headerKey } from './headers';

describe('headerKey', () => {
  it('ignores case, diacritics, and reads blanks, dashes and slashes as one underscore', () => {
    expect(headerKey('Mã đơn vị')).toBe('ma_don_vi');
    expect(headerKey('MÃ ĐƠN VỊ')).toBe('ma_don_vi');
    expect(headerKey(' Parent-Code ')).toBe('parent_code');
    expect(headerKey('Lớp / Công việc')).toBe('lop_cong_viec');
    expect(headerKey('author1_birth_date')).toBe('author1_birth_date');
    expect(headerKey('Mã đơn vị'.normalize('NFD'))).toBe('ma_don_vi');
  });
});

describe('canonicalHeaders', () => {
  const columnOf = byAliases({ code: ['mã', 'mã đơn vị'], name: ['tên'] });

  it('renames the columns it knows and keys the rows by them alone', () => {
    const { table, problems } = canonicalHeaders({ headers: ['mã đơn vị', 'ghi chú', 'name'], rows: [{ row: 2, values: { 'mã đơn vị': 'ST', 'ghi chú': 'x', name: 'Sóc Trăng' } }] }, columnOf);
    expect(problems).toEqual([]);
    expect(table).toEqual({ headers: ['code', 'ghi chú', 'name'], rows: [{ row: 2, values: { code: 'ST', name: 'Sóc Trăng' } }] });
  });

  it('refuses a column given under two spellings, naming both', () => {
    const { problems } = canonicalHeaders({ headers: ['code', 'mã'], rows: [] }, columnOf);
    expect(problems).toEqual([{ row: 1, field: 'code', code: 'COLUMN_TWICE', params: { first: 'code', second: 'mã' }, reason: 'given twice, as "code" and as "mã"' }]);
  });
});
