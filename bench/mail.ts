import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/core/config/config';
import { freePort } from '../src/core/infrastructure/free-port';
import { registrationMail } from '../src/core/outbox/mail-catalogue';
import { OutboxService } from '../src/core/outbox/outbox.service';
import { MailTemplates } from '../src/notifications/mail-templates';
import { runMigrations } from '../src/core/database/migrate';
import { dataSourceOptions } from '../src/core/database/data-source';
import { OUTBOX_CHANNEL } from '../src/core/outbox/outbox-wake';
import { resolveLocalRedis } from '../src/core/infrastructure/local-redis';
import type { BenchModule } from './support/suite';
import { median, ratio } from './support/stats';
import { createBenchDatabase, dropBenchDatabase } from './support/bench-database';
import { cpuOfTree, cpuSince } from './support/processes';

const MAILS = Number(process.env.BENCH_MAILS ?? 1000);
const CONNECTIONS = 5;
/** Measured runs after the warm-up (BENCH_MAIL_RUNS): a run is a few seconds, so a median of three costs little. */
const RUNS = Number(process.env.BENCH_MAIL_RUNS ?? 3);

export interface MailBench {
  mails: number;
  runs: number;
  /** Mails per second of each run, from the commit of the outbox rows to the sink's acceptance of the last mail. */
  outbox: number[];
  /** Of each run, ms the bench took to write and commit its batch of outbox rows (as a registration's transaction would). */
  batchWriteMs: number[];
  /** Mails per second of each run, bare pooled nodemailer to the same sink. */
  nodemailer: number[];
  /** Of each run, ms from the outbox rows' commit to the sink's first mail; the same from bare nodemailer's first send. */
  outboxFirstMailMs: number[];
  nodemailerFirstMailMs: number[];
  /** CPU per mail of each run through the outbox (ms): this process (app and sink), PostgreSQL, Redis; writing the batch included. */
  outboxCpu: CpuPerMail[];
  /** The same for bare nodemailer (sending and the sink alone): what the outbox path adds is the difference. */
  nodemailerCpu: CpuPerMail[];
}

/** CPU per mail in ms; null for a server whose processes this machine cannot see. */
export interface CpuPerMail {
  node: number;
  postgres: number | null;
  redis: number | null;
}

/** CPU used so far, in ms: this process, each process of the PostgreSQL server, the Redis server. */
interface CpuReading {
  node: number;
  postgres: Map<number, number> | null;
  redis: number | null;
}

/**
 * Reads the CPU time used so far by this process, by the PostgreSQL server when it runs here (every process of
 * it, other databases' sessions included) and by the Redis server (its INFO, other clients' commands included).
 */
async function cpuMeter(source: DataSource, redisUrl: string): Promise<{ read(): Promise<CpuReading>; close(): void }> {
  const [{ pid }]: Array<{ pid: number }> = await source.query('SELECT pg_backend_pid() AS pid');
  let postmaster: number | null = null;
  try {
    postmaster = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    // Not on this machine.
  }
  const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    async read() {
      const info = await redis.info('cpu');
      const seconds = (key: string) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
      const { user, system } = process.cpuUsage();
      return { node: (user + system) / 1000, postgres: postmaster === null ? null : cpuOfTree(postmaster), redis: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000 || null };
    },
    close: () => redis.disconnect(),
  };
}

function perMail(before: CpuReading, after: CpuReading): CpuPerMail {
  const each = (ms: number | null) => (ms === null ? null : Math.round((ms / MAILS) * 100) / 100);
  return {
    node: each(after.node - before.node)!,
    postgres: each(before.postgres && after.postgres ? cpuSince(before.postgres, after.postgres) : null),
    redis: each(before.redis !== null && after.redis !== null ? after.redis - before.redis : null),
  };
}

function cpuText(cpu: CpuPerMail): string {
  return `${cpu.node}+${cpu.postgres ?? '?'}+${cpu.redis ?? '?'}`;
}

