import { randomUUID } from 'node:crypto';
import { AddressInfo, connect } from 'node:net';
import fc from 'fast-check';
import { REQUEST_TIMEOUT_MS } from '../../src/core/http/client-errors';
import { YOUTH_RUBRIC, YOUTH_STAGES } from '../../src/seed/demo-world';
import { PASSWORD, YOUTH_EDITION } from '../support/fixtures';
import { multipart, TestApp, TestResponse } from '../support/test-app';

/** A generous safety bound for hostile input, not a performance target. */
const BOUND_MS = 5000;
const DAY = 24 * 3600 * 1000;
const JSON_HEADERS = { 'content-type': 'application/json' };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;
type Method = 'POST' | 'PUT' | 'PATCH';

interface Route {
  name: string;
  /** The operation as the OpenAPI document names it, so that the test can tell which routes it has not tried. */
  operation: string;
  method: Method;
  url: () => string;
  as?: string;
  body: () => { [key: string]: Json };
  required: string[];
  /**
   * Fields whose content only the object the route acts on can judge (a sheet's points against its stage's rubric): the
   * service checks them after the look-up, so against the made-up panel tried here a 404 is the right answer for them.
   */
  checkedAfterLookup?: string[];
}

/** Names and titles refuse invisible characters; codes keep to ASCII. */
const NAME_LEAF = /(^|\.)(name|fullName|title|summary|seasonLabel|classOrJob)$/;
const CODE_LEAF = /(^|\.)(code|levelCode|fieldCode|reference)$|(tieBreak|fieldCodes)\[\d+\]$/;

function pathText(path: Path): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

function leaves(value: Json, path: Path = []): Path[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, Array.isArray(value) ? Number(key) : key]));
  }
  return path.length ? [path] : [];
}

function setAt(body: Json, path: Path, value: Json): Json {
  const copy = structuredClone(body) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]] = value;
  return copy;
}

function nest(depth: number): Json {
  let value: Json = 'x';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

function manyKeys(count: number): Record<string, Json> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
}

function otherType(value: Json): fc.Arbitrary<Json> {
  const kinds: Array<fc.Arbitrary<Json>> = [];
  if (typeof value !== 'string') kinds.push(fc.string({ maxLength: 5 }));
  if (typeof value !== 'number') kinds.push(fc.integer());
  if (typeof value !== 'boolean') kinds.push(fc.boolean());
  if (!Array.isArray(value)) kinds.push(fc.constant(['x']));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) kinds.push(fc.constant({ x: 1 }));
  return fc.oneof(...kinds);
}

const INVISIBLE = ['\u200b', '\u200b\u200b', 'Giải\u202Ethưởng', 'Tên\u00adẩn', 'chuông\u0007', '\u2066Tên\u2069'];
const LOOK_ALIKE = ['ЅТ-KS', 'ST\u200b', 'ST KS', 'ST/KS', 'Ｓ'];
const BROKEN = ['a\u0000b', '\u0000', 'x\ud800', '\udfffy'];
const NFD = ['Trường THCS Kế Sách', 'Nguyễn Thị Hồng Nhung', 'Máy tưới cây tự động'].map((text) => text.normalize('NFD'));

/** A hostile change to a valid body, with what the answer must be. */
interface Mutation {
  describe: string;
  body: Json | string;
  /** The field a 400 must name (a prefix of it), or null when any named field will do. */
  field: string | null;
  /** Input that is valid after normalisation: any answer but a 5xx. */
  mayPass?: boolean;
}

