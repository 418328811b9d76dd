import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordToken } from '../core/auth/password-tokens';
import { EntriesRegisteredData, MAIL_KINDS, MAIL_LANGUAGES } from '../core/outbox/mail-catalogue';
import { MailTemplates } from './mail-templates';
import { MAIL_SAMPLES, mailView, renderEverySample } from './mail-views';
import { UndeliverableMailError, UnknownTemplateError } from './notifications.errors';

const registration: EntriesRegisteredData = {
  schoolName: 'Trường THCS Kế Sách',
  contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
  seasonLabel: '2017',
  editionNumber: 6,
  entries: [
    { id: '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11', title: 'Máy tưới cây tự động <v2> & cảm biến "độ ẩm"', reference: 'KS01-007' },
    { id: '7d1e2c33-9a4b-4f6e-8b1a-2c3d4e5f6a7b', title: 'Robot nhặt rác', reference: 'KS01-008' },
  ],
};
const context = { publicUrl: 'https://thi.example.vn', secret: 'test-secret-that-is-long-enough-for-hs256' };

describe('MailTemplates', () => {
  const templates = new MailTemplates();

  it.each(MAIL_KINDS.flatMap((kind) => MAIL_LANGUAGES.map((language) => [kind, language] as const)))('renders %s in %s with its sample: subject, HTML and text, in NFC', (kind, language) => {
    const mail = templates.render(kind, language, mailView({ kind, to: 'x@example.vn', data: MAIL_SAMPLES[kind] }, context));
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.html).toContain(`<html lang="${language}">`);
    expect(mail.text.length).toBeGreaterThan(50);
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).toBe(part.normalize('NFC'));
    const footer = language === 'vi' ? 'Thư này được gửi tự động' : 'This message was sent automatically';
    expect(mail.html).toContain(footer);
    expect(mail.text).toContain(footer);
  });

  it('lists every entry of a registration batch with its reference, in Vietnamese by default and in English', () => {
    const vi = templates.render('entries-registered', 'vi', registration);
    expect(vi.subject).toBe('Xác nhận đăng ký 2 sản phẩm dự thi: Trường THCS Kế Sách');
    expect(vi.text).toContain('Kính gửi Trường THCS Kế Sách,');
    expect(vi.text).toContain('Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng lần thứ 6 (2017)');
    for (const entry of registration.entries) {
      expect(vi.text).toContain(entry.reference);
      expect(vi.text).toContain(entry.id);
      expect(vi.html).toContain(entry.reference);
    }
    const en = templates.render('entries-registered', 'en', registration);
    expect(en.subject).toBe('Registration confirmed for 2 entries: Trường THCS Kế Sách');
    expect(en.text).toContain('Dear Trường THCS Kế Sách,');
    expect(templates.render('entries-registered', 'en', { ...registration, entries: registration.entries.slice(1) }).subject).toBe('Registration confirmed for 1 entry: Trường THCS Kế Sách');
  });

  it('escapes data in the HTML part and keeps it as written in the text part', () => {
    const mail = templates.render('entries-registered', 'vi', registration);
    expect(mail.html).toContain('Máy tưới cây tự động &lt;v2&gt; &amp; cảm biến &quot;độ ẩm&quot;');
    expect(mail.html).not.toContain('<v2>');
    expect(mail.text).toContain('Máy tưới cây tự động <v2> & cảm biến "độ ẩm"');
    expect(mail.text).not.toMatch(/&(lt|gt|amp|quot);/);
  });

  it.each(MAIL_LANGUAGES)('shows every instant in %s mail as DD/MM/YYYY HH:mm in Vietnam, never as ISO or UTC', (language) => {
    for (const kind of MAIL_KINDS) {
      const mail = templates.render(kind, language, mailView({ kind, to: 'x@example.vn', data: MAIL_SAMPLES[kind] }, context));
      for (const part of [mail.subject, mail.text, mail.html]) expect({ kind, iso: part.match(/\d{4}-\d{2}-\d{2}|\bUTC\b/g) }).toEqual({ kind, iso: null });
    }
  });

  it('never lets a title add markup to the HTML, and keeps it intact in the text', () => {
    const markup = (html: string) => html.split('<').length;
    const plain = markup(templates.render('entries-registered', 'vi', { ...registration, entries: [{ ...registration.entries[0], title: 'x' }] }).html);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (title) => {
        const mail = templates.render('entries-registered', 'vi', { ...registration, entries: [{ ...registration.entries[0], title }] });
        expect(markup(mail.html)).toBe(plain);
        expect(mail.text).toContain(title);
      }),
    );
  });

  it('puts a one-time link derived from the token id, and its expiry in Vietnam time', () => {
    const data = MAIL_SAMPLES['password-reset'];
    const mail = templates.render('password-reset', 'vi', mailView({ kind: 'password-reset', to: 'x@example.vn', data }, context));
    const link = `https://thi.example.vn/set-password?token=${passwordToken(context.secret, data.passwordTokenId)}`;
    expect(mail.text).toContain(link);
    expect(mail.html.replace(/&#x3D;/g, '=')).toContain(`href="${link}"`);
    // 10:30 UTC is 17:30 in Hồ Chí Minh City.
    expect(mail.text).toContain('hết hạn lúc 14/03/2017 17:30');
  });

  it('refuses an unknown kind, and a name that reaches outside the template folder', () => {
    expect(() => templates.render('no-such-template', 'vi', {})).toThrow(new UnknownTemplateError('no-such-template'));
    expect(() => templates.render('../../package', 'vi', {})).toThrow(UnknownTemplateError);
  });

  it('refuses data that lacks a field the template uses, naming it', () => {
    const { schoolName: _, ...withoutSchool } = registration;
    for (const language of MAIL_LANGUAGES) {
      expect(() => templates.render('entries-registered', language, withoutSchool)).toThrow(UndeliverableMailError);
      expect(() => templates.render('entries-registered', language, withoutSchool)).toThrow(/schoolName/);
    }
    const { link: _link, ...withoutLink } = mailView({ kind: 'account-created', to: 'x@example.vn', data: MAIL_SAMPLES['account-created'] }, context) as { link: string };
    expect(() => templates.render('account-created', 'en', withoutLink)).toThrow(/link/);
  });

  it('renders every sample at once, as a worker does before its first job, and refuses a folder lacking a template', () => {
    expect(() => renderEverySample(new MailTemplates(), context)).not.toThrow();
    const dir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
    try {
      mkdirSync(join(dir, 'vi'));
      for (const part of ['subject', 'html', 'text']) writeFileSync(join(dir, 'vi', `entries-registered.${part}.hbs`), '{{schoolName}}');
      expect(() => renderEverySample(new MailTemplates(dir), context)).toThrow(UnknownTemplateError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the missing parts of an incomplete template', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
    try {
      mkdirSync(join(dir, 'en'));
      writeFileSync(join(dir, 'en', 'password-reset.html.hbs'), '<p>{{fullName}}</p>');
      expect(() => new MailTemplates(dir).render('password-reset', 'en', { fullName: 'x' })).toThrow(
        'Unknown mail template "en/password-reset": missing password-reset.subject.hbs, password-reset.text.hbs',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
