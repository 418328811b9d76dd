import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { DomainError } from '../core/errors/domain-error';
import { Page, pageOf } from '../core/http/paging';
import type { AddressInfo } from 'node:net';
import { privateDir, writePrivateFile } from '../core/infrastructure/private-files';

/** mailparser is a large share of the app's code: it loads with the first mail the development mailbox receives, not at start. */
async function parseMail(raw: Buffer): Promise<import('mailparser').ParsedMail> {
  const { simpleParser } = await import('mailparser');
  return simpleParser(raw);
}

export interface MailboxEntry {
  id: string;
  from: string;
  to: string[];
  subject: string;
  receivedAt: string;
}

export interface MailboxMessage extends MailboxEntry {
  text: string;
  html: string;
}

const MESSAGE_ID = /^\d{13}-[0-9a-f]{8}$/;
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * Mail caught by the development mailbox, one `<id>.eml` and one `<id>.json` index entry per message. Separate
 * files per message let an API process read what a worker process's mailbox wrote, with no shared index to race on.
 */
export class DevMailbox {
  constructor(readonly dir: string) {}

  async store(raw: Buffer, envelopeTo: string[]): Promise<MailboxEntry> {
    const parsed = await parseMail(raw);
    const receivedAt = new Date();
    const entry: MailboxEntry = {
      id: `${receivedAt.getTime().toString().padStart(13, '0')}-${randomBytes(4).toString('hex')}`,
      from: parsed.from?.text ?? '',
      to: envelopeTo,
      subject: parsed.subject ?? '',
      receivedAt: receivedAt.toISOString(),
    };
    await privateDir(this.dir);
    await writePrivateFile(join(this.dir, `${entry.id}.eml`), raw);
    // The index entry appears last and whole: a listed message always has its .eml.
    const partial = join(this.dir, `${entry.id}.json.partial`);
    await writePrivateFile(partial, JSON.stringify(entry));
    await rename(partial, join(this.dir, `${entry.id}.json`));
    return entry;
  }

  /** Newest first; reads only the index entries of the page asked for. */
  async list(query: { page: number; pageSize: number }): Promise<Page<MailboxEntry>> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return pageOf([], 0, query);
      throw error;
    }
    const ids = files
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .filter((id) => MESSAGE_ID.test(id))
      .sort()
      .reverse();
    const start = (query.page - 1) * query.pageSize;
    const items = await Promise.all(ids.slice(start, start + query.pageSize).map(async (id) => JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')) as MailboxEntry));
    return pageOf(items, ids.length, query);
  }

  async read(id: string): Promise<MailboxMessage> {
    if (!MESSAGE_ID.test(id)) throw new DomainError('NOT_FOUND', 'MAIL_MESSAGE_NOT_FOUND', { id });
    let entry: MailboxEntry;
    let raw: Buffer;
    try {
      entry = JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8'));
      raw = await readFile(join(this.dir, `${id}.eml`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DomainError('NOT_FOUND', 'MAIL_MESSAGE_NOT_FOUND', { id });
      throw error;
    }
    const parsed = await parseMail(raw);
    return { ...entry, text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' };
  }
}

/**
 * The development mailbox used when no SMTP_URL is set: an SMTP server on a free local port, without auth, that
 * keeps every message under `dir` for `GET /dev/mailbox` to show.
 */
export async function startDevMailbox(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const mailbox = new DevMailbox(dir);
  // Caught mail is for this user's eyes only, like every file under the data directory.
  await privateDir(dir);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    onData(stream, session, callback) {
      readAll(stream)
        .then((raw) => {
          if (stream.sizeExceeded) throw Object.assign(new Error('Message exceeds the fixed maximum message size'), { responseCode: 552 });
          return mailbox.store(
            raw,
            session.envelope.rcptTo.map((recipient) => recipient.address),
          );
        })
        .then(() => callback(), callback);
    },
  });
  // Port 0: the system picks a free port as it binds, so nothing can take it between a check and the bind.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
