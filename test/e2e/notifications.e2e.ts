import { Queue } from 'bullmq';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../../src/core/config/config';
import { Runtime, RUNTIME } from '../../src/core/core.module';
import { OutboxService } from '../../src/core/outbox/outbox.service';
import { startDevMailbox } from '../../src/notifications/dev-mailbox';
import { EntriesRegisteredData } from '../../src/core/outbox/mail-catalogue';
import { JOB_CATALOGUE } from '../../src/notifications/job-catalogue';
import { OutboxRelay } from '../../src/notifications/outbox-relay';
import { eventually } from '../support/eventually';
import { TestApp } from '../support/test-app';

interface OutboxRow {
  id: string;
  enqueued_at: Date | null;
  delivered_at: Date | null;
  attempts: number;
  last_error: string | null;
}

describe('notifications (e2e)', () => {
  let t: TestApp;
  let queue: Queue;
  let config: AppConfig;

  beforeAll(async () => {
    t = await TestApp.start();
    const runtime = t.app.get<Runtime>(RUNTIME, { strict: false });
    config = runtime.config;
    queue = new Queue(JOB_CATALOGUE[0].queue, { connection: { url: runtime.redisUrl }, prefix: config.redisPrefix });
  });
  afterAll(async () => {
    await queue.close();
    await t.stop();
  });

  const registration = (title: string): EntriesRegisteredData => ({
    schoolName: 'Trường THCS Kế Sách',
    contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
    seasonLabel: '2017',
    editionNumber: 6,
    entries: [{ id: '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11', title, reference: 'KS01-007' }],
  });

  /** Writes a mail to the outbox exactly as a domain service does, in its own committed transaction. */
  async function addMail(eventKey: string, to: string, data: object, kind = 'entries-registered'): Promise<void> {
    await t.db.source.transaction((manager) => new OutboxService().add(manager, { eventKey, topic: 'mail', payload: { kind, to, data } }));
  }

  async function row(eventKey: string): Promise<OutboxRow> {
    const [found] = await t.db.source.query(`SELECT id, enqueued_at, delivered_at, attempts, last_error FROM outbox WHERE event_key = $1`, [eventKey]);
    return found;
  }

  async function settled(): Promise<boolean> {
    const [{ pending }] = await t.db.source.query(`SELECT count(*)::int AS pending FROM outbox WHERE enqueued_at IS NULL`);
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return pending === 0 && Object.values(counts).every((count) => count === 0);
  }

  it('sends the registration confirmation to the school and marks the row delivered', async () => {
    await addMail('entry-registered:e2e-1', 'thcs.kesach@example.vn', registration('Máy tưới cây tự động <bản 2> & cảm biến'));
    const mail = await t.mailbox.waitFor((m) => m.to.includes('thcs.kesach@example.vn'));
    expect(mail.subject).toBe('Xác nhận đăng ký 1 sản phẩm dự thi: Trường THCS Kế Sách');
    expect(mail.from).toContain('no-reply@contest.local');
    expect(mail.text).toContain('Kính gửi Trường THCS Kế Sách,');
    expect(mail.text).toContain('Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng lần thứ 6 (2017)');
    expect(mail.html).toContain('Máy tưới cây tự động &lt;bản 2&gt; &amp; cảm biến');
    const delivered = await eventually('the row to be delivered', async () => {
      const current = await row('entry-registered:e2e-1');
      return current.delivered_at ? current : null;
    });
    expect(mail.messageId).toBe(`<${delivered.id}@contest.local>`);
    expect(delivered).toMatchObject({ attempts: 1, last_error: null, enqueued_at: expect.any(Date) });
  });

  it('sends one mail for one event, however often it is recorded', async () => {
    await addMail('entry-registered:e2e-twice', 'twice@example.vn', registration('Robot nhặt rác'));
    await addMail('entry-registered:e2e-twice', 'twice@example.vn', registration('Robot nhặt rác'));
    await t.mailbox.waitFor((m) => m.to.includes('twice@example.vn'));
    await eventually('the relay and the queue to have nothing left', settled);
    expect(t.mailbox.messages.filter((m) => m.to.includes('twice@example.vn'))).toHaveLength(1);
  });

  it('sends nothing for a job whose row was already delivered', async () => {
    const [{ id }] = await t.db.source.query(`INSERT INTO outbox (event_key, topic, payload, enqueued_at, delivered_at) VALUES ($1, 'mail', $2, now(), now()) RETURNING id`, [
      'entry-registered:e2e-delivered',
      { kind: 'entries-registered', to: 'delivered@example.vn', data: registration('Đèn học thông minh') },
    ]);
    const job = await queue.add('mail', { outboxIds: [id] }, { jobId: id });
    await eventually('the job to complete', async () => (await job.getState()) === 'completed');
    expect((await queue.getJob(id))!.returnvalue).toEqual(['already-delivered']);
    expect(t.mailbox.messages.filter((m) => m.to.includes('delivered@example.vn'))).toEqual([]);
    expect((await row('entry-registered:e2e-delivered')).attempts).toBe(0);
  });

  it('fails a mail of an unknown kind for good and says why on the row', async () => {
    await addMail('unknown-template:e2e', 'nobody@example.vn', {}, 'no-such-template');
    const failed = await eventually('the failure to be recorded', async () => {
      const current = await row('unknown-template:e2e');
      return current.last_error ? current : null;
    });
    expect(failed).toMatchObject({ delivered_at: null, attempts: 1 });
    expect(failed.last_error).toContain('kind must be one of');
    const job = await eventually('the job to fail', async () => {
      const found = await queue.getJob(failed.id);
      return found && (await found.getState()) === 'failed' ? found : null;
    });
    // Never retried: the job made at most one attempt and the row keeps its one.
    expect(job.attemptsMade).toBeLessThanOrEqual(1);
    expect((await row('unknown-template:e2e')).attempts).toBe(1);
    expect(t.mailbox.messages.filter((m) => m.to.includes('nobody@example.vn'))).toEqual([]);
  });

  it('fails only the mail that cannot be written: the other mails of its job go out', async () => {
    await t.db.source.transaction((manager) =>
      new OutboxService().add(manager, [
        { eventKey: 'unwritable:e2e-job', topic: 'mail', payload: { kind: 'entries-registered', to: 'unwritable@example.vn', data: {} } },
        { eventKey: 'entry-registered:e2e-job', topic: 'mail', payload: { kind: 'entries-registered', to: 'same-job@example.vn', data: registration('Xe lăn điện') } },
      ]),
    );
    const [bad, good] = [await row('unwritable:e2e-job'), await row('entry-registered:e2e-job')];
    const job = await eventually('the job to end', async () => {
      const found = await queue.getJob(bad.id);
      return found && (await found.getState()) === 'failed' ? found : null;
    });
    expect(job.data.outboxIds).toEqual([bad.id, good.id]);
    expect((await row('unwritable:e2e-job')).last_error).toContain('cannot be rendered');
    expect((await row('entry-registered:e2e-job')).delivered_at).toEqual(expect.any(Date));
    expect(t.mailbox.messages.filter((m) => m.to.includes('same-job@example.vn')).map((m) => m.subject)).toEqual(['Xác nhận đăng ký 1 sản phẩm dự thi: Trường THCS Kế Sách']);
    expect(t.mailbox.messages.filter((m) => m.to.includes('unwritable@example.vn'))).toEqual([]);
  });

  it('enqueues again an undelivered mail whose job Redis lost, and leaves failed jobs alone', async () => {
    const [{ id: lostId }] = await t.db.source.query(`INSERT INTO outbox (event_key, topic, payload, enqueued_at) VALUES ($1, 'mail', $2, now() - interval '11 minutes') RETURNING id`, [
      'entry-registered:e2e-lost',
      { kind: 'entries-registered', to: 'lost@example.vn', data: registration('Máy sấy nông sản') },
    ]);
    await addMail('unknown-template:e2e-old', 'nobody.old@example.vn', {}, 'no-such-template');
    const failed = await eventually('the failure to be recorded', async () => {
      const current = await row('unknown-template:e2e-old');
      return current.last_error ? current : null;
    });
    await t.db.source.query(`UPDATE outbox SET enqueued_at = now() - interval '11 minutes' WHERE id = $1`, [failed.id]);

    await t.app.get(OutboxRelay).requeueLost();

    const mail = await t.mailbox.waitFor((m) => m.to.includes('lost@example.vn'));
    expect(mail.messageId).toBe(`<${lostId}@contest.local>`);
    await eventually('the lost row to be delivered', async () => (await row('entry-registered:e2e-lost')).delivered_at);
    expect(await (await queue.getJob(failed.id))!.getState()).toBe('failed');
    expect((await row('unknown-template:e2e-old')).attempts).toBe(1);
  });

  it('keeps a mail pending while Redis refuses jobs, and sends it once Redis takes them again', async () => {
    let refusing = true;
    const addBulk = jest.spyOn(Queue.prototype, 'addBulk');
    addBulk.mockImplementation(async function (this: Queue, jobs) {
      if (refusing) throw new Error('Connection is closed.');
      addBulk.mockRestore();
      return Queue.prototype.addBulk.call(this, jobs);
    });
    try {
      await addMail('entry-registered:e2e-outage', 'outage@example.vn', registration('Xe đạp phát điện'));
      await eventually('two refused attempts', async () => addBulk.mock.calls.length >= 2);
      expect((await row('entry-registered:e2e-outage')).enqueued_at).toBeNull();
      refusing = false;
      await t.mailbox.waitFor((m) => m.to.includes('outage@example.vn'));
      expect((await row('entry-registered:e2e-outage')).enqueued_at).not.toBeNull();
    } finally {
      addBulk.mockRestore();
    }
  });

  it('shows mail caught by the development mailbox over HTTP', async () => {
    const devMailbox = await startDevMailbox(join(config.dataDir, 'mailbox'));
    const transport = createTransport(devMailbox.url);
    try {
      await transport.sendMail({
        from: config.mailFrom,
        to: 'truong@example.vn',
        subject: 'Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây',
        text: 'Kính gửi Trường THCS Kế Sách',
        html: '<p>Kính gửi <b>Trường THCS Kế Sách</b></p>',
      });
    } finally {
      transport.close();
      await devMailbox.stop();
    }
    const list = await t.request('GET', '/dev/mailbox');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, items: [{ to: ['truong@example.vn'], subject: 'Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây' }] });
    const one = await t.request('GET', `/dev/mailbox/${list.json().items[0].id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ text: 'Kính gửi Trường THCS Kế Sách', html: '<p>Kính gửi <b>Trường THCS Kế Sách</b></p>' });
    const missing = await t.request('GET', '/dev/mailbox/1795427000000-00000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('NOT_FOUND');
  });
});
