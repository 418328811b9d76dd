import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { formatDateTime } from '../../src/core/i18n/format';
import { PROBLEM_CODES } from '../../src/core/errors/problem-codes';
import { YOUTH_EDITION } from '../support/fixtures';
import { TestApp, TestResponse } from '../support/test-app';

const VI = { 'accept-language': 'vi-VN,vi;q=0.9' };

function entryBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Máy tưới cây tự động',
    fieldCode: 'MT',
    summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
    contact: { name: 'Trần Văn Minh', email: 'gv.minh@school1.vn' },
    authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' }],
    ...overrides,
  };
}

describe('errors a front end can translate (e2e)', () => {
  let t: TestApp;
  let editionId: string;
  let entriesUrl: string;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { LOGIN_RATE_LIMIT: '2', LOGIN_RATE_WINDOW_SECONDS: '60' } });
    editionId = t.world.editions.get(YOUTH_EDITION)!.edition.id;
    entriesUrl = `/editions/${editionId}/entries`;
  });
  afterAll(() => t.stop());

  const tooOld = () =>
    entryBody({
      authors: [
        { fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' },
        { fullName: 'Lê Văn Tí', birthDate: '2000-01-01' },
      ],
    });

  it('answers in Vietnamese by default, with the reason code and its parameters beside the text', async () => {
    const token = await t.token('school1@test.vn');
    const bare = (await t.app.inject({ method: 'POST', url: entriesUrl, headers: { authorization: `Bearer ${token}` }, payload: tooOld() })) as unknown as TestResponse;
    expect(bare.statusCode).toBe(422);
    const body = bare.json();
    expect(body).toMatchObject({ code: 'RULE_VIOLATION', reason: 'ENTRY_BREAKS_RULES', params: { count: 1 } });
    expect(body.message).toMatch(/^Bài dự thi vi phạm thể lệ/);
    const { bornFrom, bornTo } = body.details.problems[0].params;
    expect(body.details.problems).toEqual([
      {
        field: 'authors[1].birthDate',
        code: 'AUTHOR_TOO_OLD',
        params: { index: 1, author: 'Lê Văn Tí', birthDate: '2000-01-01', bornFrom, bornTo },
        reason: expect.stringMatching(/^Lê Văn Tí: sinh ngày 01\/01\/2000, ngoài khoảng được dự thi \d\d\/\d\d\/\d{4} – \d\d\/\d\d\/\d{4}$/),
      },
    ]);
  });

  it('answers in English when Accept-Language prefers it, with the same codes', async () => {
    const english = await t.as('school1@test.vn').post(entriesUrl, tooOld(), { headers: { 'accept-language': 'en-GB,en;q=0.9,vi;q=0.5' } });
    expect(english.json()).toMatchObject({
      reason: 'ENTRY_BREAKS_RULES',
      details: { problems: [{ code: 'AUTHOR_TOO_OLD', reason: expect.stringContaining('born 01/01/2000, outside the eligible window') }] },
    });
    const vietnamese = await t.as('school1@test.vn').post(entriesUrl, tooOld(), { headers: VI });
    expect(vietnamese.json().details.problems[0]).toMatchObject({ code: 'AUTHOR_TOO_OLD', reason: expect.stringContaining('sinh ngày 01/01/2000') });
  });

  it('refuses a malformed date with 400 NOT_A_DATE naming the field, however it is written', async () => {
    for (const birthDate of ['2008-02-30', '31/12/2008', '2008-3-5']) {
      const refused = await t.as('school1@test.vn').post(entriesUrl, entryBody({ authors: [{ fullName: 'Trần B', birthDate }] }), { headers: VI });
      expect({ birthDate, status: refused.statusCode, code: refused.json().code }).toEqual({ birthDate, status: 400, code: 'VALIDATION_FAILED' });
      expect(refused.json().details.problems).toEqual([expect.objectContaining({ field: 'authors[0].birthDate', code: 'NOT_A_DATE' })]);
    }
  });

  it('says "required" for a missing property, and names unknown and too long ones with their parameters', async () => {
    const { title: _title, ...withoutTitle } = entryBody();
    const missing = await t.as('school1@test.vn').post(entriesUrl, { ...withoutTitle, summary: 'x'.repeat(5001), extra: 1 }, { headers: VI });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ reason: 'INVALID_REQUEST', message: expect.stringMatching(/^Yêu cầu không hợp lệ: /) });
    expect(missing.json().details.problems).toEqual(
      expect.arrayContaining([
        { field: 'title', code: 'FIELD_REQUIRED', params: {}, reason: 'là bắt buộc' },
        { field: 'extra', code: 'UNKNOWN_PROPERTY', params: { property: 'extra' }, reason: 'không có thuộc tính extra' },
        expect.objectContaining({ field: 'summary', code: 'LENGTH_OUT_OF_RANGE', params: { min: 1, max: 5000 } }),
      ]),
    );
    expect(missing.json().details.problems.filter((p: { field: string }) => p.field === 'title')).toHaveLength(1);
  });

  it('names the path parameter a pipe refused', async () => {
    const refused = await t.as('school1@test.vn').get('/entries/not-a-uuid', { headers: VI });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'INVALID_REQUEST', details: { problems: [{ field: 'id', code: 'NOT_A_UUID', reason: 'phải là một UUID' }] } });
  });

  it('gives every error details, at least {}', async () => {
    const anonymous = (await t.app.inject({ method: 'GET', url: '/entries' })) as unknown as TestResponse;
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ code: 'UNAUTHENTICATED', reason: 'LOGIN_REQUIRED', params: {}, message: expect.stringMatching(/^Hãy đăng nhập/), details: {} });
    const missing = await t.as('school1@test.vn').get('/entries/00000000-0000-4000-8000-000000000000');
    expect(missing.json()).toEqual({ code: 'NOT_FOUND', reason: 'NOT_FOUND', params: { what: 'Entry' }, message: 'Entry not found', details: {} });
    expect((await t.request('GET', '/no-such-route')).json()).toMatchObject({ code: 'NOT_FOUND', details: {} });
  });

  it('says when registration closed, on the Vietnamese wall clock, with the instant as a parameter', async () => {
    const [saved] = await t.db.source.query('SELECT registration_opens_at, registration_closes_at FROM editions WHERE id = $1', [editionId]);
    await t.db.source.query(`UPDATE editions SET registration_opens_at = '2017-03-01T00:00:00Z', registration_closes_at = '2017-07-31T10:00:00Z' WHERE id = $1`, [editionId]);
    try {
      const late = await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'LATE-1' }), { headers: VI });
      expect(late.statusCode).toBe(422);
      expect(late.json()).toMatchObject({ reason: 'WINDOW_CLOSED', params: { closedAt: '2017-07-31T10:00:00.000Z' }, message: 'Đăng ký đã đóng lúc 31/07/2017 17:00' });
      expect(late.json().details.problems).toEqual([expect.objectContaining({ field: 'editionId', code: 'WINDOW_CLOSED' })]);
      expect(formatDateTime('2017-07-31T10:00:00Z')).toBe('31/07/2017 17:00');
    } finally {
      await t.db.source.query('UPDATE editions SET registration_opens_at = $2, registration_closes_at = $3 WHERE id = $1', [editionId, saved.registration_opens_at, saved.registration_closes_at]);
    }
  });

  it('answers a stale version with one detail shape: the version sent and the one stored', async () => {
    const created = (await t.as('school1@test.vn').post(entriesUrl, entryBody({ reference: 'STALE-1' }))).json();
    expect((await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 1, title: 'Lần một' })).statusCode).toBe(200);
    const stale = await t.as('school1@test.vn').patch(`/entries/${created.id}`, { version: 1, title: 'Lần hai' }, { headers: VI });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', reason: 'STALE_VERSION', params: { what: 'Entry', expected: 1, actual: 2 }, details: { expected: 1, actual: 2 } });
    expect(stale.json().message).toMatch(/^Bài dự thi đã được người khác sửa/);
  });

  it('tells a client refused with 429 when to come back, in the header and the body', async () => {
    const attempt = () => t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '198.51.100.77', payload: { email: 'nobody@test.vn', password: 'guess' } });
    await attempt();
    await attempt();
    const refused = (await attempt()) as unknown as TestResponse;
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'TOO_MANY_LOGIN_ATTEMPTS',
      params: { by: 'address' },
      details: { retryAfterSeconds: Number(refused.headers['retry-after']) },
    });
  });

  describe('the OpenAPI document', () => {
    let document: any;
    beforeAll(async () => {
      document = (await t.request('GET', '/docs-json')).json();
    });

    it('lists every reason code and the error body', () => {
      expect(document.components.schemas.ProblemCode.enum).toEqual(PROBLEM_CODES);
      expect(document.components.schemas.ErrorResponse.required).toEqual(expect.arrayContaining(['code', 'reason', 'params', 'message', 'details']));
      expect(JSON.stringify(document.components.schemas.FieldProblemResponse.properties.code)).toContain('#/components/schemas/ProblemCode');
    });

    it('types nullable scalars as scalars', () => {
      const property = (schema: string, name: string) => document.components.schemas[schema].properties[name];
      expect(property('AuthorView', 'birthDate')).toMatchObject({ type: 'string', nullable: true });
      expect(property('EntryView', 'createdYear')).toMatchObject({ type: 'integer', nullable: true });
      expect(property('AuditRecordDto', 'actorId')).toMatchObject({ type: 'string', nullable: true });
      const untyped: string[] = [];
      for (const [name, schema] of Object.entries<any>(document.components.schemas)) {
        for (const [key, value] of Object.entries<any>(schema.properties ?? {})) {
          const described = value.properties || value.additionalProperties || value.allOf || value.oneOf || value.$ref;
          if (value.type === 'object' && !described && !['before', 'after'].includes(key)) untyped.push(`${name}.${key}`);
        }
      }
      expect(untyped).toEqual([]);
    });

    it('gives every operation a summary, and documents Idempotency-Key on every signed-in POST', () => {
      const operations = Object.entries<any>(document.paths).flatMap(([path, item]) =>
        Object.entries<any>(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, method, operation })),
      );
      expect(operations.filter((o) => !o.operation.summary).map((o) => o.route)).toEqual([]);
      const signedInPosts = operations.filter((o) => o.method === 'post' && o.operation.security?.length);
      expect(signedInPosts.length).toBeGreaterThan(5);
      const header = (o: { operation: any }) => (o.operation.parameters ?? []).filter((p: any) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(signedInPosts.filter((o) => header(o).length !== 1).map((o) => o.route)).toEqual([]);
    });

    it('generates a typed client that type-checks calls against it', async () => {
      const { default: openapiTS } = await import('openapi-typescript');
      const dir = mkdtempSync(join(tmpdir(), 'contest-api-'));
      try {
        writeFileSync(join(dir, 'api.d.ts'), await openapiTS(document));
        writeFileSync(
          join(dir, 'client.ts'),
          `import type { components, paths } from './api';
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never;
const registration: Body<'/editions/{editionId}/entries', 'post'> = {
  title: 'Máy tưới cây', fieldCode: 'MT', summary: 'Tưới nhỏ giọt', contact: { name: 'Minh', email: 'a@b.vn', phone: null },
  authors: [{ fullName: 'Hồng', birthDate: null }],
};
declare const entry: Ok<'/entries/{id}', 'get', 200>;
const year: number | null | undefined = entry.createdYear;
const born: string | null = entry.authors[0].birthDate;
declare const error: components['schemas']['ErrorResponse'];
const reason: components['schemas']['ProblemCode'] = error.reason;
const known: components['schemas']['ProblemCode'] = 'WINDOW_CLOSED';
// @ts-expect-error a code the API does not have
const unknown: components['schemas']['ProblemCode'] = 'NO_SUCH_CODE';
export { registration, year, born, reason, known, unknown };
`,
        );
        const program = ts.createProgram([join(dir, 'client.ts')], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true });
        const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        expect(diagnostics).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
