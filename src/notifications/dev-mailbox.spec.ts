import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { DomainError } from '../core/errors/domain-error';
import { DevMailbox, startDevMailbox } from './dev-mailbox';

describe('development mailbox', () => {
  let dir: string;
  let mailbox: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'dev-mailbox-')), 'mailbox');
    mailbox = await startDevMailbox(dir);
  });
  afterAll(async () => {
    await mailbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(mail: { to: string; bcc?: string; subject: string; text: string; html?: string }) {
    const transport = createTransport(mailbox.url);
    try {
      await transport.sendMail({ from: 'Ban tổ chức <no-reply@contest.local>', ...mail });
    } finally {
      transport.close();
    }
  }

  it('listens on a local port and keeps each message with its index entry', async () => {
    expect(mailbox.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    await send({ to: 'truong@example.vn', subject: 'Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây', text: 'Kính gửi Trường THCS Kế Sách', html: '<p>Kính gửi <b>Trường THCS Kế Sách</b></p>' });
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/\.eml$/);
    expect(files[1]).toMatch(/\.json$/);
  });

  it('lists newest first with the envelope recipients, and shows one message whole', async () => {
    await send({ to: 'giamkhao@example.vn', bcc: 'luu@example.vn', subject: 'Phân công chấm thi', text: 'Thầy/cô được phân công chấm 12 sản phẩm.' });
    const store = new DevMailbox(dir);
    const page = await store.list({ page: 1, pageSize: 50 });
    expect(page.total).toBe(2);
    expect(page.items.map((entry) => entry.subject)).toEqual(['Phân công chấm thi', 'Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây']);
    expect(page.items[0]).toEqual({
      id: expect.stringMatching(/^\d{13}-[0-9a-f]{8}$/),
      from: '"Ban tổ chức" <no-reply@contest.local>',
      to: ['giamkhao@example.vn', 'luu@example.vn'],
      subject: 'Phân công chấm thi',
      receivedAt: expect.any(String),
    });
    const older = await store.read(page.items[1].id);
    expect(older).toMatchObject({
      subject: 'Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây',
      to: ['truong@example.vn'],
      text: 'Kính gửi Trường THCS Kế Sách',
      html: '<p>Kính gửi <b>Trường THCS Kế Sách</b></p>',
    });
    expect(await store.list({ page: 2, pageSize: 1 })).toEqual({ items: [page.items[1]], total: 2, page: 2, pageSize: 1 });
  });

  it('answers not found for unknown ids and for names outside the mailbox', async () => {
    const store = new DevMailbox(dir);
    await expect(store.read('1795427000000-00000000')).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'MAIL_MESSAGE_NOT_FOUND' });
    await expect(store.read('../../etc/passwd')).rejects.toThrow(DomainError);
  });

  it('keeps caught mail readable by this user only, whatever the umask', async () => {
    const umask = process.umask(0o000);
    try {
      const store = new DevMailbox(join(dir, 'private', 'mailbox'));
      const entry = await store.store(Buffer.from('Subject: Mật khẩu\r\n\r\nxin chào'), ['lan@example.vn']);
      const modeOf = (path: string) => statSync(path).mode & 0o777;
      expect([modeOf(join(dir, 'private')), modeOf(store.dir)]).toEqual([0o700, 0o700]);
      expect([modeOf(join(store.dir, `${entry.id}.eml`)), modeOf(join(store.dir, `${entry.id}.json`))]).toEqual([0o600, 0o600]);
    } finally {
      process.umask(umask);
    }
  });

  it('shows an empty mailbox before anything arrived', async () => {
    expect(await new DevMailbox(join(dir, 'nothing-yet')).list({ page: 1, pageSize: 50 })).toEqual({ items: [], total: 0, page: 1, pageSize: 50 });
  });
});
