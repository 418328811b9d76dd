import { Queue } from 'bullmq';
import { Runtime, RUNTIME } from '../../src/core/core.module';
import { JOB_CATALOGUE } from '../../src/notifications/job-catalogue';
import { eventually } from '../support/eventually';
import { FaultProxy } from '../support/fault-proxy';
import { YOUTH_EDITION } from '../support/fixtures';
import { TestApp } from '../support/test-app';
import { testEnvironment } from '../support/test-env';

const ADMIN = 'admin@test.vn';
const SCHOOL = 'school1@test.vn';

function entryBody(reference: string, contactEmail: string) {
  return {
    reference,
    title: `Đèn học thông minh ${reference}`,
    fieldCode: 'MT',
    summary: 'Tự tắt khi không có người.',
    contact: { name: 'Trần Văn Minh', email: contactEmail, phone: '0299 3861 234' },
    authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' }],
  };
}

/** The SMTP server and Redis misbehave; every mail still goes out exactly once, or waits, listed, for an administrator. */
describe('mail under SMTP failures and a Redis outage (e2e)', () => {
  let t: TestApp;
  let redis: FaultProxy;
  let queue: Queue;
  let entriesUrl: string;

  beforeAll(async () => {
    redis = await FaultProxy.start(testEnvironment().redisUrl);
    t = await TestApp.start({
      // Short pauses so that retries happen within the test; small timeouts so that the outage shows at once.
      env: { MAIL_RETRY_DELAY_MS: '100', REDIS_CONNECT_TIMEOUT_MS: '500', HEALTH_TIMEOUT_MS: '1000' },
      route: { redis: (url) => redis.route(url) },
    });
    const runtime = t.app.get<Runtime>(RUNTIME, { strict: false });
    queue = new Queue(JOB_CATALOGUE[0].queue, { connection: { url: testEnvironment().redisUrl }, prefix: runtime.config.redisPrefix });
    entriesUrl = `/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`;
    await t.token(ADMIN);
    await t.token(SCHOOL);
  });
  afterEach(async () => {
    t.mailbox.refuse(null);
    await redis.resume();
  });
  afterAll(async () => {
    await queue.close();
    await t.stop();
    await redis.stop();
  });

  const to = (address: string) => t.mailbox.messages.filter((m) => m.to.includes(address));
  const delivery = async (recipient: string) =>
    (await t.db.source.query(`SELECT id, status, attempts, last_error AS "lastError" FROM mail_deliveries WHERE recipient = $1`, [recipient]))[0] as
      { id: string; status: string; attempts: number; lastError: string | null } | undefined;

  async function settled(): Promise<void> {
    await eventually('the outbox and the queue to be empty', async () => {
      const [{ pending }] = await t.db.source.query(
        `SELECT count(*)::int AS pending FROM outbox o WHERE delivered_at IS NULL AND NOT EXISTS (SELECT 1 FROM mail_deliveries d WHERE d.outbox_id = o.id AND d.status = 'failed')`,
      );
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return pending === 0 && Object.values(counts).every((count) => count === 0);
    });
  }

  async function register(reference: string, contact: string): Promise<void> {
    const response = await t.as(SCHOOL).post(entriesUrl, entryBody(reference, contact));
    expect(response.statusCode).toBe(201);
  }

  it('retries a mail the server answers with 4xx, and delivers it once the server takes it', async () => {
    t.mailbox.refuse(451);
    const refusedBefore = t.mailbox.refused;
    await register('SMTP-451', 'tam.thoi@school1.vn');
    await eventually('two refusals', () => t.mailbox.refused >= refusedBefore + 2);
    expect(await delivery('tam.thoi@school1.vn')).toMatchObject({ status: 'pending', lastError: expect.stringContaining('451') });
    t.mailbox.refuse(null);
    await t.mailbox.waitFor((m) => m.to.includes('tam.thoi@school1.vn'));
    await settled();
    expect(to('tam.thoi@school1.vn')).toHaveLength(1);
    const sent = await delivery('tam.thoi@school1.vn');
    expect(sent).toMatchObject({ status: 'sent', lastError: null });
    expect(sent!.attempts).toBeGreaterThanOrEqual(3);
  });

  it('fails a mail the server refuses with 5xx at once, lists it for administrators, and sends it once when requeued', async () => {
    t.mailbox.refuse(550);
    const refusedBefore = t.mailbox.refused;
    await register('SMTP-550', 'khong.nhan@school1.vn');
    const failed = await eventually('the delivery to fail', async () => {
      const found = await delivery('khong.nhan@school1.vn');
      return found?.status === 'failed' ? found : null;
    });
    expect(t.mailbox.refused).toBe(refusedBefore + 1);

    const listed = await t.as(ADMIN).get('/admin/deliveries', { query: { status: 'failed' } });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({ id: failed.id, recipient: 'khong.nhan@school1.vn', kind: 'entries-registered', status: 'failed', lastError: expect.stringContaining('550') }),
    );
    expect((await t.as(SCHOOL).get('/admin/deliveries')).statusCode).toBe(403);

    t.mailbox.refuse(null);
    const requeued = await t.as(ADMIN).post(`/admin/deliveries/${failed.id}/requeue`);
    expect(requeued.statusCode).toBe(200);
    expect(requeued.json()).toMatchObject({ id: failed.id, status: 'pending' });
    await t.mailbox.waitFor((m) => m.to.includes('khong.nhan@school1.vn'));
    await settled();
    expect(to('khong.nhan@school1.vn')).toHaveLength(1);
    expect(await delivery('khong.nhan@school1.vn')).toMatchObject({ status: 'sent' });
    expect((await t.as(ADMIN).get('/admin/deliveries')).json().items.map((d: { id: string }) => d.id)).not.toContain(failed.id);
    expect((await t.as(ADMIN).post(`/admin/deliveries/${failed.id}/requeue`)).statusCode).toBe(422);
    const [audit] = await t.db.source.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [failed.id]);
    expect(audit).toEqual({ action: 'mail.requeue' });
  });

  it('sends nothing more for a duplicated job of a mail already sent', async () => {
    await register('DUP-1', 'hai.lan@school1.vn');
    await t.mailbox.waitFor((m) => m.to.includes('hai.lan@school1.vn'));
    await settled();
    const [{ id }] = await t.db.source.query(`SELECT id FROM outbox WHERE payload->>'to' = 'hai.lan@school1.vn'`);
    const duplicate = await queue.add('mail', { outboxIds: [id] }, { jobId: `${id}-duplicate` });
    await eventually('the duplicate job to complete', async () => (await duplicate.getState()) === 'completed');
    expect((await queue.getJob(`${id}-duplicate`))!.returnvalue).toEqual(['already-delivered']);
    expect(to('hai.lan@school1.vn')).toHaveLength(1);
  });

  it('keeps registering while Redis is unreachable, says the queue is degraded, and sends every mail once when Redis is back', async () => {
    await redis.cut();
    const contacts = Array.from({ length: 5 }, (_, i) => `mat.redis${i}@school1.vn`);
    for (const [i, contact] of contacts.entries()) await register(`REDIS-${i}`, contact);
    const health = await t.request('GET', '/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'degraded', details: { database: { status: 'up' }, redis: { status: 'down' } } });
    const [{ waiting }] = await t.db.source.query(`SELECT count(*)::int AS waiting FROM outbox WHERE payload->>'to' = ANY($1) AND enqueued_at IS NULL`, [contacts]);
    expect(waiting).toBe(5);
    expect(contacts.flatMap(to)).toEqual([]);

    await redis.resume();
    for (const contact of contacts) await t.mailbox.waitFor((m) => m.to.includes(contact), 30_000);
    await settled();
    expect(contacts.map((contact) => to(contact).length)).toEqual([1, 1, 1, 1, 1]);
    await eventually('/health to say ok', async () => (await t.request('GET', '/health')).json().status === 'ok');
  });
});
