import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Runtime, RUNTIME } from '../../src/core/core.module';
import { registrationMail } from '../../src/core/outbox/mail-catalogue';
import { OutboxService } from '../../src/core/outbox/outbox.service';
import { eventually } from '../support/eventually';
import { TestApp } from '../support/test-app';

// Enough that the kill lands with mails delivered, mails in transfer and mails not yet taken up, all three.
const MAILS = 60;
const ROOT = resolve(__dirname, '../..');

/**
 * A worker process (a real child, `src/worker.ts`) is killed with SIGKILL while mail is going out, and started
 * again: every mail arrives exactly once, counted by its Message-ID.
 *
 * The kill lands while messages are in the middle of their transfer (the server holds them unanswered) and after
 * every message the server accepted is recorded. It deliberately misses the one window no SMTP client can close,
 * between the server's acceptance and the COMMIT that records it (README, "Mail delivery"), which a kill landing
 * there would turn into one duplicate with the same Message-ID.
 */
describe('a mail worker killed mid-send (e2e, child processes)', () => {
  let t: TestApp;
  let runtime: Runtime;
  const output: string[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    runtime = t.app.get<Runtime>(RUNTIME, { strict: false });
  });
  afterAll(() => t.stop());

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, [join(ROOT, 'test/support/ts-process.js'), join(ROOT, 'src/worker.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: t.db.url,
        REDIS_URL: runtime.redisUrl,
        SMTP_URL: t.mailbox.url,
        JWT_SECRET: runtime.config.jwtSecret,
        REDIS_PREFIX: runtime.config.redisPrefix,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'contest-crash-worker-')),
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        // Jobs of a dead worker are taken up again after 2 s rather than 30.
        JOB_LOCK_MS: '2000',
        MAIL_RATE_PER_SECOND: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => output.push(String(chunk)));
    child.stderr!.on('data', (chunk) => output.push(String(chunk)));
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });

  const delivered = async () => Number((await t.db.source.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NOT NULL`))[0].n);
  const distinctIds = () => new Set(t.mailbox.messages.map((m) => m.messageId)).size;

  it('delivers every mail exactly once across a SIGKILL and a restart', async () => {
    const school = { id: 'crash-school', name: 'Trường THCS Kế Sách' };
    const entries = Array.from({ length: MAILS }, (_, i) => ({
      id: `crash-${i}`,
      title: `Sản phẩm ${i}`,
      reference: `CR-${i}`,
      school: { ...school, id: `${school.id}-${i}` },
      contactEmail: `crash${i}@example.vn`,
    }));
    await t.db.source.transaction((manager) => new OutboxService().add(manager, registrationMail({ contestName: 'Cuộc thi Sáng tạo', edition: { number: 6, seasonLabel: '2017' }, entries })));

    const first = startWorker();
    try {
      await eventually(
        () => `a third of the mails to arrive; worker said: ${output.join('')}`,
        () => t.mailbox.messages.length >= MAILS / 3,
        120_000,
      );
      t.mailbox.hold();
      await eventually('mails in the middle of their transfer', () => t.mailbox.heldCount >= 1);
      await eventually('every accepted mail to be recorded', async () => (await delivered()) === t.mailbox.messages.length);
    } finally {
      first.kill('SIGKILL');
    }
    expect(await exited(first)).toEqual({ code: null, signal: 'SIGKILL' });
    const arrivedBeforeCrash = t.mailbox.messages.length;
    t.mailbox.dropHeld();
    expect(arrivedBeforeCrash).toBeLessThan(MAILS);

    const second = startWorker();
    try {
      await eventually(
        () => `every mail to arrive (${distinctIds()} so far); worker said: ${output.join('')}`,
        () => distinctIds() >= MAILS,
        120_000,
      );
      await eventually('every outbox row to be delivered', async () => (await delivered()) === MAILS);
    } finally {
      second.kill('SIGTERM');
    }
    // SIGTERM: the worker finishes what it holds and exits cleanly.
    expect(await exited(second)).toEqual({ code: 0, signal: null });

    expect(t.mailbox.messages).toHaveLength(MAILS);
    expect(distinctIds()).toBe(MAILS);
    const recipients = t.mailbox.messages.flatMap((m) => m.to).sort();
    expect(recipients).toEqual(entries.map((e) => e.contactEmail).sort());
    const [{ sent }] = await t.db.source.query(`SELECT count(*)::int AS sent FROM mail_deliveries WHERE status = 'sent'`);
    expect(sent).toBe(MAILS);
  }, 300_000);
});
