import { cleanEmail, cleanText, invisibleCharacter, SAFE_CODE, searchKey } from './text';

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

  it('gives every spelling of an e-mail address one form', () => {
    const nfd = ' Nguyễn.An@Trường.edu.vn '.normalize('NFD');
    expect(cleanEmail(nfd)).toBe('nguyễn.an@trường.edu.vn'.normalize('NFC'));
    expect(cleanEmail('NGUYỄN.AN@TRƯỜNG.EDU.VN')).toBe(cleanEmail(nfd));
  });

  it('finds the invisible characters that hide or disguise a name', () => {
    expect(invisibleCharacter('Máy tưới cây')).toBeNull();
    expect(invisibleCharacter('\u200b\u200b')).toBe('U+200B');
    expect(invisibleCharacter('report\u202Efdp.exe')).toBe('U+202E');
    expect(invisibleCharacter('soft\u00adhyphen')).toBe('U+00AD');
    expect(invisibleCharacter('bell\u0007')).toBe('U+0007');
  });

  it('keeps codes to ASCII, so no Cyrillic or zero-width look-alike passes', () => {
    expect(SAFE_CODE.test('ST-KS-03')).toBe(true);
    expect(SAFE_CODE.test('KS01_2017.1')).toBe(true);
    expect(SAFE_CODE.test('ST\u200b')).toBe(false);
    expect(SAFE_CODE.test('\u0405T')).toBe(false);
    expect(SAFE_CODE.test('ST KS')).toBe(false);
  });
});
