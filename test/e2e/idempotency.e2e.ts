import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { APP_CONFIG, AppConfig } from '../../src/core/config/config';
import { eventually } from '../support/eventually';
import { YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
/** Short enough to wait out in a test, long enough for a request to be answered well within it. */
const LEASE_SECONDS = 3;

describe('Idempotency-Key leases and retention (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS) } });
  });
  afterAll(() => t.stop());

  async function registerEntry(reference: string): Promise<string> {
    const response = await t.as('school1@test.vn').post(`/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`, {
      title: 'Đèn học tiết kiệm điện',
      fieldCode: 'HT',
      summary: 'Đèn LED tự tắt khi không có người.',
      reference,
      contact: { name: 'Cô Lan', email: 'lan@test.vn' },
      authors: [{ fullName: 'Võ Minh Khôi', birthDate: '2010-06-01' }],
    });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  function attach(entryId: string, key: string, content: Buffer = TINY_PDF) {
    const body = multipart({ filename: content === PNG ? 'anh.png' : 'ho-so.pdf', contentType: 'application/octet-stream', content });
    return t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, body.payload, { headers: { ...body.headers, 'idempotency-key': key } });
  }

  async function storedFiles(entryId: string): Promise<{ rows: string[]; onDisk: string[] }> {
    const rows: Array<{ id: string }> = await t.db.source.query('SELECT id FROM dossier_files WHERE entry_id = $1', [entryId]);
    const folder = join(t.app.get<AppConfig>(APP_CONFIG).uploadDir, 'dossiers', entryId);
    return { rows: rows.map((r) => r.id), onDisk: existsSync(folder) ? readdirSync(folder) : [] };
  }

  const keyRow = async (key: string) => (await t.db.source.query('SELECT lease_id, locked_until < now() AS expired FROM idempotency_keys WHERE key = $1', [key]))[0];

  it('never runs a committed request again when its answer could not be stored, even after the lease ran out', async () => {
    const entryId = await registerEntry('IDEM-LOST');
    // The answer store fails after the change committed: a database error on exactly that write.
    await t.db.source.query(`CREATE FUNCTION refuse_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'answer store failed'; END $$`);
    await t.db.source.query(`CREATE TRIGGER refuse_answer BEFORE UPDATE OF response_status ON idempotency_keys FOR EACH ROW WHEN (NEW.key = 'lost-answer') EXECUTE FUNCTION refuse_answer()`);
    try {
      expect((await attach(entryId, 'lost-answer')).statusCode).toBe(500);
    } finally {
      await t.db.source.query('DROP TRIGGER refuse_answer ON idempotency_keys; DROP FUNCTION refuse_answer()');
    }
    expect((await storedFiles(entryId)).rows).toHaveLength(1);

    await t.db.source.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 minute' WHERE key = 'lost-answer'`);
    const retried = await attach(entryId, 'lost-answer');
    expect(retried.statusCode).toBe(409);
    expect(retried.json()).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('carried out') });
    const files = await storedFiles(entryId);
    expect(files.rows).toHaveLength(1);
    expect(files.onDisk).toHaveLength(1);
  });

  it('lets a repeat take over a key whose first request outlived its lease, and keeps that first request from saving', async () => {
    const entryId = await registerEntry('IDEM-LEASE');
    // Hold the entry's row so that the first upload hangs inside its transaction, as a stuck or dying process would.
    const blocker = new Client({ connectionString: t.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM entries WHERE id = $1 FOR UPDATE', [entryId]);
      const first = attach(entryId, 'slow-upload');
      const { lease_id: firstLease } = await eventually('the first upload to claim its key', () => keyRow('slow-upload'));

      const early = await attach(entryId, 'slow-upload');
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('IDEMPOTENCY_IN_PROGRESS');

      await eventually('the first lease to run out', async () => (await keyRow('slow-upload')).expired, 3 * LEASE_SECONDS * 1000);
      const takeover = attach(entryId, 'slow-upload');
      await eventually('the repeat to take the key over', async () => (await keyRow('slow-upload')).lease_id !== firstLease);
      await blocker.query('COMMIT');

      const [firstAnswer, takeoverAnswer] = await Promise.all([first, takeover]);
      expect(firstAnswer.statusCode).toBe(409);
      expect(firstAnswer.json().code).toBe('CONFLICT');
      expect(takeoverAnswer.statusCode).toBe(201);
      const files = await storedFiles(entryId);
      expect(files.rows).toEqual([takeoverAnswer.json().id]);
      expect(files.onDisk).toHaveLength(1);

      const replay = await attach(entryId, 'slow-upload');
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replay']).toBe('true');
      expect(replay.json()).toEqual(takeoverAnswer.json());
    } finally {
      await blocker.end();
    }
  });

  it('forgets keys after 24 hours: an old key is free for a new request, and expired keys are swept', async () => {
    const entryId = await registerEntry('IDEM-OLD');
    expect((await attach(entryId, 'old-key')).statusCode).toBe(201);
    expect((await attach(entryId, 'forgotten-key')).statusCode).toBe(201);
    await t.db.source.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key IN ('old-key', 'forgotten-key')`);

    // Within the retention this would be a 422 (same key, another file); expired, it is a new request.
    const reused = await attach(entryId, 'old-key', PNG);
    expect(reused.statusCode).toBe(201);
    expect(reused.json().mediaType).toBe('image/png');
    const keys = await t.db.source.query(`SELECT key FROM idempotency_keys WHERE key IN ('old-key', 'forgotten-key')`);
    expect(keys).toEqual([{ key: 'old-key' }]);
    expect((await storedFiles(entryId)).rows).toHaveLength(3);
  });
});
