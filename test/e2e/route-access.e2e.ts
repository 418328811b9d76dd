import { randomUUID } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { ROLES, type Role } from '../../src/core/auth/actor';
import { APP_CONFIG, type AppConfig } from '../../src/core/config/config';
import { DevMailbox } from '../../src/notifications/dev-mailbox';
import { PASSWORD, smallWorld } from '../support/fixtures';
import { AccessRule, forgedTokens, knownGapTokens, routeKeys, SignedInCaller, tableProblems, verdict, Verdict, verdictOf } from '../support/route-access';
import { multipart, TestApp, TestResponse } from '../support/test-app';

/**
 * Every route of the running app, tried by every kind of caller, against an access table written out here.
 * A route the app registers without a rule below fails the first test: decide who may call it, then add it.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Call {
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

interface RouteCase {
  rule: AccessRule;
  /** A request the route accepts from a caller the rule lets in; may create what it acts on. */
  call: () => Call | Promise<Call>;
  /** Statuses an allowed caller gets; by default any 2xx. */
  allowed?: number[];
  /** Called after a 2xx: the object `call` acted on is used up (deleted, retired, withdrawn), make a fresh one next time. */
  consumed?: () => void;
  /** Body properties the route takes on purpose among those mass assignment tries (each still checked by scope). */
  accepts?: string[];
  /** A body property naming an object in scope, so that a random id there answers 404 too. */
  bodyRef?: string;
  /** What the route reads from the body: mass assignment is tried on JSON, and on routes that read none. */
  body?: 'json' | 'file';
  /** The call ends the caller's session (logout): every caller logs in again afterwards. */
  endsSession?: boolean;
}

const DAY = 24 * 3600 * 1000;
const ANY_ROLE = ROLES;
const ENTRY_WRITERS: Role[] = ['school', 'organiser'];
const ENTRY_READERS: Role[] = ['school', 'organiser', 'judge', 'chair'];
const PUBLIC = { public: true } as const;
const ADMIN_ONLY = { roles: ['admin'] } as const;
const SIGNED_IN = { signedIn: true } as const;

/** Who tries each route (the unit codes are those of smallWorld: district ST-KS holds schools 01 and 02, ST-MT school 01). */
const CALLER_NAMES: Record<string, string> = {
  'admin@test.vn': 'admin',
  'province@test.vn': 'province organiser',
  'ks@test.vn': 'district organiser in scope (ST-KS)',
  'mt@test.vn': 'district organiser of another district (ST-MT)',
  'school1@test.vn': 'school in scope (ST-KS-01)',
  'school2@test.vn': 'another school of the same district (ST-KS-02)',
  'school3@test.vn': 'school of another district (ST-MT-01)',
  'judge@test.vn': 'judge (ST)',
  'chair@test.vn': 'chair (ST)',
  'nobody@test.vn': 'user with no grants',
};

function world() {
  const spec = smallWorld();
  spec.users.push(
    { email: 'chair@test.vn', fullName: 'Chủ tịch hội đồng', password: PASSWORD, grants: [{ role: 'chair', unit: 'ST' }] },
    { email: 'nobody@test.vn', fullName: 'Chưa được cấp quyền', password: PASSWORD, grants: [] },
    { email: 'gone@test.vn', fullName: 'Quản trị đã nghỉ việc', password: PASSWORD, grants: [{ role: 'admin', unit: 'VN' }] },
    { email: 'grantee@test.vn', fullName: 'Người được quản lý', password: PASSWORD, grants: [] },
  );
  return spec;
}

/** A district edition of Kế Sách: school round, then the district judges; registration open for a month. */
function districtEdition(number: number) {
  return {
    number,
    seasonLabel: '2017',
    registrationOpensAt: new Date(Date.now() - DAY).toISOString(),
    registrationClosesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
    maxAuthors: 5,
    fields: [
      { code: 'HT', name: 'Đồ dùng dành cho học tập' },
      { code: 'PM', name: 'Phần mềm tin học' },
    ],
    rubric: [
      { code: 'novelty', name: 'Tính mới, sáng tạo', maxPoints: 60 },
      { code: 'applicability', name: 'Khả năng ứng dụng', maxPoints: 40 },
    ],
    stages: [
      { name: 'Cấp trường', levelCode: 'school', judged: false, advancement: { kind: 'pick' } },
      { name: 'Cấp huyện', levelCode: 'district', judged: true, judgesPerEntry: 3, tieBreak: ['novelty'] },
    ],
  };
}

