import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailTemplates } from './mail-templates';
import { UndeliverableMailError, UnknownTemplateError } from './notifications.errors';

const registration = {
  entryTitle: 'Máy tưới cây tự động <v2> & cảm biến "độ ẩm"',
  reference: 'KS01-007',
  schoolName: 'Trường THCS Kế Sách',
  contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
  seasonLabel: '2017',
  editionNumber: 6,
  entryId: '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11',
};

describe('MailTemplates', () => {
  const templates = new MailTemplates();

  it('renders the registration confirmation in Vietnamese, unchanged and in NFC', () => {
    const mail = templates.render('entry-registered', registration);
    expect(mail.subject).toBe('Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây tự động <v2> & cảm biến "độ ẩm"');
    expect(mail.text).toContain('Kính gửi Trường THCS Kế Sách,');
    expect(mail.text).toContain('Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng lần thứ 6 (2017)');
    expect(mail.text).toContain('KS01-007');
    expect(mail.text).toContain(registration.entryId);
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).toBe(part.normalize('NFC'));
  });

  it('escapes data in the HTML part and keeps it as written in the text part', () => {
    const mail = templates.render('entry-registered', registration);
    expect(mail.html).toContain('Máy tưới cây tự động &lt;v2&gt; &amp; cảm biến &quot;độ ẩm&quot;');
    expect(mail.html).not.toContain('<v2>');
    expect(mail.html).toContain('<html lang="vi">');
    expect(mail.html).toContain('Xác nhận đăng ký sản phẩm dự thi</title>');
    expect(mail.text).toContain('Máy tưới cây tự động <v2> & cảm biến "độ ẩm"');
    expect(mail.text).not.toMatch(/&(lt|gt|amp|quot);/);
  });

  it('never lets a title add markup to the HTML, and keeps it intact in subject and text', () => {
    const markup = (html: string) => html.split('<').length;
    const plain = markup(templates.render('entry-registered', { ...registration, entryTitle: 'x' }).html);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (title) => {
        const mail = templates.render('entry-registered', { ...registration, entryTitle: title });
        expect(markup(mail.html)).toBe(plain);
        expect(mail.text).toContain(title);
        expect(mail.subject).toBe(`Xác nhận đăng ký sản phẩm dự thi: ${title}`.replace(/\s+/g, ' ').trim());
      }),
    );
  });

  it('refuses an unknown template, and a name that reaches outside the template folder', () => {
    expect(() => templates.render('no-such-template', {})).toThrow(new UnknownTemplateError('no-such-template'));
    expect(() => templates.render('../../package', {})).toThrow(UnknownTemplateError);
  });

  it('refuses data that lacks a field the template uses, naming it', () => {
    const { schoolName: _, ...withoutSchool } = registration;
    expect(() => templates.render('entry-registered', withoutSchool)).toThrow(UndeliverableMailError);
    expect(() => templates.render('entry-registered', withoutSchool)).toThrow(/schoolName/);
  });

  describe('with its own folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names the missing parts of an incomplete template', () => {
      writeFileSync(join(dir, 'half.html.hbs'), '<p>{{name}}</p>');
      expect(() => new MailTemplates(dir).render('half', { name: 'x' })).toThrow('Unknown mail template "half": missing half.subject.hbs, half.text.hbs');
    });

    it('compiles a template once and serves it from memory afterwards', () => {
      for (const part of ['subject', 'html', 'text']) writeFileSync(join(dir, `hello.${part}.hbs`), `${part}: Chào {{name}}`);
      const own = new MailTemplates(dir);
      expect(own.render('hello', { name: 'Bình' }).text).toBe('text: Chào Bình');
      rmSync(join(dir, 'hello.text.hbs'));
      expect(own.render('hello', { name: 'An' })).toEqual({ subject: 'subject: Chào An', html: 'html: Chào An', text: 'text: Chào An' });
    });
  });
});
