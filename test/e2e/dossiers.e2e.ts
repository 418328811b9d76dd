import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRuntime } from '../../src/bootstrap';
import { APP_CONFIG, AppConfig, loadConfig } from '../../src/core/config/config';
import { MAX_DOSSIER_FILES } from '../../src/entries/dossiers.service';
import { YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

/** The smallest PDF readers open: one empty page. */
const TINY_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
);
/** What a Windows program starts with. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90)]);
/** A 1×1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

const modeOf = (path: string) => statSync(path).mode & 0o777;
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

async function registerEntry(t: TestApp, email = 'school1@test.vn', reference = 'DOS-1'): Promise<string> {
  const response = await t.as(email).post(`/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`, {
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

describe('dossiers (e2e)', () => {
  let t: TestApp;
  let entryId: string;
  let uploadDir: string;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    entryId = await registerEntry(t);
    uploadDir = t.app.get<AppConfig>(APP_CONFIG).uploadDir;
  });
  afterAll(() => t.stop());

  function upload(filename: string, content: Buffer, contentType = 'application/octet-stream', as = 'school1@test.vn', id = entryId) {
    const body = multipart({ filename, contentType, content });
    return t.as(as).post(`/entries/${id}/dossier`, body.payload, { headers: body.headers });
  }

  it('stores a retried upload once under the same Idempotency-Key, and refuses that key with another file', async () => {
    const id = await registerEntry(t, 'school1@test.vn', 'DOS-RETRY');
    const send = (content: Buffer) => {
      const body = multipart({ filename: 'ho-so.pdf', contentType: 'application/pdf', content });
      return t.as('school1@test.vn').post(`/entries/${id}/dossier`, body.payload, { headers: { ...body.headers, 'idempotency-key': 'dossier-retry-1' } });
    };
    const first = await send(TINY_PDF);
    const retried = await send(TINY_PDF);
    expect([first.statusCode, retried.statusCode]).toEqual([201, 201]);
    expect(retried.json()).toEqual(first.json());
    const otherFile = await send(PNG);
    expect(otherFile.statusCode).toBe(422);
    expect(otherFile.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const entry = (await t.as('school1@test.vn').get(`/entries/${id}`)).json();
    expect(entry.dossierFiles).toEqual([expect.objectContaining({ id: first.json().id })]);
  });

  it('accepts a real PDF with its checksum, lists it on the entry and gives back the same bytes', async () => {
    const accepted = await upload('Hồ sơ: mẫu*.pdf'.normalize('NFD'), TINY_PDF, 'application/octet-stream');
    expect(accepted.statusCode).toBe(201);
    const file = accepted.json();
    expect(file).toMatchObject({ mediaType: 'application/pdf', sizeBytes: TINY_PDF.length, sha256: sha256(TINY_PDF), originalName: 'Hồ sơ mẫu.pdf' });

    const entry = (await t.as('ks@test.vn').get(`/entries/${entryId}`)).json();
    expect(entry.dossierFiles).toEqual([expect.objectContaining({ id: file.id, sha256: sha256(TINY_PDF) })]);

    const downloaded = await t.as('ks@test.vn').get(`/entries/${entryId}/dossier/${file.id}`);
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.headers['content-type']).toBe('application/pdf');
    expect(downloaded.headers['content-disposition']).toBe(`attachment; filename="Ho so mau.pdf"; filename*=UTF-8''H%E1%BB%93%20s%C6%A1%20m%E1%BA%ABu.pdf`);
    expect(downloaded.headers['x-content-type-options']).toBe('nosniff');
    expect(downloaded.rawPayload.equals(TINY_PDF)).toBe(true);

    const [{ storage_key: storageKey }] = await t.db.source.query('SELECT storage_key FROM dossier_files WHERE id = $1', [file.id]);
    expect(storageKey).toBe(`dossiers/${entryId}/${file.id}.pdf`);
    expect(readFileSync(join(uploadDir, storageKey)).equals(TINY_PDF)).toBe(true);

    const audit = await t.as('province@test.vn').get('/audit', { query: { entityId: entryId, action: 'entry.dossier.attach' } });
    expect(audit.json().items).toEqual([expect.objectContaining({ after: expect.objectContaining({ fileId: file.id, sha256: sha256(TINY_PDF) }) })]);
  });

  it('accepts an image whatever type the browser claimed, recognised from its bytes', async () => {
    const accepted = await upload('ảnh mô hình.PNG', PNG, 'application/pdf');
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().mediaType).toBe('image/png');
  });

  it('refuses disguised and unsupported files with 415, leaving nothing behind', async () => {
    const filesBefore = readdirSync(join(uploadDir, 'dossiers', entryId)).length;
    const pdfAsPng = await upload('photo.png', TINY_PDF, 'image/png');
    expect(pdfAsPng.statusCode).toBe(415);
    expect(pdfAsPng.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The file is a PDF but its name ends in .png' });
    const exeAsPdf = await upload('ho-so.pdf', EXE, 'application/pdf');
    expect(exeAsPdf.statusCode).toBe(415);
    expect(exeAsPdf.json().details.problems).toEqual([expect.objectContaining({ field: 'file', reason: expect.stringContaining('not one of the accepted types') })]);
    const text = await upload('notes.txt', Buffer.from('just text'), 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(readdirSync(join(uploadDir, 'dossiers', entryId))).toHaveLength(filesBefore);
    const [{ n }] = await t.db.source.query('SELECT count(*)::int AS n FROM dossier_files WHERE entry_id = $1', [entryId]);
    expect(n).toBe(filesBefore);
  });

  it('refuses a request that is not a multipart upload, naming the file field', async () => {
    const response = await t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, { file: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.json().details.problems).toEqual([expect.objectContaining({ field: 'file', reason: 'missing' })]);
  });

  it('removes a file while registration is open, from the list and the disk, and refuses it once closed', async () => {
    const file = (await upload('bản vẽ.pdf', TINY_PDF)).json();
    const [{ storage_key: storageKey }] = await t.db.source.query('SELECT storage_key FROM dossier_files WHERE id = $1', [file.id]);
    expect((await t.as('school2@test.vn').delete(`/entries/${entryId}/dossier/${file.id}`)).statusCode).toBe(404);

    const editionId = t.world.editions.get(YOUTH_EDITION)!.edition.id;
    await t.db.source.query(`UPDATE editions SET registration_closes_at = now() - interval '1 hour' WHERE id = $1`, [editionId]);
    try {
      const closed = await t.as('school1@test.vn').delete(`/entries/${entryId}/dossier/${file.id}`);
      expect(closed.statusCode).toBe(422);
      expect((await upload('late.pdf', TINY_PDF)).statusCode).toBe(422);
      // Reading stays possible after the window.
      expect((await t.as('school1@test.vn').get(`/entries/${entryId}/dossier/${file.id}`)).statusCode).toBe(200);
    } finally {
      await t.db.source.query(`UPDATE editions SET registration_closes_at = now() + interval '30 days' WHERE id = $1`, [editionId]);
    }

    expect((await t.as('school1@test.vn').delete(`/entries/${entryId}/dossier/${file.id}`)).statusCode).toBe(204);
    expect((await t.as('school1@test.vn').get(`/entries/${entryId}/dossier/${file.id}`)).statusCode).toBe(404);
    expect(existsSync(join(uploadDir, storageKey))).toBe(false);
    const entry = (await t.as('school1@test.vn').get(`/entries/${entryId}`)).json();
    expect(entry.dossierFiles.map((f: { id: string }) => f.id)).not.toContain(file.id);
  });

  it('keeps another school from downloading the file', async () => {
    const file = (await upload('riêng.pdf', TINY_PDF)).json();
    expect((await t.as('school2@test.vn').get(`/entries/${entryId}/dossier/${file.id}`)).statusCode).toBe(404);
    expect((await t.as('judge@test.vn').get(`/entries/${entryId}/dossier/${file.id}`)).statusCode).toBe(404);
    const otherEntry = await registerEntry(t, 'school1@test.vn', 'DOS-2');
    expect((await t.as('school1@test.vn').get(`/entries/${otherEntry}/dossier/${file.id}`)).statusCode).toBe(404);
  });
});

describe('dossiers with a small upload limit (e2e)', () => {
  let t: TestApp;
  let entryId: string;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { UPLOAD_MAX_BYTES: '2048' } });
    entryId = await registerEntry(t);
  });
  afterAll(() => t.stop());

  it('refuses a file over the limit with 413 and accepts one under it', async () => {
    const big = Buffer.concat([TINY_PDF, Buffer.alloc(3000, 0x20)]);
    const tooLarge = multipart({ filename: 'lon.pdf', contentType: 'application/pdf', content: big });
    const refused = await t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, tooLarge.payload, { headers: tooLarge.headers });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().code).toBe('PAYLOAD_TOO_LARGE');
    const [{ n }] = await t.db.source.query('SELECT count(*)::int AS n FROM dossier_files');
    expect(n).toBe(0);

    const small = multipart({ filename: 'nho.pdf', contentType: 'application/pdf', content: TINY_PDF });
    expect((await t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, small.payload, { headers: small.headers })).statusCode).toBe(201);
  });
});

describe('dossier cap under concurrent uploads (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
  });
  afterAll(() => t.stop());

  it('stores exactly 20 of 40 files uploaded at once, refusing the others with a reason and leaving no stray file on disk', async () => {
    const entryId = await registerEntry(t, 'school1@test.vn', 'CAP-1');

    const responses = await Promise.all(
      Array.from({ length: 2 * MAX_DOSSIER_FILES }, (_, i) => {
        const body = multipart({ filename: `trang-${i}.pdf`, contentType: 'application/pdf', content: TINY_PDF });
        return t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, body.payload, { headers: body.headers });
      }),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_DOSSIER_FILES);
    expect(statuses.filter((s) => s === 422)).toHaveLength(MAX_DOSSIER_FILES);
    for (const refused of responses.filter((r) => r.statusCode === 422)) {
      expect(refused.json()).toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [expect.objectContaining({ field: 'file', reason: 'too many files' })] } });
    }

    const [{ n }] = await t.db.source.query('SELECT count(*)::int AS n FROM dossier_files WHERE entry_id = $1', [entryId]);
    expect(n).toBe(MAX_DOSSIER_FILES);
    const folder = join(t.app.get<AppConfig>(APP_CONFIG).uploadDir, 'dossiers', entryId);
    const onDisk = existsSync(folder) ? readdirSync(folder) : [];
    const stored: Array<{ storage_key: string }> = await t.db.source.query('SELECT storage_key FROM dossier_files WHERE entry_id = $1', [entryId]);
    expect(onDisk.sort()).toEqual(stored.map((f) => f.storage_key.split('/').pop()).sort());
  });
});

describe('stored dossier files (e2e)', () => {
  let t: TestApp;
  let umask: number;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    // The loosest umask: the modes must come from the app, not from how it was started.
    umask = process.umask(0o000);
  });
  afterAll(async () => {
    process.umask(umask);
    await t.stop();
  });

  it('are readable by the app user only, in folders only it may enter', async () => {
    const entryId = await registerEntry(t, 'school1@test.vn', 'MODE-1');
    const body = multipart({ filename: 'ho-so.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') });
    const uploaded = await t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, body.payload, { headers: body.headers });
    expect(uploaded.statusCode).toBe(201);

    const uploadDir = t.app.get<AppConfig>(APP_CONFIG).uploadDir;
    const [{ storage_key: storageKey }] = await t.db.source.query('SELECT storage_key FROM dossier_files WHERE id = $1', [uploaded.json().id]);
    expect(modeOf(join(uploadDir, storageKey))).toBe(0o600);
    expect([uploadDir, join(uploadDir, 'dossiers'), join(uploadDir, 'dossiers', entryId)].map(modeOf)).toEqual([0o700, 0o700, 0o700]);
  });

  it('are closed at start-up when an earlier version left them open in the default uploads folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'old-uploads-'));
    const entryDir = join(dataDir, 'uploads', 'dossiers', 'entry');
    mkdirSync(entryDir, { recursive: true, mode: 0o755 });
    writeFileSync(join(entryDir, 'old.pdf'), '%PDF-', { mode: 0o644 });
    const external = { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1', SMTP_URL: 'smtp://127.0.0.1:1', JWT_SECRET: 'x'.repeat(32) };
    const started = await prepareRuntime(loadConfig({ DATA_DIR: dataDir, ...external }));
    await started.stop();
    expect(modeOf(join(dataDir, 'uploads'))).toBe(0o700);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