function entryBody(unitId: string) {
  return {
    unitId,
    title: 'Máy tưới cây tự động',
    fieldCode: 'HT',
    summary: 'Tưới nhỏ giọt theo độ ẩm đất.',
    contact: { name: 'Giáo viên hướng dẫn', email: 'gv@test.vn' },
    authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2009-09-09' }],
  };
}

/** What a client sends back to PUT after reading an edition. */
function editionBodyFrom(view: any) {
  return {
    version: view.version,
    number: view.number,
    seasonLabel: view.seasonLabel,
    registrationOpensAt: view.registrationOpensAt,
    registrationClosesAt: view.registrationClosesAt,
    eligibility: view.eligibility,
    maxAuthors: view.maxAuthors,
    plannedEntries: view.plannedEntries,
    fields: view.fields.map(({ code, name }: any) => ({ code, name })),
    rubric: view.rubric.map(({ code, name, maxPoints }: any) => ({ code, name, maxPoints })),
    stages: view.stages.map(({ id: _id, position: _p, ...stage }: any) => stage),
  };
}

const pdf = () => multipart({ filename: 'ho-so.pdf', contentType: 'application/pdf', content: '%PDF-1.4\n%%EOF\n' });

describe('route access (e2e)', () => {
  let t: TestApp;
  const registered: RouteOptions[] = [];
  const callers: SignedInCaller[] = [];
  const tokens = new Map<string, string>();
  let forged: Record<string, string>;
  let gaps: Record<string, string>;
  const ids: Record<string, string> = {};
  let tried = 0;
  let counter = 0;
  const next = () => ++counter;

  const unit = (code: string) => t.unitId(code);
  const unitPath = (code: string) => t.world.units.get(code)!.path;
  const userId = (email: string) => t.world.users.get(email)!.id;
  const admin = () => t.as('admin@test.vn');

  async function created(response: Promise<TestResponse>, what: string): Promise<any> {
    const answer = await response;
    if (answer.statusCode >= 300) throw new Error(`Could not create ${what}: ${answer.statusCode} ${answer.body}`);
    return answer.json();
  }

  const registerEntry = async () => (await created(admin().post(`/editions/${ids.ksEdition}/entries`, entryBody(unit('ST-KS-01'))), 'an entry')).id as string;
  const attachFile = async (entryId: string) => {
    const upload = pdf();
    return (await created(admin().post(`/entries/${entryId}/dossier`, upload.payload, { headers: upload.headers }), 'a dossier file')).id as string;
  };
  const createDraftEdition = async () => (await created(admin().post(`/contests/${ids.ksContest}/editions`, districtEdition(200 + next())), 'a draft edition')).id as string;
  const createUnit = async (code: string) => (await created(admin().post('/units', { code, name: `Trường ${code}`, levelCode: 'school', parentId: unit('ST-MT') }), `unit ${code}`)).id as string;
  const createUser = async () =>
    (await created(admin().post('/users', { email: `user${next()}@test.vn`, fullName: 'Người dùng mới', password: 'long-enough-password' }), 'a user')).id as string;

  /** Objects that a successful call uses up; made again, by the administrator, when next needed. */
  const fresh: Record<string, string | undefined> = {};
  async function once(name: string, make: () => Promise<string>): Promise<string> {
    fresh[name] ??= await make();
    return fresh[name]!;
  }
  const usedUp = (name: string) => () => {
    fresh[name] = undefined;
  };

  const ACCESS: Record<string, RouteCase> = {
    // Public: no login, and a token (even a forged one) changes nothing.
    'POST /auth/login': { rule: PUBLIC, call: () => ({ url: '/auth/login', payload: { email: 'school1@test.vn', password: PASSWORD } }), body: 'json', allowed: [200] },
    'GET /health': { rule: PUBLIC, call: () => ({ url: '/health' }), allowed: [200] },
    'GET /dev/mailbox': { rule: PUBLIC, call: () => ({ url: '/dev/mailbox' }), allowed: [200] },
    'GET /dev/mailbox/:id': { rule: PUBLIC, call: () => ({ url: `/dev/mailbox/${ids.mail}` }), allowed: [200] },
    'GET /docs': { rule: PUBLIC, call: () => ({ url: '/docs' }), allowed: [200] },
    'GET /docs/': { rule: PUBLIC, call: () => ({ url: '/docs/' }), allowed: [200] },
    'GET /docs/index.html': { rule: PUBLIC, call: () => ({ url: '/docs/index.html' }), allowed: [200] },
    // Registered by Swagger, but it serves no file there: public all the same.
    'GET /docs/LICENSE': { rule: PUBLIC, call: () => ({ url: '/docs/LICENSE' }), allowed: [404] },
    'GET /docs/swagger-ui-init.js': { rule: PUBLIC, call: () => ({ url: '/docs/swagger-ui-init.js' }), allowed: [200] },
    'GET /docs/docs/swagger-ui-init.js': { rule: PUBLIC, call: () => ({ url: '/docs/docs/swagger-ui-init.js' }), allowed: [200] },
    'GET /docs/*': { rule: PUBLIC, call: () => ({ url: '/docs/swagger-ui.css' }), allowed: [200] },
    'GET /docs-json': { rule: PUBLIC, call: () => ({ url: '/docs-json' }), allowed: [200] },
    'GET /docs-yaml': { rule: PUBLIC, call: () => ({ url: '/docs-yaml' }), allowed: [200] },

    // Any role, about oneself or filtered to one's scope by the service.
    'GET /auth/me': { rule: SIGNED_IN, call: () => ({ url: '/auth/me' }), allowed: [200] },
    'POST /auth/logout': { rule: SIGNED_IN, call: () => ({ url: '/auth/logout' }), allowed: [204], endsSession: true },
    // A wrong current password: the call gets past access and stops at the rule, so nobody's password changes.
    'POST /auth/password': { rule: SIGNED_IN, call: () => ({ url: '/auth/password', payload: { currentPassword: 'not-the-password', newPassword: 'another-long-password' } }), body: 'json', allowed: [422] },
    'GET /unit-levels': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/unit-levels' }), allowed: [200] },
    'GET /units': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/units' }), allowed: [200] },
    'GET /contests': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/contests' }), allowed: [200] },
    'GET /editions': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/editions' }), allowed: [200] },
    'GET /entries': { rule: { roles: ENTRY_READERS }, call: () => ({ url: '/entries' }), allowed: [200] },
    'GET /entries/export.xlsx': { rule: { roles: ENTRY_READERS }, call: () => ({ url: '/entries/export.xlsx' }), allowed: [200] },
    'GET /entries/export.csv': { rule: { roles: ENTRY_READERS }, call: () => ({ url: '/entries/export.csv' }), allowed: [200] },
    'GET /audit': { rule: { roles: ['organiser'] }, call: () => ({ url: '/audit' }), allowed: [200] },

    // Units: everyone reads at and under their grants (a school its own unit only); administrators shape the tree.
    'GET /units/:id': { rule: { roles: ANY_ROLE, scope: { under: ANY_ROLE }, target: 'ST-MT' }, call: () => ({ url: `/units/${unit('ST-MT')}` }), allowed: [200] },
    'GET /units/:id/children': { rule: { roles: ANY_ROLE, scope: { under: ANY_ROLE }, target: 'ST-MT' }, call: () => ({ url: `/units/${unit('ST-MT')}/children` }), allowed: [200] },
    'GET /units/:id/subtree': { rule: { roles: ANY_ROLE, scope: { under: ANY_ROLE }, target: 'ST-MT' }, call: () => ({ url: `/units/${unit('ST-MT')}/subtree` }), allowed: [200] },
    'POST /unit-levels': { rule: ADMIN_ONLY, call: () => ({ url: '/unit-levels', payload: { code: `level-${next()}`, name: 'Cấp thử', rank: 90, isLeaf: true } }), body: 'json', allowed: [201] },
    'POST /units': { rule: ADMIN_ONLY, call: () => ({ url: '/units', payload: { code: `ST-MT-N${next()}`, name: 'Trường mới', levelCode: 'school', parentId: unit('ST-MT') } }), body: 'json', allowed: [201] },
    'POST /units/import': {
      rule: ADMIN_ONLY,
      body: 'file',
      call: () => {
        const file = multipart({ filename: 'units.csv', contentType: 'text/csv', content: `code,name,level,parent_code\nST-MT-I${next()},Trường nhập từ tệp,school,ST-MT\n` });
        return { url: '/units/import', payload: file.payload, headers: file.headers };
      },
      allowed: [200],
    },
    'PATCH /units/:id': { rule: ADMIN_ONLY, call: () => ({ url: `/units/${ids.spareUnit}`, payload: { name: `Trường đổi tên ${next()}` } }), body: 'json', allowed: [200] },
    'POST /units/:id/move': { rule: ADMIN_ONLY, call: () => ({ url: `/units/${ids.spareUnit}/move`, payload: { parentId: unit('ST-MT') } }), body: 'json', allowed: [200] },
    'POST /units/:id/retire': {
      rule: ADMIN_ONLY,
      call: async () => ({ url: `/units/${await once('activeUnit', () => createUnit(`ST-MT-R${next()}`))}/retire` }),
      consumed: usedUp('activeUnit'),
      allowed: [200],
    },
    'POST /units/:id/restore': {
      rule: ADMIN_ONLY,
      call: async () => {
        const id = await once('retiredUnit', async () => {
          const id = await createUnit(`ST-MT-X${next()}`);
          await created(admin().post(`/units/${id}/retire`), 'a retired unit');
          return id;
        });
        return { url: `/units/${id}/restore` };
      },
      consumed: usedUp('retiredUnit'),
      allowed: [200],
    },

    // Accounts: administrators only.
    'GET /users': { rule: ADMIN_ONLY, call: () => ({ url: '/users' }), allowed: [200] },
    'POST /users': { rule: ADMIN_ONLY, call: () => ({ url: '/users', payload: { email: `new${next()}@test.vn`, fullName: 'Người mới', password: 'long-enough-password' } }), body: 'json', allowed: [201] },
    'PATCH /users/:id': { rule: ADMIN_ONLY, call: () => ({ url: `/users/${userId('grantee@test.vn')}`, payload: { fullName: `Tên mới ${next()}` } }), body: 'json', allowed: [200], accepts: ['active'] },
    'POST /users/:id/grants': {
      rule: ADMIN_ONLY,
      call: async () => ({ url: `/users/${await once('grantee', createUser)}/grants`, payload: { role: 'judge', unitId: unit('ST-MT') } }),
      consumed: usedUp('grantee'),
      allowed: [201],
      body: 'json',
      accepts: ['role', 'unitId'],
    },
    'DELETE /users/:id/grants/:grantId': {
      rule: ADMIN_ONLY,
      call: async () => {
        const user = userId('grantee@test.vn');
        const grant = await once('grant', async () => {
          const view = await created(admin().post(`/users/${user}/grants`, { role: 'judge', unitId: unit('ST-KS') }), 'a grant');
          return view.grants.find((g: { unitCode: string }) => g.unitCode === 'ST-KS').id;
        });
        return { url: `/users/${user}/grants/${grant}` };
      },
      consumed: usedUp('grant'),
      allowed: [200],
    },

    // Contests and editions: organisers change what lies at or under their unit; everyone reads along their grants' paths.
    'POST /contests': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: '/contests', payload: { kind: 'youth', name: `Hội thi huyện Kế Sách ${next()}`, unitId: unit('ST-KS') } }),
      allowed: [201],
      body: 'json',
      accepts: ['unitId'],
      bodyRef: 'unitId',
    },
    'GET /contests/:id': { rule: { roles: ANY_ROLE, scope: { onPath: ANY_ROLE }, target: 'ST-KS' }, call: () => ({ url: `/contests/${ids.ksContest}` }), allowed: [200] },
    'POST /contests/:id/editions': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/contests/${ids.ksContest}/editions`, payload: districtEdition(100 + next()) }),
      allowed: [201],
      body: 'json',
      accepts: ['unitId'],
      bodyRef: 'unitId',
    },
    'GET /editions/:id': { rule: { roles: ANY_ROLE, scope: { onPath: ANY_ROLE }, target: 'ST-KS' }, call: () => ({ url: `/editions/${ids.ksEdition}` }), allowed: [200] },
    'PUT /editions/:id': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: async () => ({ url: `/editions/${ids.ksEdition}`, payload: editionBodyFrom((await admin().get(`/editions/${ids.ksEdition}`)).json()) }),
      allowed: [200],
      body: 'json',
      // What GET shows beside the definition (its id, its unit) is taken back and ignored, never applied.
      accepts: ['version', 'id', 'unitId'],
    },

    'POST /editions/:id/state': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: async () => ({ url: `/editions/${await once('draftEdition', createDraftEdition)}/state`, payload: { state: 'registration' } }),
      consumed: usedUp('draftEdition'),
      allowed: [200],
      body: 'json',
      accepts: [],
    },
    'POST /editions/:id/archive': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: async () => ({ url: `/editions/${await once('editionToArchive', createDraftEdition)}/archive`, payload: { reason: 'Tạo nhầm, lưu trữ' } }),
      consumed: usedUp('editionToArchive'),
      allowed: [200],
      body: 'json',
    },
    'DELETE /editions/:id': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: async () => ({ url: `/editions/${await once('editionToDelete', createDraftEdition)}` }),
      consumed: usedUp('editionToDelete'),
      allowed: [204],
    },

    // Entries: a school acts on its own, an organiser on those under their unit; judges and chairs list nothing yet.
    'POST /editions/:editionId/entries': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: () => ({ url: `/editions/${ids.ksEdition}/entries`, payload: entryBody(unit('ST-KS-01')) }),
      allowed: [201],
      body: 'json',
      accepts: ['unitId'],
      bodyRef: 'unitId',
    },
    'GET /entries/:id': { rule: { roles: ENTRY_READERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' }, call: () => ({ url: `/entries/${ids.entry}` }), allowed: [200] },
    'PATCH /entries/:id': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: async () => ({ url: `/entries/${ids.editedEntry}`, payload: { version: (await admin().get(`/entries/${ids.editedEntry}`)).json().version, title: `Máy tưới cây ${next()}` } }),
      allowed: [200],
      body: 'json',
      accepts: ['version'],
    },
    'POST /entries/:id/withdraw': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: async () => ({ url: `/entries/${await once('entryToWithdraw', registerEntry)}/withdraw` }),
      consumed: usedUp('entryToWithdraw'),
      allowed: [200],
    },
    'POST /entries/:id/dossier': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      body: 'file',
      call: async () => {
        const upload = pdf();
        return { url: `/entries/${await once('dossierEntry', registerEntry)}/dossier`, payload: upload.payload, headers: upload.headers };
      },
      // A dossier holds a bounded number of files: each uploading caller starts a new entry's.
      consumed: usedUp('dossierEntry'),
      allowed: [201],
    },
    'GET /entries/:id/dossier/:fileId': {
      rule: { roles: ENTRY_READERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: () => ({ url: `/entries/${ids.entry}/dossier/${ids.file}` }),
      allowed: [200],
    },
    'DELETE /entries/:id/dossier/:fileId': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: async () => ({ url: `/entries/${ids.entry}/dossier/${await once('fileToDelete', () => attachFile(ids.entry))}` }),
      consumed: usedUp('fileToDelete'),
      allowed: [204],
    },

    // Bulk registration: schools and organisers working inside the edition's tree or above it.
    // An import with no rows gets past access and is refused for its content (400), so nothing is registered.
    'POST /editions/:editionId/entries/import': {
      rule: { roles: ENTRY_WRITERS, scope: { onPath: ENTRY_WRITERS }, target: 'ST-KS' },
      body: 'file',
      call: () => {
        const file = multipart({ filename: 'dang-ky.csv', contentType: 'text/csv', content: 'reference,title,field_code\n' });
        return { url: `/editions/${ids.ksEdition}/entries/import`, payload: file.payload, headers: file.headers };
      },
      allowed: [400],
    },
    'GET /editions/:editionId/entries/import-template.xlsx': {
      rule: { roles: ENTRY_WRITERS, scope: { onPath: ENTRY_WRITERS }, target: 'ST-KS' },
      call: () => ({ url: `/editions/${ids.ksEdition}/entries/import-template.xlsx` }),
      allowed: [200],
    },
    'GET /editions/:editionId/entries/import-template.csv': {
      rule: { roles: ENTRY_WRITERS, scope: { onPath: ENTRY_WRITERS }, target: 'ST-KS' },
      call: () => ({ url: `/editions/${ids.ksEdition}/entries/import-template.csv` }),
      allowed: [200],
    },
  };

  const split = (key: string) => {
    const space = key.indexOf(' ');
    return { method: key.slice(0, space) as Method, pattern: key.slice(space + 1) };
  };

  async function send(method: Method, call: Call, authorization: string | undefined): Promise<TestResponse> {
    tried += 1;
    const headers = { ...call.headers, ...(authorization ? { authorization } : {}) };
    return t.request(method, call.url, { headers, payload: call.payload });
  }

  /** Tries one route with one caller; returns what went differently from the table, or null. */
  async function attempt(key: string, who: string, authorization: string | undefined, expected: Verdict, call?: Call): Promise<string | null> {
    const { method } = split(key);
    const route = ACCESS[key];
    const response = await send(method, call ?? (await route.call()), authorization);
    if (response.statusCode < 300) route.consumed?.();
    // A public route answers for itself (even 404 for what it does not hold); only its listed statuses count.
    const got = 'public' in route.rule ? 'ok' : verdictOf(response.statusCode);
    const allowedStatus = expected !== 'ok' || (route.allowed ? route.allowed.includes(response.statusCode) : response.statusCode < 300);
    if (got === expected && allowedStatus) return null;
    const wanted = expected === 'ok' ? (route.allowed?.join('/') ?? '2xx') : expected;
    return `${who}: expected ${wanted}, got ${response.statusCode} ${response.body.slice(0, 200)}`;
  }

  function failIfAny(problems: Array<string | null>, key: string): void {
    const found = problems.filter(Boolean);
    if (found.length) throw new Error(`${key}\n  ${found.join('\n  ')}`);
  }

  /** Fresh tokens for every caller, after a call that ended their sessions. */
  async function logInAgain(): Promise<void> {
    t.forgetTokens();
    for (const email of Object.keys(CALLER_NAMES)) {
      const response = await t.request('POST', '/auth/login', { payload: { email, password: PASSWORD } });
      tokens.set(email, `Bearer ${response.json().accessToken}`);
    }
    // The tokens with odd claims copy the administrator's session: they must not fail for being logged out.
    gaps = knownGapTokens(tokens.get('admin@test.vn')!.slice('Bearer '.length), t.app.get<AppConfig>(APP_CONFIG).jwtSecret);
  }

  beforeAll(async () => {
    const spec = world();
    t = await TestApp.start({ spec, workers: false, env: { LOGIN_RATE_LIMIT: '10000' }, onRoute: (route) => registered.push(route) });
    const secret = t.app.get<AppConfig>(APP_CONFIG).jwtSecret;
    for (const [email, name] of Object.entries(CALLER_NAMES)) {
      const grants = spec.users.find((u) => u.email === email)!.grants;
      callers.push({ name, email, grants: grants.map((g) => ({ role: g.role, unitPath: unitPath(g.unit) })) });
      tokens.set(email, `Bearer ${await t.token(email)}`);
    }
    forged = forgedTokens(await t.token('admin@test.vn'), secret);
    gaps = knownGapTokens(await t.token('admin@test.vn'), secret);
    // A token issued to an administrator who was then deactivated.
    forged['deactivated user'] = `Bearer ${await t.token('gone@test.vn')}`;
    await created(admin().patch(`/users/${userId('gone@test.vn')}`, { active: false }), 'a deactivated user');

    const ks = t.as('ks@test.vn');
    ids.ksContest = (await created(ks.post('/contests', { kind: 'youth', name: 'Hội thi Sáng tạo huyện Kế Sách', unitId: unit('ST-KS') }), 'the district contest')).id;
    ids.ksEdition = (await created(ks.post(`/contests/${ids.ksContest}/editions`, districtEdition(1)), 'the district edition')).id;
    await created(ks.post(`/editions/${ids.ksEdition}/state`, { state: 'registration' }), 'an open registration');
    ids.entry = await registerEntry();
    ids.editedEntry = await registerEntry();
    ids.file = await attachFile(ids.entry);
    ids.spareUnit = await createUnit('ST-MT-02');
    const mail = await t.app.get(DevMailbox).store(Buffer.from('From: a@test.vn\r\nTo: b@test.vn\r\nSubject: Thử\r\n\r\nXin chào\r\n'), ['b@test.vn']);
    ids.mail = mail.id;
  });

  afterAll(async () => {
    console.log(`Route access: ${routeKeys(registered).length} routes, ${tried} requests tried`);
    await t?.stop();
  });

  it('has an access rule for every route the app registered, and a route for every rule', () => {
    const problems = tableProblems(routeKeys(registered), Object.keys(ACCESS));
    if (problems.length) throw new Error(problems.join('\n'));
  });

  describe('every route, every caller', () => {
    it.each(Object.keys(ACCESS))('%s', async (key) => {
      const route = ACCESS[key];
      const [{ last }] = await t.db.source.query('SELECT coalesce(max(id), 0) AS last FROM audit_log');
      const problems: Array<string | null> = [];
      const mayChange = new Set([userId('admin@test.vn')]);
      for (const caller of callers) {
        const expected = verdict(route.rule, caller, unitPath);
        if (expected === 'ok') mayChange.add(userId(caller.email));
        problems.push(await attempt(key, caller.name, tokens.get(caller.email), expected));
      }
      const outsider = verdict(route.rule, null, unitPath);
      const outsiders: Array<[string, string | undefined]> = [['anonymous', undefined], ...Object.entries(forged).map(([name, header]): [string, string] => [`forged token (${name})`, header])];
      // Side by side: the guard stops them all before anything changes (and the public routes change nothing).
      problems.push(...(await Promise.all(outsiders.map(([name, header]) => attempt(key, name, header, outsider)))));
      // Refused callers leave no change behind: the audit trail records every write (rows about access itself,
      // such as the refusals h/auth audits, are not changes).
      const changes: Array<{ actor_id: string; action: string }> = await t.db.source.query(
        "SELECT actor_id, action FROM audit_log WHERE id > $1 AND action NOT LIKE 'auth.%'",
        [last],
      );
      for (const change of changes.filter((c) => !mayChange.has(c.actor_id))) problems.push(`a refused caller (user ${change.actor_id}) changed something: ${change.action}`);
      if (route.endsSession) await logInAgain();
      failIfAny(problems, key);
    });
  });

  it('refuses anonymous HEAD requests on every protected GET route (401), as it does GET', async () => {
    const problems: string[] = [];
    for (const key of Object.keys(ACCESS).filter((k) => k.startsWith('GET ') && !('public' in ACCESS[k].rule))) {
      tried += 1;
      const response = await t.app.inject({ method: 'HEAD', url: (await ACCESS[key].call()).url });
      if (response.statusCode !== 401) problems.push(`HEAD ${split(key).pattern}: got ${response.statusCode}`);
    }
    expect(problems).toEqual([]);
  });

  describe('random ids (enumeration)', () => {
    const withParams = () => Object.keys(ACCESS).filter((key) => !('public' in ACCESS[key].rule) && (split(key).pattern.includes(':') || ACCESS[key].bodyRef));

    /** The real call with some path parameters, or the body reference, replaced by random UUIDs. */
    function variants(key: string, call: Call): Array<{ name: string; call: Call }> {
      const patternParts = split(key).pattern.split('/');
      const urlParts = call.url.split('/');
      const params = patternParts.flatMap((part, i) => (part.startsWith(':') ? [i] : []));
      const swap = (which: number[]) => urlParts.map((part, i) => (which.includes(i) ? randomUUID() : part)).join('/');
      const out = params.length ? [{ name: 'every id random', call: { ...call, url: swap(params) } }] : [];
      if (params.length > 1) for (const i of params) out.push({ name: `${patternParts[i]} random`, call: { ...call, url: swap([i]) } });
      const ref = ACCESS[key].bodyRef;
      if (ref) out.push({ name: `body ${ref} random`, call: { ...call, payload: { ...(call.payload as object), [ref]: randomUUID() } } });
      return out;
    }

    it.each(withParams())('%s answers 404 for ids that do not exist, to everybody the role check lets in', async (key) => {
      const route = ACCESS[key];
      const problems: Array<string | null> = [];
      for (const { name, call } of variants(key, await route.call())) {
        for (const caller of callers) {
          const byRole = verdict(route.rule, caller, unitPath);
          problems.push(await attempt(key, `${caller.name}, ${name}`, tokens.get(caller.email), byRole === 403 ? 403 : 404, call));
        }
        problems.push(await attempt(key, `anonymous, ${name}`, undefined, 401, call));
      }
      failIfAny(problems, key);
    });
  });

  describe('mass assignment', () => {
    const SMUGGLED = (): Record<string, unknown> => ({
      id: randomUUID(),
      unitId: unit('ST-MT'),
      createdBy: userId('admin@test.vn'),
      status: 'withdrawn',
      role: 'admin',
      version: 99,
      active: false,
      isAdmin: true,
      grants: [{ role: 'admin', unitId: unit('VN') }],
      passwordHash: 'x',
    });
    const jsonWrites = () => Object.keys(ACCESS).filter((key) => ACCESS[key].body === 'json');
    const bodilessWrites = () => Object.keys(ACCESS).filter((key) => split(key).method !== 'GET' && !ACCESS[key].body);

    it.each(jsonWrites())('%s refuses properties it does not take (400 naming each) and takes only those listed', async (key) => {
      const route = ACCESS[key];
      const problems: string[] = [];
      const authorization = 'public' in route.rule ? undefined : tokens.get('admin@test.vn');
      for (const [field, value] of Object.entries(SMUGGLED())) {
        const call = await route.call();
        const response = await send(split(key).method, { ...call, payload: { ...((call.payload as object) ?? {}), [field]: value } }, authorization);
        if (response.statusCode < 300) route.consumed?.();
        const named = response.statusCode === 400 && response.json().details?.problems?.some((p: { field: string }) => p.field === field);
        if (route.accepts?.includes(field) ? named : !named) {
          problems.push(`${field}: ${route.accepts?.includes(field) ? 'taken on purpose, but refused' : 'not refused'} (${response.statusCode} ${response.body.slice(0, 160)})`);
        }
      }
      if (problems.length) throw new Error(`${key}\n  ${problems.join('\n  ')}`);
    });

    it.each(bodilessWrites())('%s reads no body: whatever is sent in one is ignored', async (key) => {
      const route = ACCESS[key];
      const call = await route.call();
      const response = await send(split(key).method, { ...call, payload: SMUGGLED() }, tokens.get('admin@test.vn'));
      if (response.statusCode < 300) route.consumed?.();
      if (route.endsSession) await logInAgain();
      expect(route.allowed).toContain(response.statusCode);
      if (key === 'POST /entries/:id/withdraw') expect(response.json().status).toBe('withdrawn');
    });
  });

  describe('administrator grants', () => {
    it('are given at the root only: an administrator grant at a province would act on the whole country', async () => {
      const user = await createUser();
      const refused = await admin().post(`/users/${user}/grants`, { role: 'admin', unitId: unit('ST') });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().details.problems).toEqual([{ field: 'unitId', reason: expect.stringContaining('root') }]);
      expect((await admin().post(`/users/${user}/grants`, { role: 'admin', unitId: unit('VN') })).statusCode).toBe(201);
    });
  });

  describe('correctly signed tokens with claims the app does not issue', () => {
    it.each(['without an expiry', 'whose subject is not a user id', 'whose subject is a number'])('refuses a correctly signed token %s on every protected route (401)', async (name) => {
        const problems: Array<string | null> = [];
        for (const key of Object.keys(ACCESS).filter((k) => !('public' in ACCESS[k].rule))) problems.push(await attempt(key, `token ${name}`, gaps[name], 401));
        failIfAny(problems, name);
      });
  });
});