function mutations(route: Route): fc.Arbitrary<Mutation> {
  const base = route.body();
  const paths = leaves(base);
  const stringPaths = paths.filter((path) => typeof valueAt(base, path) === 'string');
  const namePaths = stringPaths.filter((path) => NAME_LEAF.test(pathText(path)));
  const codePaths = stringPaths.filter((path) => CODE_LEAF.test(pathText(path)));
  const known = new Set(Object.keys(base));
  const options: Array<fc.Arbitrary<Mutation>> = [
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((key) => !known.has(key) && !/^\d+$/.test(key))
      .map((key) => ({ describe: `extra key ${JSON.stringify(key)}`, body: { ...base, [key]: 1 }, field: key === '__proto__' || key === 'constructor' ? null : key })),
    // A null leaf says nothing of its type (a nullable number or string), so only typed leaves are given another type.
    fc
      .constantFrom(...paths.filter((path) => valueAt(base, path) !== null))
      .chain((path) => otherType(valueAt(base, path)).map((value) => ({ describe: `${pathText(path)} of the wrong type`, body: setAt(base, path, value), field: String(path[0]) }))),
    fc
      .tuple(fc.constantFrom(...paths), fc.integer({ min: 33, max: 1000 }))
      .map(([path, depth]) => ({ describe: `${pathText(path)} ${depth} deep`, body: setAt(base, path, nest(depth)), field: pathText(path) })),
    fc.integer({ min: 201, max: 5000 }).map((count) => ({ describe: `${count} extra keys`, body: { ...base, ...manyKeys(count) }, field: null })),
    fc.constantFrom<Json | string>([], 'text', 42, true, null, [base]).map((body) => ({ describe: `a body of ${JSON.stringify(body).slice(0, 20)}`, body, field: null })),
  ];
  if (stringPaths.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...stringPaths), fc.constantFrom(...BROKEN))
        .map(([path, text]) => ({ describe: `${pathText(path)} with broken text`, body: setAt(base, path, text), field: pathText(path) })),
      // 20,000 characters fit under the small body limit, so the field's own bound must refuse them; 150,000 do not.
      fc
        .tuple(fc.constantFrom(...stringPaths), fc.constantFrom(20_000, 150_000))
        .map(([path, length]) => ({ describe: `${pathText(path)} of ${length} characters`, body: setAt(base, path, 'a'.repeat(length)), field: pathText(path) })),
    );
  }
  if (route.required.length) {
    options.push(fc.constantFrom(...route.required).map((key) => ({ describe: `${key} missing`, body: Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)), field: key })));
  }
  if (namePaths.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...namePaths), fc.constantFrom(...INVISIBLE))
        .map(([path, text]) => ({ describe: `${pathText(path)} with invisible characters`, body: setAt(base, path, text), field: pathText(path) })),
    );
    options.push(
      fc.tuple(fc.constantFrom(...namePaths), fc.constantFrom(...NFD)).map(([path, text]) => ({ describe: `${pathText(path)} in NFD`, body: setAt(base, path, text), field: null, mayPass: true })),
    );
  }
  if (codePaths.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...codePaths), fc.constantFrom(...LOOK_ALIKE))
        .map(([path, text]) => ({ describe: `${pathText(path)} look-alike`, body: setAt(base, path, text), field: pathText(path) })),
    );
  }
  return fc.oneof(...options);
}

function valueAt(body: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], body);
}

/** A problem names the changed field, something inside it, or the array holding it (class-validator's `each`). */
function names(field: string, changed: string): boolean {
  return field.startsWith(changed) || changed.startsWith(`${field}[`);
}

function problemFields(response: TestResponse): string[] {
  const problems = JSON.parse(response.body)?.details?.problems;
  if (!Array.isArray(problems) || problems.length === 0) throw new Error(`${response.statusCode} without details.problems: ${response.body.slice(0, 300)}`);
  for (const problem of problems) {
    if (typeof problem.field !== 'string' || problem.field === '' || typeof problem.reason !== 'string') throw new Error(`A problem without field or reason: ${JSON.stringify(problem)}`);
  }
  return problems.map((problem: { field: string }) => problem.field);
}

