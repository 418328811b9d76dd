import { attachmentDisposition, classifyDossierFile, displayFileName, dossierCapRefusal, extensionOf, sniffDossierType } from './dossier-files';

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const EXE = Buffer.from('MZ\x90\x00\x03\x00\x00\x00');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WAVEfmt ')]);

describe('dossier file types', () => {
  it('recognises PDF, JPEG, PNG and WebP from their first bytes', () => {
    expect(sniffDossierType(PDF)?.mediaType).toBe('application/pdf');
    expect(sniffDossierType(JPEG)?.mediaType).toBe('image/jpeg');
    expect(sniffDossierType(PNG)?.mediaType).toBe('image/png');
    expect(sniffDossierType(WEBP)?.mediaType).toBe('image/webp');
  });

  it('recognises nothing else, nor truncated signatures', () => {
    for (const content of [EXE, ZIP, WAV, Buffer.from('plain text'), Buffer.from('%PDF'), PNG.subarray(0, 7), Buffer.alloc(0)]) {
      expect(sniffDossierType(content)).toBeNull();
    }
  });

  it('accepts a file whose name agrees with its content, or that has no extension', () => {
    expect(classifyDossierFile('Hồ sơ.PDF', PDF)).toEqual({ type: expect.objectContaining({ mediaType: 'application/pdf' }) });
    expect(classifyDossierFile('anh.jpeg', JPEG)).toEqual({ type: expect.objectContaining({ mediaType: 'image/jpeg' }) });
    expect(classifyDossierFile('scan', PNG)).toEqual({ type: expect.objectContaining({ mediaType: 'image/png' }) });
  });

  it('refuses disguised files and unknown content, saying why', () => {
    expect(classifyDossierFile('photo.png', PDF)).toEqual({ refusal: { code: 'FILE_EXTENSION_MISMATCH', params: { type: 'PDF', extension: 'png' } } });
    expect(classifyDossierFile('ho-so.pdf', EXE)).toEqual({ refusal: { code: 'FILE_TYPE_NOT_ACCEPTED', params: { accepted: ['PDF', 'JPEG', 'PNG', 'WebP'] } } });
  });

  it('reads the extension of the last path segment only', () => {
    expect(extensionOf('C:\\Users\\a.b\\scan')).toBe('');
    expect(extensionOf('dir.pdf/scan.PNG')).toBe('png');
    expect(extensionOf('.hidden')).toBe('');
  });
});

describe('file names shown and sent back', () => {
  const pdf = sniffDossierType(PDF)!;

  it('keeps the last segment of the name, in NFC, without control or quoting characters', () => {
    expect(displayFileName('..\\..\\windows\\Bản vẽ "mới".pdf'.normalize('NFD'), pdf)).toBe('Bản vẽ mới.pdf');
    expect(displayFileName('a\u0000b\r\n.pdf', pdf)).toBe('ab.pdf');
    expect(displayFileName('...', pdf)).toBe('dossier.pdf');
    expect(displayFileName('x'.repeat(300) + '.pdf', pdf)).toHaveLength(200);
  });

  it('sends an ASCII name and the exact UTF-8 name in Content-Disposition', () => {
    expect(attachmentDisposition('Đơn đăng ký (bản 2).pdf')).toBe(
      `attachment; filename="Don dang ky (ban 2).pdf"; filename*=UTF-8''%C4%90%C6%A1n%20%C4%91%C4%83ng%20k%C3%BD%20%28b%E1%BA%A3n%202%29.pdf`,
    );
    expect(attachmentDisposition('a;b\\c.pdf')).toBe(`attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%3Bb%5Cc.pdf`);
  });
});

describe('dossierCapRefusal', () => {
  it('lets a dossier fill up to its cap and refuses the file after, saying how many it holds', () => {
    expect(dossierCapRefusal(19, 20)).toBeNull();
    expect(dossierCapRefusal(20, 20)).toEqual({ code: 'DOSSIER_FULL', params: { max: 20, count: 20 } });
  });
});
