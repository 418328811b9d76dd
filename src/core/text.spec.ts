import { cleanText, searchKey } from './text';

describe('text normalisation', () => {
  it('stores NFC, trimmed, with blanks folded', () => {
    const nfd = 'Sáng tạo  trẻ '.normalize('NFD');
    expect(cleanText(`  ${nfd}`)).toBe('Sáng tạo trẻ'.normalize('NFC'));
    expect(cleanText(42)).toBe(42);
  });

  it('compares without case or Vietnamese diacritics, whatever the input form', () => {
    expect(searchKey('Đồ dùng HỌC TẬP')).toBe('do dung hoc tap');
    expect(searchKey('Sáng tạo'.normalize('NFD'))).toBe(searchKey('sang tao'));
    expect(searchKey('Trường THCS Kế Sách')).toBe('truong thcs ke sach');
  });
});
