import { Queue } from 'bullmq';
import { stringify } from 'csv-stringify/sync';
import { Runtime, RUNTIME } from '../../src/core/core.module';
import { JOB_CATALOGUE } from '../../src/notifications/job-catalogue';
import { eventually } from '../support/eventually';
import { PASSWORD, YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';
import { ReceivedMail } from '../support/test-mailbox';

const ADMIN = 'admin@test.vn';

function entryBody(reference: string, contactEmail: string) {
  return {
    reference,
    title: `Máy tưới cây tự động ${reference}`,
    fieldCode: 'MT',
    summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
    contact: { name: 'Trần Văn Minh', email: contactEmail, phone: '0299 3861 234' },
    authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' }],
  };
}

function bulkFile(count: number, contactEmail: string) {
  const headers = ['reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'author1_name', 'author1_birth_date', 'author1_class'];
  const rows = Array.from({ length: count }, (_, i) => [`BULK-${i + 1}`, `Sáng kiến số ${i + 1}`, 'MT', 'Tóm tắt.', 'Lê Thị Lan', contactEmail, `Học sinh ${i + 1}`, '05/03/2008', '9A1']);
  return multipart({ filename: 'danh-sach.csv', contentType: 'text/csv', content: stringify([headers, ...rows]) });
}

/** Each event of the season produces exactly its mails, in the recipient's language, with an HTML and a text part. */
describe('mail for each event (e2e)', () => {
  let t: TestApp;
  let queue: Queue;
  let entriesUrl: string;

  beforeAll(async () => {
    t = await TestApp.start({ env: { PUBLIC_URL: 'https://thi.example.vn' } });
    const runtime = t.app.get<Runtime>(RUNTIME, { strict: false });
    queue = new Queue(JOB_CATALOGUE[0].queue, { connection: { url: runtime.redisUrl }, prefix: runtime.config.redisPrefix });
    entriesUrl = `/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`;
  });
  afterAll(async () => {
    await queue.close();
    await t.stop();
  });

  /** Nothing left in the outbox nor in the queue: every mail that will arrive has arrived. */
  async function settled(): Promise<void> {
    await eventually('the outbox and the queue to be empty', async () => {
      const [{ pending }] = await t.db.source.query(`SELECT count(*)::int AS pending FROM outbox WHERE delivered_at IS NULL`);
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return pending === 0 && Object.values(counts).every((count) => count === 0);
    });
  }

  const to = (address: string): ReceivedMail[] => t.mailbox.messages.filter((m) => m.to.includes(address));

  function expectBothParts(mail: ReceivedMail, language: 'vi' | 'en'): void {
    expect(mail.html).toContain(`<html lang="${language}">`);
    expect(mail.text.length).toBeGreaterThan(50);
    expect(mail.text).not.toContain('<');
  }

  it('confirms a single registration with one Vietnamese mail to its contact', async () => {
    const created = await t.as('school1@test.vn').post(entriesUrl, entryBody('ONE-1', 'mot@school1.vn'));
    expect(created.statusCode).toBe(201);
    await settled();
    expect(to('mot@school1.vn')).toHaveLength(1);
    const [mail] = to('mot@school1.vn');
    expect(mail.subject).toBe('Xác nhận đăng ký 1 sản phẩm dự thi: Trường THCS Kế Sách');
    expect(mail.text).toContain('ONE-1');
    expect(mail.text).toContain(created.json().id);
    expectBothParts(mail, 'vi');
  });

  it('confirms forms sent at the same moment each with its own mail and audit row, and registers a reference sent twice once', async () => {
    const references = ['AT-ONCE-1', 'AT-ONCE-2', 'AT-ONCE-3', 'AT-ONCE-4', 'AT-ONCE-5', 'AT-ONCE-5'];
    const answers = await Promise.all(references.map((reference) => t.as('school1@test.vn').post(entriesUrl, entryBody(reference, 'cung.luc@school1.vn'))));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 201, 201, 201, 201, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json().details.problems).toEqual([expect.objectContaining({ field: 'reference' })]);
    const created = answers.filter((a) => a.statusCode === 201).map((a) => a.json());
    await settled();
    const mails = to('cung.luc@school1.vn');
    expect(mails).toHaveLength(5);
    for (const entry of created) {
      const own = mails.filter((m) => m.text.includes(entry.id));
      expect(own).toHaveLength(1);
      expect(own[0].subject).toBe('Xác nhận đăng ký 1 sản phẩm dự thi: Trường THCS Kế Sách');
      expect(own[0].text).toContain(`${entry.reference}\n`);
    }
    const audited = await t.db.source.query(
      `SELECT a.entity_id, u.email, a.after->>'reference' AS reference FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'entry.register' AND a.entity_id = ANY($1)`,
      [created.map((e) => e.id)],
    );
    expect(audited.map((a: { entity_id: string }) => a.entity_id).sort()).toEqual(created.map((e) => e.id).sort());
    for (const row of audited) expect(row).toMatchObject({ email: 'school1@test.vn', reference: created.find((e) => e.id === row.entity_id).reference });
  });

  it('confirms a bulk file of 40 entries of one school with one mail listing all 40 references', async () => {
    const file = bulkFile(40, 'lan.le@school1.vn');
    const response = await t.as('school1@test.vn').post(`${entriesUrl}/import`, file.payload, { headers: file.headers });
    expect(response.statusCode).toBe(201);
    expect(response.json().created).toBe(40);
    await settled();
    expect(to('lan.le@school1.vn')).toHaveLength(1);
    const [mail] = to('lan.le@school1.vn');
    expect(mail.subject).toBe('Xác nhận đăng ký 40 sản phẩm dự thi: Trường THCS Kế Sách');
    for (let i = 1; i <= 40; i++) {
      expect(mail.text).toContain(`BULK-${i}\n`);
      expect(mail.html).toContain(`>BULK-${i}<`);
    }
    expectBothParts(mail, 'vi');
  });

  it('writes in English to a contact whose account reads English', async () => {
    const user = await t.as(ADMIN).post('/users', { email: 'teacher.en@school1.vn', fullName: 'Sarah Nguyen', password: 'long-enough-password', language: 'en' });
    expect(user.statusCode).toBe(201);
    expect(user.json().language).toBe('en');
    await t.as('school1@test.vn').post(entriesUrl, entryBody('EN-1', 'Teacher.EN@school1.vn'));
    await settled();
    const registered = to('teacher.en@school1.vn').filter((m) => m.subject.startsWith('Registration confirmed'));
    expect(registered).toHaveLength(1);
    expect(registered[0].subject).toBe('Registration confirmed for 1 entry: Trường THCS Kế Sách');
    expect(registered[0].text).toContain('EN-1');
    expectBothParts(registered[0], 'en');
  });

  function linkToken(mail: ReceivedMail): string {
    const match = /https:\/\/thi\.example\.vn\/set-password\?token=([^\s"<]+)/.exec(mail.text);
    if (!match) throw new Error(`No link in: ${mail.text}`);
    return decodeURIComponent(match[1]);
  }

  it('sends a new account a one-time link to set its password, in its language', async () => {
    const created = await t.as(ADMIN).post('/users', { email: 'new.judge@test.vn', fullName: 'Phạm Văn Giám', language: 'vi' });
    expect(created.statusCode).toBe(201);
    await settled();
    expect(to('new.judge@test.vn')).toHaveLength(1);
    const [mail] = to('new.judge@test.vn');
    expect(mail.subject).toBe('Tài khoản của bạn trên hệ thống quản lý cuộc thi');
    expectBothParts(mail, 'vi');
    const token = linkToken(mail);
    // Only the token's hash is stored; the outbox holds its id, not the token.
    const [{ stored }] = await t.db.source.query(`SELECT count(*)::int AS stored FROM password_tokens WHERE token_hash = $1`, [token]);
    expect(stored).toBe(0);
    expect(JSON.stringify(await t.db.source.query(`SELECT payload FROM outbox WHERE payload->>'to' = 'new.judge@test.vn'`))).not.toContain(token.split('.')[1]);

    const set = await t.request('POST', '/auth/password-reset/confirm', { payload: { token, newPassword: 'my-own-new-password' } });
    expect(set.statusCode).toBe(204);
    expect((await t.request('POST', '/auth/login', { payload: { email: 'new.judge@test.vn', password: 'my-own-new-password' } })).statusCode).toBe(200);
    const again = await t.request('POST', '/auth/password-reset/confirm', { payload: { token, newPassword: 'someone-elses-password' } });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [{ field: 'token' }] } });
  });

  it('answers a reset request the same whether or not the address exists, and mails only an existing account', async () => {
    const known = await t.request('POST', '/auth/password-reset', { payload: { email: 'School2@test.vn' } });
    const unknown = await t.request('POST', '/auth/password-reset', { payload: { email: 'nobody.here@test.vn' } });
    expect(known.statusCode).toBe(202);
    expect([unknown.statusCode, unknown.body]).toEqual([known.statusCode, known.body]);
    await settled();
    expect(to('nobody.here@test.vn')).toEqual([]);
    expect(to('school2@test.vn')).toHaveLength(1);
    const [mail] = to('school2@test.vn');
    expect(mail.subject).toBe('Đặt lại mật khẩu');
    expectBothParts(mail, 'vi');

    expect(await t.db.source.query(`SELECT id FROM password_tokens WHERE purpose = 'reset'`)).toHaveLength(1);
    const token = linkToken(mail);
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await t.request('POST', '/auth/password-reset/confirm', { payload: { token: forged, newPassword: 'guessed-password-1' } })).statusCode).toBe(422);
    expect((await t.request('POST', '/auth/password-reset/confirm', { payload: { token, newPassword: 'brand-new-password' } })).statusCode).toBe(204);
    expect((await t.request('POST', '/auth/login', { payload: { email: 'school2@test.vn', password: PASSWORD } })).statusCode).toBe(401);
    expect((await t.request('POST', '/auth/login', { payload: { email: 'school2@test.vn', password: 'brand-new-password' } })).statusCode).toBe(200);
  });

  it('refuses an expired link', async () => {
    await t.request('POST', '/auth/password-reset', { payload: { email: 'school3@test.vn' } });
    await settled();
    const [mail] = to('school3@test.vn');
    await t.db.source.query(`UPDATE password_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    const late = await t.request('POST', '/auth/password-reset/confirm', { payload: { token: linkToken(mail), newPassword: 'too-late-password' } });
    expect(late.statusCode).toBe(422);
    expect((await t.request('POST', '/auth/login', { payload: { email: 'school3@test.vn', password: PASSWORD } })).statusCode).toBe(200);
  });

  it('limits reset requests per client address', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await t.request('POST', '/auth/password-reset', { payload: { email: `flood${i}@test.vn` } })).statusCode);
    expect(answers.slice(-1)).toEqual([429]);
    expect(answers.filter((status) => status === 202).length).toBeLessThanOrEqual(10);
  });

  it('previews every template in either language with sample data, for administrators', async () => {
    for (const [lang, subject] of [
      ['vi', 'Xác nhận đăng ký 2 sản phẩm dự thi: Trường THCS Kế Sách'],
      ['en', 'Registration confirmed for 2 entries: Trường THCS Kế Sách'],
    ]) {
      const preview = await t.as(ADMIN).get(`/admin/mail-templates/entries-registered/preview?lang=${lang}`);
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toMatchObject({ subject, html: expect.stringContaining(`<html lang="${lang}">`), text: expect.stringContaining('KS01-008') });
    }
    for (const kind of ['account-created', 'password-reset']) {
      expect((await t.as(ADMIN).get(`/admin/mail-templates/${kind}/preview`)).json().text).toContain('https://thi.example.vn/set-password?token=');
    }
    expect((await t.as(ADMIN).get('/admin/mail-templates/no-such-mail/preview')).statusCode).toBe(404);
    expect((await t.as(ADMIN).get('/admin/mail-templates/password-reset/preview?lang=fr')).statusCode).toBe(400);
    expect((await t.as('province@test.vn').get('/admin/mail-templates/password-reset/preview')).statusCode).toBe(403);
  });
});
