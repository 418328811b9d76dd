import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRuntime } from '../../src/bootstrap';
import { APP_CONFIG, AppConfig, loadConfig } from '../../src/core/config/config';
import { YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

const modeOf = (path: string) => statSync(path).mode & 0o777;

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
    const registered = await t.as('school1@test.vn').post(`/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`, {
      title: 'Máy tưới cây tự động',
      fieldCode: 'HT',
      summary: 'Tưới theo độ ẩm đất.',
      reference: 'MODE-1',
      contact: { name: 'Cô Lan', email: 'lan@test.vn' },
      authors: [{ fullName: 'Võ Minh Khôi', birthDate: '2010-06-01' }],
    });
    expect(registered.statusCode).toBe(201);
    const entryId = registered.json().id;
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