/** A local SMTP server that accepts everything and counts. */
async function sink(): Promise<{ url: string; count(): number; firstAt(): number; reset(): void; stop(): Promise<void> }> {
  let received = 0;
  let firstAt = NaN;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        received += 1;
        if (received === 1) firstAt = performance.now();
        callback();
      });
      stream.resume();
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => received,
    firstAt: () => firstAt,
    reset: () => {
      received = 0;
      firstAt = NaN;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function until(done: () => boolean | Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('The mail bench timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function batch(run: number) {
  const school = { id: 'bench-school', name: 'Trường THCS Kế Sách' };
  return registrationMail({
    contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
    edition: { number: 6, seasonLabel: '2017' },
    entries: Array.from({ length: MAILS }, (_, i) => ({
      id: `bench-${run}-${i}`,
      title: `Máy tưới cây tự động số ${i}`,
      reference: `KS-${i}`,
      school: { ...school, id: `${school.id}-${i}` },
      contactEmail: `truong${i}@example.vn`,
    })),
  });
}

/**
 * Mail throughput from outbox to a local SMTP server through the real path (relay, BullMQ, delivery record,
 * rendering, pooled transport) in worker processes' modules, next to bare pooled nodemailer sending the same rendered
 * mail to the same server in the same run.
 */
export async function benchMail(databaseUrl: string, redisUrl: string, runs: number): Promise<MailBench> {
  const smtp = await sink();
  // The app's options, subscribers included: the outbox's commit wakes the relay, as every writer's does.
  const source = new DataSource(dataSourceOptions(databaseUrl, [], []));
  await source.initialize();
  const meter = await cpuMeter(source, redisUrl);
  const result: MailBench = { mails: MAILS, runs, outbox: [], batchWriteMs: [], nodemailer: [], outboxFirstMailMs: [], nodemailerFirstMailMs: [], outboxCpu: [], nodemailerCpu: [] };
  const sample = new MailTemplates().render('entries-registered', 'vi', batch(0)[0].payload.data);
  try {
    for (let run = 0; run <= runs; run++) {
      await source.query('TRUNCATE outbox, mail_deliveries');
      const dataDir = mkdtempSync(join(tmpdir(), 'contest-bench-mail-'));
      const config = loadConfig({
        DATA_DIR: dataDir,
        JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
        REDIS_PREFIX: `bench-mail-${Date.now()}-${run}`,
        LOG_LEVEL: 'error',
        MAIL_RATE_PER_SECOND: '10000',
        MAIL_CONCURRENCY: String(CONNECTIONS),
        SEED_DEMO: 'false',
      });
      const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl, redisUrl, smtpUrl: smtp.url }, { api: false, workers: true }), { logger: false });
      await app.init();
      // A started process listens for the outbox's wake-ups from its relay's first run on: the batch is written once it does.
      await until(async () => (await source.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query = $1`, [`LISTEN ${OUTBOX_CHANNEL}`])).length > 0);
      smtp.reset();
      const outboxCpu = await meter.read();
      const writing = performance.now();
      await source.transaction((manager) => new OutboxService().add(manager, batch(run)));
      // From the commit on the mail is the outbox's to deliver: bare nodemailer's clock too starts with its mail in hand.
      const started = performance.now();
      await until(() => smtp.count() >= MAILS);
      const outboxRate = MAILS / ((performance.now() - started) / 1000);
      const outboxFirstMailMs = smtp.firstAt() - started;
      const batchWriteMs = started - writing;
      const outboxCpuPerMail = perMail(outboxCpu, await meter.read());
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });

      const transport = createTransport({ url: smtp.url, pool: true, maxConnections: CONNECTIONS, logger: false });
      smtp.reset();
      const bareCpu = await meter.read();
      const bareStarted = performance.now();
      let next = 0;
      // As many sends in flight as the worker runs jobs at once.
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < MAILS) {
            const i = next++;
            await transport.sendMail({
              from: config.mailFrom,
              to: `truong${i}@example.vn`,
              subject: sample.subject,
              text: sample.text,
              html: sample.html,
              messageId: `<bench-${run}-${i}@contest.local>`,
            });
          }
        }),
      );
      await until(() => smtp.count() >= MAILS);
      const bareRate = MAILS / ((performance.now() - bareStarted) / 1000);
      const bareFirstMailMs = smtp.firstAt() - bareStarted;
      const bareCpuPerMail = perMail(bareCpu, await meter.read());
      transport.close();
      // Run 0 warms up (compilation, connections) and is not kept.
      if (run > 0) {
        result.outbox.push(Math.round(outboxRate));
        result.nodemailer.push(Math.round(bareRate));
        result.outboxFirstMailMs.push(Math.round(outboxFirstMailMs));
        result.batchWriteMs.push(Math.round(batchWriteMs));
        result.nodemailerFirstMailMs.push(Math.round(bareFirstMailMs));
        result.outboxCpu.push(outboxCpuPerMail);
        result.nodemailerCpu.push(bareCpuPerMail);
      }
    }
  } finally {
    await source.query('TRUNCATE outbox, mail_deliveries').catch(() => undefined);
    await source.destroy();
    meter.close();
    await smtp.stop();
  }
  return result;
}

/** Mail throughput beside bare nodemailer (`--only=mail`), on a database of its own: a few seconds a run. */
export const mailModule: BenchModule = {
  name: 'mail',
  async run({ root, adminUrl }) {
    if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_MAIL_RUNS must be a whole number of runs, 1 or more; got "${process.env.BENCH_MAIL_RUNS}"`);
    const { name: database, url } = await createBenchDatabase(adminUrl, 'bench_mail');
    // The Redis the app would use on its embedded defaults: BENCH_REDIS_URL, the one on 6379, or a redis-server started here.
    const redis = process.env.BENCH_REDIS_URL ? { url: process.env.BENCH_REDIS_URL, stop: async () => {} } : await resolveLocalRedis(join(root, '.data', 'bench-redis'));
    try {
      await runMigrations(url);
      const mail = await benchMail(url, redis.url, RUNS);
      const outbox = median(mail.outbox);
      const nodemailer = median(mail.nodemailer);
      const ratioToBare = ratio(outbox, nodemailer);
      const runs = mail.outbox.map((rate, i) => `${rate}/${mail.nodemailer[i]}`).join(', ');
      const firstMails = mail.outbox.map((_, i) => `${mail.outboxFirstMailMs[i]}/${mail.nodemailerFirstMailMs[i]}`).join(', ');
      const cpu = mail.outbox.map((_, i) => `${cpuText(mail.outboxCpu[i])} / ${cpuText(mail.nodemailerCpu[i])}`).join(', ');
      return {
        rows: [
          {
            figure: `mail, outbox → SMTP (${mail.mails} mails)`,
            value: outbox,
            unit: 'mails/s',
            ceiling: nodemailer,
            ceilingFigure: 'bare pooled nodemailer, same SMTP',
            ratio: ratioToBare,
            target: '≥ 0.8',
          },
        ],
        details: mail,
        text: `Mail, outbox → local SMTP beside bare pooled nodemailer (${mail.mails} mails, ${CONNECTIONS} connections), each run outbox/nodemailer mails/s: ${runs}; ms to the first mail after the commit: ${firstMails}; ms writing the batch (not counted): ${mail.batchWriteMs.join(', ')}; median ratio ${ratioToBare}; CPU ms per mail (bench process + PostgreSQL + Redis), outbox / nodemailer: ${cpu}; load average ${loadavg()[0].toFixed(2)}`,
      };
    } finally {
      await redis.stop();
      await dropBenchDatabase(adminUrl, database);
    }
  },
};
