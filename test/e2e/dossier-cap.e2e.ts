import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../../src/core/config/config';
import { MAX_DOSSIER_FILES } from '../../src/entries/dossiers.service';
import { YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp } from '../support/test-app';

const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('dossier cap under concurrent uploads (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
  });
  afterAll(() => t.stop());

  it('stores exactly 20 of 40 files uploaded at once, refusing the others with a reason and leaving no stray file on disk', async () => {
    const registered = await t.as('school1@test.vn').post(`/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`, {
      title: 'Máy tưới cây tự động',
      fieldCode: 'HT',
      summary: 'Tưới theo độ ẩm của đất.',
      reference: 'CAP-1',
      contact: { name: 'Cô Lan', email: 'lan@test.vn' },
      authors: [{ fullName: 'Võ Minh Khôi', birthDate: '2010-06-01' }],
    });
    expect(registered.statusCode).toBe(201);
    const entryId: string = registered.json().id;

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
      expect(refused.json()).toMatchObject({ code: 'RULE_VIOLATION', details: { problems: [{ field: 'file', reason: 'too many files' }] } });
    }

    const [{ n }] = await t.db.source.query('SELECT count(*)::int AS n FROM dossier_files WHERE entry_id = $1', [entryId]);
    expect(n).toBe(MAX_DOSSIER_FILES);
    const folder = join(t.app.get<AppConfig>(APP_CONFIG).uploadDir, 'dossiers', entryId);
    const onDisk = existsSync(folder) ? readdirSync(folder) : [];
    const stored: Array<{ storage_key: string }> = await t.db.source.query('SELECT storage_key FROM dossier_files WHERE entry_id = $1', [entryId]);
    expect(onDisk.sort()).toEqual(stored.map((f) => f.storage_key.split('/').pop()).sort());
  });
});