describe('hostile input (e2e)', () => {
  let t: TestApp;
  let fingerprintSql: string;
  let userId: string;
  let contestId: string;
  let editionId: string;
  let entryId: string;
  let stageId: string;
  /** Panels and prize lists are not made here: every refusal below comes before the route looks anything up. */
  const panelId = randomUUID();
  const prizeListId = randomUUID();
  const future = (days: number) => new Date(Date.now() + days * DAY).toISOString();

  /** Every table's row count and content: a refused request must leave all of them as they were. */
  async function fingerprint(): Promise<string> {
    return JSON.stringify(await t.db.source.query(fingerprintSql));
  }

  async function send(method: Method | 'GET', url: string, body: unknown, as?: string, headers: Record<string, string> = {}) {
    const authorization: Record<string, string> = as ? { authorization: `Bearer ${await t.token(as)}` } : {};
    const started = Date.now();
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await t.request(method, url, { payload: method === 'GET' ? undefined : payload, headers: { ...JSON_HEADERS, ...authorization, ...headers } });
    return { response, ms: Date.now() - started };
  }

  function editionBody(number: number) {
    const now = Date.now();
    return {
      number,
      seasonLabel: '2018',
      registrationOpensAt: new Date(now - DAY).toISOString(),
      registrationClosesAt: new Date(now + 30 * DAY).toISOString(),
      eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
      maxAuthors: 5,
      plannedEntries: 100,
      fields: [{ code: 'HT', name: 'Đồ dùng học tập' }],
      rubric: YOUTH_RUBRIC.map((criterion) => ({ ...criterion })),
      stages: YOUTH_STAGES.slice(0, 2).map((stage) => structuredClone(stage)),
    } as unknown as { [key: string]: Json };
  }

  function entryBody() {
    return {
      title: 'Máy tưới cây tự động',
      fieldCode: 'HT',
      summary: 'Tưới nhỏ giọt theo độ ẩm.',
      reference: 'PROP-1',
      contact: { name: 'Trần Văn Minh', email: 'gv.minh@test.vn', phone: '0299 3 861 234' },
      authors: [{ fullName: 'Nguyễn Thị Hồng Nhung', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' }],
    };
  }

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { LOGIN_RATE_LIMIT: '10000' } });
    const tables: Array<{ table_name: string }> = await t.db.source.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    fingerprintSql = tables
      .map(({ table_name: name }) => `SELECT '${name}' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${name}" x`)
      .join(' UNION ALL ');
    const admin = t.as('admin@test.vn');
    const user = await admin.post('/users', { email: 'prop.target@test.vn', fullName: 'Người Thử', password: 'long-enough-password' });
    userId = user.json().id;
    const edition = t.world.editions.get(YOUTH_EDITION)!;
    editionId = edition.edition.id;
    contestId = edition.edition.contestId;
    const entry = await t.as('school1@test.vn').post(`/editions/${editionId}/entries`, { ...entryBody(), reference: 'PROP-BASE' });
    expect(entry.statusCode).toBe(201);
    entryId = entry.json().id;
    stageId = edition.stages.find((stage) => stage.levelCode === 'district')!.id;
  });
  afterAll(() => t.stop());

  const routes = (): Route[] => [
    { name: 'log in', operation: 'POST /auth/login', method: 'POST', url: () => '/auth/login', body: () => ({ email: 'school3@test.vn', password: PASSWORD }), required: ['email', 'password'] },
    {
      name: 'change password',
      operation: 'POST /auth/password',
      method: 'POST',
      url: () => '/auth/password',
      as: 'school2@test.vn',
      body: () => ({ currentPassword: PASSWORD, newPassword: 'another-long-password' }),
      required: ['currentPassword', 'newPassword'],
    },
    {
      name: 'create user',
      operation: 'POST /users',
      method: 'POST',
      url: () => '/users',
      as: 'admin@test.vn',
      body: () => ({ email: 'prop.user@test.vn', fullName: 'Lê Văn Tám', password: 'long-enough-password' }),
      required: ['email', 'fullName'],
    },
    { name: 'update user', operation: 'PATCH /users/{id}', method: 'PATCH', url: () => `/users/${userId}`, as: 'admin@test.vn', body: () => ({ fullName: 'Lê Thị Mai', active: true }), required: [] },
    {
      name: 'grant',
      operation: 'POST /users/{id}/grants',
      method: 'POST',
      url: () => `/users/${userId}/grants`,
      as: 'admin@test.vn',
      body: () => ({ role: 'judge', unitId: t.unitId('ST') }),
      required: ['role', 'unitId'],
    },
    {
      name: 'create level',
      operation: 'POST /unit-levels',
      method: 'POST',
      url: () => '/unit-levels',
      as: 'admin@test.vn',
      body: () => ({ code: 'commune', name: 'Xã', rank: 4, isLeaf: false }),
      required: ['code', 'name', 'rank'],
    },
    {
      name: 'create unit',
      operation: 'POST /units',
      method: 'POST',
      url: () => '/units',
      as: 'admin@test.vn',
      body: () => ({ code: 'ST-KS-09', name: 'Trường Thử', levelCode: 'school', parentId: t.unitId('ST-KS') }),
      required: ['code', 'name', 'levelCode'],
    },
    {
      name: 'rename unit',
      operation: 'PATCH /units/{id}',
      method: 'PATCH',
      url: () => `/units/${t.unitId('ST-MT-01')}`,
      as: 'admin@test.vn',
      body: () => ({ name: 'Trường THPT Mai Thanh Thế', code: 'ST-MT-01' }),
      required: [],
    },
    {
      name: 'move unit',
      operation: 'POST /units/{id}/move',
      method: 'POST',
      url: () => `/units/${t.unitId('ST-MT-01')}/move`,
      as: 'admin@test.vn',
      body: () => ({ parentId: t.unitId('ST-MT') }),
      required: ['parentId'],
    },
    {
      name: 'create contest',
      operation: 'POST /contests',
      method: 'POST',
      url: () => '/contests',
      as: 'admin@test.vn',
      body: () => ({ kind: 'youth', name: 'Cuộc thi thử', unitId: t.unitId('ST') }),
      required: ['kind', 'name', 'unitId'],
    },
    {
      name: 'create edition',
      operation: 'POST /contests/{id}/editions',
      method: 'POST',
      url: () => `/contests/${contestId}/editions`,
      as: 'admin@test.vn',
      body: () => editionBody(7),
      required: ['number', 'fields', 'rubric', 'stages', 'eligibility'],
    },
    {
      name: 'replace edition',
      operation: 'PUT /editions/{id}',
      method: 'PUT',
      url: () => `/editions/${editionId}`,
      as: 'admin@test.vn',
      body: () => ({ ...editionBody(6), version: 1 }),
      required: ['version', 'number', 'stages'],
    },
    {
      name: 'register entry',
      operation: 'POST /editions/{editionId}/entries',
      method: 'POST',
      url: () => `/editions/${editionId}/entries`,
      as: 'school1@test.vn',
      body: entryBody,
      required: ['title', 'fieldCode', 'contact', 'authors'],
    },
    {
      name: 'edit entry',
      operation: 'PATCH /entries/{id}',
      method: 'PATCH',
      url: () => `/entries/${entryId}`,
      as: 'school1@test.vn',
      body: () => ({ version: 1, ...entryBody(), reference: 'PROP-BASE' }),
      required: ['version'],
    },
    {
      name: 'ask for a password reset',
      operation: 'POST /auth/password-reset',
      method: 'POST',
      url: () => '/auth/password-reset',
      body: () => ({ email: 'no.account.here@test.vn' }),
      required: ['email'],
    },
    {
      name: 'reset a password',
      operation: 'POST /auth/password-reset/confirm',
      method: 'POST',
      url: () => '/auth/password-reset/confirm',
      body: () => ({ token: 'not-a-token-we-issued', newPassword: 'another-long-password' }),
      required: ['token', 'newPassword'],
    },
    {
      name: 'move an edition on',
      operation: 'POST /editions/{id}/state',
      method: 'POST',
      url: () => `/editions/${editionId}/state`,
      as: 'admin@test.vn',
      body: () => ({ state: 'judging' }),
      required: ['state'],
    },
    {
      name: 'archive an edition',
      operation: 'POST /editions/{id}/archive',
      method: 'POST',
      url: () => `/editions/${editionId}/archive`,
      as: 'admin@test.vn',
      body: () => ({ reason: 'Tạo nhầm hai lần' }),
      required: ['reason'],
    },
    {
      name: 'form a panel',
      operation: 'POST /stages/{stageId}/panels',
      method: 'POST',
      url: () => `/stages/${stageId}/panels`,
      as: 'admin@test.vn',
      body: () => ({ unitId: t.unitId('ST-KS'), name: 'Hội đồng lĩnh vực Học tập', fieldCodes: ['HT'], scoringOpensAt: future(1), scoringClosesAt: future(10), scoreStep: 0.5, reminderLeadHours: 24 }),
      required: ['unitId', 'name', 'fieldCodes', 'scoringOpensAt', 'scoringClosesAt'],
    },
    {
      name: 'add a panel member',
      operation: 'POST /panels/{id}/members',
      method: 'POST',
      url: () => `/panels/${panelId}/members`,
      as: 'admin@test.vn',
      body: () => ({ userId, role: 'judge', affiliationUnitId: t.unitId('ST-KS-02'), fieldCodes: ['HT'] }),
      required: ['userId', 'role'],
    },
    {
      name: 'seat several panel members',
      operation: 'POST /panels/{id}/members/batch',
      method: 'POST',
      url: () => `/panels/${panelId}/members/batch`,
      as: 'admin@test.vn',
      body: () => ({ members: [{ userId, role: 'judge', affiliationUnitId: t.unitId('ST-KS-02'), fieldCodes: ['HT'] }] }),
      required: ['members'],
    },
    {
      name: 'record a conflict of interest',
      operation: 'POST /panels/{id}/conflicts',
      method: 'POST',
      url: () => `/panels/${panelId}/conflicts`,
      as: 'admin@test.vn',
      body: () => ({ judgeId: userId, entryId, kind: 'relative', note: 'Cháu ruột của tác giả' }),
      required: ['judgeId', 'entryId', 'kind'],
    },
    {
      name: 'change the scoring window',
      operation: 'PUT /panels/{id}/window',
      method: 'PUT',
      url: () => `/panels/${panelId}/window`,
      as: 'admin@test.vn',
      body: () => ({ version: 1, scoringOpensAt: future(1), scoringClosesAt: future(12), reminderLeadHours: 48 }),
      required: ['version', 'scoringOpensAt', 'scoringClosesAt'],
    },
    {
      name: 'rejudge the cusp',
      operation: 'POST /panels/{id}/rejudge',
      method: 'POST',
      url: () => `/panels/${panelId}/rejudge`,
      as: 'admin@test.vn',
      body: () => ({ cuts: [85, 75, 65], margin: 1.5 }),
      required: ['cuts', 'margin'],
    },
    {
      name: 'save a score sheet',
      operation: 'PUT /panels/{id}/entries/{entryId}/sheet',
      method: 'PUT',
      url: () => `/panels/${panelId}/entries/${entryId}/sheet`,
      as: 'judge@test.vn',
      body: () => ({ version: 1, points: { novelty: 25, applicability: 30.5 }, comment: 'Ý tưởng tốt' }),
      required: ['version', 'points'],
      checkedAfterLookup: ['points'],
    },
    {
      name: 'confirm a score sheet',
      operation: 'POST /panels/{id}/entries/{entryId}/sheet/confirm',
      method: 'POST',
      url: () => `/panels/${panelId}/entries/${entryId}/sheet/confirm`,
      as: 'judge@test.vn',
      body: () => ({ version: 1 }),
      required: ['version'],
    },
    {
      name: 'declare a conflict',
      operation: 'POST /panels/{id}/entries/{entryId}/conflict',
      method: 'POST',
      url: () => `/panels/${panelId}/entries/${entryId}/conflict`,
      as: 'judge@test.vn',
      body: () => ({ note: 'Tôi là giáo viên hướng dẫn của nhóm tác giả' }),
      required: ['note'],
    },
    {
      name: 'reopen a confirmed sheet',
      operation: 'POST /panels/{id}/entries/{entryId}/sheets/{judgeId}/reopen',
      method: 'POST',
      url: () => `/panels/${panelId}/entries/${entryId}/sheets/${userId}/reopen`,
      as: 'admin@test.vn',
      body: () => ({ reason: 'Giám khảo nhập nhầm điểm tiêu chí 2' }),
      required: ['reason'],
    },
    {
      name: 'settle a discrepancy flag',
      operation: 'POST /panels/{id}/entries/{entryId}/flag/settle',
      method: 'POST',
      url: () => `/panels/${panelId}/entries/${entryId}/flag/settle`,
      as: 'admin@test.vn',
      body: () => ({ action: 'add_judge', note: 'Chênh lệch quá lớn', judgeId: userId }),
      required: ['action', 'note'],
    },
    {
      name: 'reopen a panel',
      operation: 'POST /panels/{id}/reopen',
      method: 'POST',
      url: () => `/panels/${panelId}/reopen`,
      as: 'admin@test.vn',
      body: () => ({ reason: 'Phúc khảo' }),
      required: ['reason'],
    },
    {
      name: 'publish a provisional prize list',
      operation: 'POST /stages/{stageId}/units/{unitId}/prize-list',
      method: 'POST',
      url: () => `/stages/${stageId}/units/${t.unitId('ST-KS')}/prize-list`,
      as: 'admin@test.vn',
      body: () => ({ objectionDays: 15 }),
      required: ['objectionDays'],
    },
    {
      name: 'correct a prize list',
      operation: 'POST /prize-lists/{id}/corrections',
      method: 'POST',
      url: () => `/prize-lists/${prizeListId}/corrections`,
      as: 'admin@test.vn',
      body: () => ({ reason: 'Sửa điểm sản phẩm HT-07 sau phúc khảo' }),
      required: ['reason'],
    },
    {
      name: 'preview advancement',
      operation: 'POST /stages/{stageId}/units/{unitId}/advancement/preview',
      method: 'POST',
      url: () => `/stages/${stageId}/units/${t.unitId('ST-KS')}/advancement/preview`,
      as: 'admin@test.vn',
      body: () => ({ entryIds: [entryId] }),
      required: [],
    },
    {
      name: 'advance entries',
      operation: 'POST /stages/{stageId}/units/{unitId}/advancement',
      method: 'POST',
      url: () => `/stages/${stageId}/units/${t.unitId('ST-KS')}/advancement`,
      as: 'admin@test.vn',
      body: () => ({ entryIds: [entryId] }),
      required: [],
    },
    {
      name: 'send up many units at once',
      operation: 'POST /stages/{stageId}/advancement',
      method: 'POST',
      url: () => `/stages/${stageId}/advancement`,
      as: 'admin@test.vn',
      body: () => ({ units: [{ unitId: t.unitId('ST-KS'), entryIds: [entryId] }] }),
      required: ['units'],
    },
    {
      name: 'pin judges to entries',
      operation: 'PUT /panels/{id}/pins',
      method: 'PUT',
      url: () => `/panels/${panelId}/pins`,
      as: 'admin@test.vn',
      body: () => ({ entries: [{ entryId, judgeIds: [userId] }] }),
      required: ['entries'],
    },
    {
      name: 'set a pick window',
      operation: 'PUT /stages/{stageId}/units/{unitId}/pick-window',
      method: 'PUT',
      url: () => `/stages/${stageId}/units/${t.unitId('ST-KS')}/pick-window`,
      as: 'admin@test.vn',
      body: () => ({ opensAt: future(1), closesAt: future(5) }),
      required: ['opensAt', 'closesAt'],
    },
  ];

  it.each(routes().map((route) => [route.name, route] as const))('%s: hostile bodies are refused fast, naming a field, with nothing written', async (_name, declared) => {
    const route = routes().find((r) => r.name === declared.name)!;
    await fc.assert(
      fc.asyncProperty(mutations(route), async (mutation) => {
        const before = await fingerprint();
        const { response, ms } = await send(route.method, route.url(), mutation.body, route.as);
        const what = `${route.name}, ${mutation.describe}: ${response.statusCode} ${response.body.slice(0, 300)}`;
        if (ms > BOUND_MS) throw new Error(`${what} took ${ms} ms`);
        if (response.statusCode >= 500) throw new Error(what);
        if (mutation.mayPass && response.statusCode < 400) return;
        const afterLookup = response.statusCode === 404 && route.checkedAfterLookup?.some((field) => mutation.field?.startsWith(field));
        if (afterLookup && (await fingerprint()) === before) return;
        if (!mutation.mayPass && response.statusCode !== 400 && response.statusCode !== 413) throw new Error(`${what}: expected 400 or 413`);
        if (response.statusCode === 400 || response.statusCode === 413) {
          const fields = problemFields(response);
          if (response.statusCode === 400 && mutation.field !== null && !fields.some((field) => names(field, mutation.field!))) throw new Error(`${what}: ${mutation.field} not named`);
        }
        if ((await fingerprint()) !== before) throw new Error(`${what}: the database changed`);
      }),
      { numRuns: 12 },
    );
  });

  // A route added with a JSON body fails here until it joins routes() above, so every create and update route is tried.
  it('tries every route of the API document that takes a JSON body', async () => {
    const document = (await t.request('GET', '/docs-json')).json();
    const withJsonBody = Object.entries<Record<string, { requestBody?: { content?: Record<string, unknown> } }>>(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.requestBody?.content?.['application/json'])
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(
      routes()
        .map((route) => route.operation)
        .sort(),
    ).toEqual(withJsonBody.sort());
  });

  describe('bounds', () => {
    const keysBody = (count: number) => `{${Array.from({ length: count }, (_, i) => `"k${i}":0`).join(',')}}`;

    it('refuses 80k- and 900k-key bodies fast while /health keeps answering', async () => {
      for (const count of [80_000, 900_000]) {
        const login = send('POST', '/auth/login', keysBody(count));
        const health = t.request('GET', '/health');
        const [{ response, ms }, healthResponse] = await Promise.all([login, health]);
        expect(response.statusCode).toBe(413);
        expect(problemFields(response)).toEqual(['body']);
        expect(ms).toBeLessThan(BOUND_MS);
        expect(healthResponse.statusCode).toBe(200);
      }
      // Under the larger limit of an edition the key bound refuses it instead.
      const { response, ms } = await send('PUT', `/editions/${editionId}`, keysBody(80_000), 'admin@test.vn');
      expect({ status: response.statusCode, fields: problemFields(response) }).toEqual({ status: 400, fields: ['body'] });
      expect(ms).toBeLessThan(BOUND_MS);
      expect((await t.request('GET', '/health')).statusCode).toBe(200);
    });

    it('says in Vietnamese why a body was refused before any handler read it, naming the part at fault', async () => {
      const vi = { 'accept-language': 'vi' };
      const refusals = [
        [await send('POST', '/auth/login', '{"__proto__":{"admin":true},"email":"a@b.vn","password":"x"}', undefined, vi), 400, 'BODY_NOT_JSON', 'body'],
        [await send('POST', '/auth/login', '{"email":', undefined, vi), 400, 'BODY_NOT_JSON', 'body'],
        [await send('POST', '/auth/login', '', undefined, vi), 400, 'BODY_EMPTY', 'body'],
        [await send('POST', '/auth/login', '<login/>', undefined, { ...vi, 'content-type': 'application/xml' }), 415, 'MEDIA_TYPE_NOT_ACCEPTED', 'content-type'],
        [await send('POST', '/auth/login', JSON.stringify({ email: 'a'.repeat(200_000) }), undefined, vi), 413, 'BODY_TOO_LARGE', 'body'],
      ] as const;
      for (const [{ response }, status, reason, field] of refusals) {
        const body = response.json();
        expect({ status: response.statusCode, reason: body.reason, fields: problemFields(response) }).toEqual({ status, reason, fields: [field] });
        // Every word the user reads comes from the catalogue, none from Fastify.
        expect(body.message).not.toMatch(/body|Unsupported|Request/i);
      }
      expect(refusals[3][0].response.json().message).toBe('Máy chủ không nhận nội dung kiểu "application/xml"; hãy gửi JSON (application/json) hoặc tệp (multipart/form-data)');
    });

    it('answers headers over the limit and bytes that are not HTTP in the one error shape, in Vietnamese, and keeps serving', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      /** What the server writes back to `bytes` before it closes the connection. */
      const raw = (bytes: string) =>
        new Promise<string>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
          socket
            .on('data', (chunk) => chunks.push(chunk))
            .on('error', reject)
            .on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      const answerOf = (text: string) => {
        const [head, body] = text.split('\r\n\r\n');
        return { status: Number(head.split(' ')[1]), length: Number(/content-length: (\d+)/i.exec(head)?.[1]), body: body && JSON.parse(body), bytes: Buffer.byteLength(body ?? '') };
      };
      const tooLarge = answerOf(await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`));
      expect(tooLarge).toMatchObject({ status: 431, body: { code: 'VALIDATION_FAILED', reason: 'HEADERS_TOO_LARGE', params: { maxBytes: 16384 } } });
      expect(tooLarge.body.message).toBe('Phần tiêu đề (headers) của yêu cầu vượt quá 16384 byte mà máy chủ nhận');
      expect(tooLarge.length).toBe(tooLarge.bytes);
      const garbage = answerOf(await raw('\u0000\u0001 not http at all\r\n\r\n'));
      expect(garbage).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', reason: 'NOT_HTTP', message: 'Yêu cầu không đúng giao thức HTTP' } });
      // A request that trickles in is cut after Node's own five minutes, which Fastify would turn off.
      expect(t.app.getHttpServer().requestTimeout).toBe(REQUEST_TIMEOUT_MS);
      expect(answerOf(await raw('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(200);
    });

    it('answers 10,000-deep nesting with a 400 naming the field', async () => {
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      const { response, ms } = await send('POST', '/auth/login', `{"email":${deep},"password":"x"}`);
      expect(response.statusCode).toBe(400);
      expect(problemFields(response)[0]).toMatch(/^email\[0\]/);
      expect(ms).toBeLessThan(BOUND_MS);
    });

    it('refuses page numbers and sizes out of range on every list, naming the field', async () => {
      const lists = ['/units', '/contests', '/editions', '/entries', '/audit', `/units/${t.unitId('ST')}/children`, `/units/${t.unitId('ST')}/subtree`];
      for (const list of lists) {
        for (const [name, value] of [
          ['page', '1e18'],
          ['page', '10001'],
          ['pageSize', '501'],
          ['page', '0'],
        ]) {
          const response = await t.as('admin@test.vn').get(list, { query: { [name]: value } });
          expect({ list, status: response.statusCode, fields: problemFields(response) }).toEqual({ list, status: 400, fields: [name] });
        }
      }
    });

    // Path parameters are ids, each held by a UUID pipe; the query string carries free text.
    it('bounds the length of every text the query string takes, and says so in the API document', async () => {
      const document = (await t.request('GET', '/docs-json')).json();
      const unbounded: string[] = [];
      for (const [path, operations] of Object.entries<Record<string, { parameters?: any[] }>>(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          for (const parameter of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
            const schema = parameter.schema ?? {};
            const bounded = schema.type !== 'string' || schema.maxLength !== undefined || schema.enum || schema.format === 'uuid';
            if (!bounded) unbounded.push(`${method.toUpperCase()} ${path} ${parameter.in}:${parameter.name}`);
          }
        }
      }
      expect(unbounded).toEqual([]);
      const long = await t.as('admin@test.vn').get('/audit', { query: { action: 'a'.repeat(101) } });
      expect({ status: long.statusCode, fields: problemFields(long) }).toEqual({ status: 400, fields: ['action'] });
    });
  });

  describe('broken text anywhere', () => {
    const admin = () => t.as('admin@test.vn');

    it('refuses NUL and lone surrogates in bodies, queries and paths, naming the field', async () => {
      for (const bad of ['a\u0000b', 'a\ud800b']) {
        const body = await admin().post('/contests', { kind: 'youth', name: bad, unitId: t.unitId('ST') });
        expect({ status: body.statusCode, fields: problemFields(body) }).toEqual({ status: 400, fields: ['name'] });
        const nested = await t.as('school1@test.vn').post(`/editions/${editionId}/entries`, { ...entryBody(), authors: [{ fullName: bad }] });
        expect({ status: nested.statusCode, fields: problemFields(nested) }).toEqual({ status: 400, fields: ['authors[0].fullName'] });
      }
      for (const [list, name] of [
        ['/units', 'q'],
        ['/audit', 'entityType'],
        ['/entries', 'fieldCode'],
      ]) {
        const response = await admin().get(list, { query: { [name]: 'a\u0000b' } });
        expect({ status: response.statusCode, fields: problemFields(response) }).toEqual({ status: 400, fields: [name] });
      }
      const path = await admin().get('/units/a%00b');
      expect({ status: path.statusCode, fields: problemFields(path) }).toEqual({ status: 400, fields: ['id'] });
      // A URL cannot carry a lone surrogate: its UTF-8 bytes do not decode to one, so the text arrives replaced or refused.
      for (const url of ['/units?q=%ED%A0%80', '/units/%ED%A0%80']) expect((await admin().get(url)).statusCode).toBeLessThan(500);
    });

    it('refuses invisible titles, disguised file names and look-alike codes', async () => {
      const zeroWidth = await t.as('school1@test.vn').post(`/editions/${editionId}/entries`, { ...entryBody(), title: '\u200b\u200b' });
      expect({ status: zeroWidth.statusCode, fields: problemFields(zeroWidth) }).toEqual({ status: 400, fields: ['title'] });
      const cyrillic = await admin().post('/units', { code: 'ЅТ-KS-05', name: 'Trường', levelCode: 'school', parentId: t.unitId('ST-KS') });
      expect({ status: cyrillic.statusCode, fields: problemFields(cyrillic) }).toEqual({ status: 400, fields: ['code'] });
      const zwsp = await admin().post('/units', { code: 'ST-KS-05\u200b', name: 'Trường', levelCode: 'school', parentId: t.unitId('ST-KS') });
      expect(problemFields(zwsp)).toEqual(['code']);
      const upload = multipart({ filename: 'bao-cao\u202Efdp.exe', contentType: 'application/pdf', content: '%PDF-1.4\n%%EOF\n' });
      const before = await fingerprint();
      const rlo = await t.as('school1@test.vn').post(`/entries/${entryId}/dossier`, upload.payload, { headers: upload.headers });
      expect({ status: rlo.statusCode, fields: problemFields(rlo) }).toEqual({ status: 400, fields: ['file'] });
      expect(await fingerprint()).toBe(before);
    });
  });

  it('answers malformed multipart with a 400', async () => {
    const token = await t.token('school1@test.vn');
    const good = multipart({ filename: 'a.pdf', contentType: 'application/pdf', content: '%PDF-1.4\n%%EOF\n' });
    const boundary = good.headers['content-type'].split('boundary=')[1];
    const cases = [
      { 'content-type': 'multipart/form-data', payload: good.payload },
      { 'content-type': `multipart/form-data; boundary=${boundary}`, payload: good.payload.subarray(0, good.payload.length - boundary.length - 8) },
      { 'content-type': `multipart/form-data; boundary=${boundary}`, payload: Buffer.from(`--${boundary}\r\nno header end`) },
    ];
    for (const url of [`/entries/${entryId}/dossier`, `/editions/${editionId}/entries/import`]) {
      for (const { payload, ...headers } of cases) {
        const response = await t.request('POST', url, { payload, headers: { ...headers, authorization: `Bearer ${token}` } });
        expect({ url, status: response.statusCode, fields: problemFields(response) }).toEqual({ url, status: 400, fields: ['file'] });
      }
    }
  });

  it('resolves every Unicode form and case of an e-mail address to one account', async () => {
    const admin = t.as('admin@test.vn');
    const nfd = 'Nguyễn.Bình@Test.vn'.normalize('NFD');
    const created = await admin.post('/users', { email: nfd, fullName: 'Nguyễn Bình', password: 'long-enough-password' });
    expect(created.statusCode).toBe(201);
    expect(created.json().email).toBe('nguyễn.bình@test.vn'.normalize('NFC'));
    const duplicate = await admin.post('/users', { email: ' NGUYỄN.BÌNH@TEST.VN ', fullName: 'Bản sao', password: 'long-enough-password' });
    expect(duplicate.statusCode).toBe(409);
    for (const email of ['nguyễn.bình@test.vn'.normalize('NFC'), nfd.toUpperCase(), ` ${nfd} `]) {
      const login = await t.request('POST', '/auth/login', { payload: { email, password: 'long-enough-password' } });
      expect({ email, status: login.statusCode }).toEqual({ email, status: 200 });
    }
    const entry = await t.as('school1@test.vn').post(`/editions/${editionId}/entries`, { ...entryBody(), reference: 'MAIL-1', contact: { name: 'Cô Hà', email: 'Cô.Hà@Test.vn'.normalize('NFD') } });
    expect(entry.statusCode).toBe(201);
    expect(entry.json().contact.email).toBe('cô.hà@test.vn'.normalize('NFC'));
  });

  describe('response headers', () => {
    it('sends security headers on every answer and never lets personal data be cached', async () => {
      const answers = [
        await t.request('GET', '/health'),
        await t.request('GET', '/nowhere'),
        await t.request('POST', '/auth/login', { payload: {} }),
        await t.as('school1@test.vn').get('/auth/me'),
        await t.request('GET', '/docs'),
      ];
      for (const response of answers) {
        expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
        expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      }
      expect(answers[3].headers['cache-control']).toBe('no-store');
      expect(answers[2].headers['cache-control']).toBe('no-store');
      const docs = answers[4];
      // Swagger UI loads its scripts from this origin only: the policy must allow that and nothing inline.
      expect(docs.body).not.toMatch(/<script>(?!\s*<\/script>)/);
      expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('answers no cross-origin request unless CORS_ORIGINS lists the origin', async () => {
      const preflight = { origin: 'https://evil.example', 'access-control-request-method': 'POST' };
      const closed = await t.app.inject({ method: 'OPTIONS', url: '/auth/login', headers: preflight });
      expect(closed.headers['access-control-allow-origin']).toBeUndefined();
      const open = await TestApp.start({ workers: false, env: { CORS_ORIGINS: 'https://contest.example.vn' } });
      try {
        const allowed = await open.app.inject({ method: 'OPTIONS', url: '/auth/login', headers: { ...preflight, origin: 'https://contest.example.vn' } });
        expect(allowed.headers['access-control-allow-origin']).toBe('https://contest.example.vn');
        const refused = await open.app.inject({ method: 'OPTIONS', url: '/auth/login', headers: preflight });
        expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await open.stop();
      }
    });
  });
});
