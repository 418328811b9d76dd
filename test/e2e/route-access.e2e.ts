import { randomUUID } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { ROLES, type Role } from '../../src/core/auth/actor';
import { APP_CONFIG, type AppConfig } from '../../src/core/config/config';
import { DevMailbox } from '../../src/notifications/dev-mailbox';
import { editionBodyFrom, PASSWORD, smallWorld } from '../support/fixtures';
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
    { email: 'grantee@test.vn', fullName: 'Người được quản lý', password: PASSWORD, grants: [{ role: 'judge', unit: 'ST-KS' }] },
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

/** A province technical edition judged at the province with one judge per entry: where the judging routes are tried. */
function provinceEdition() {
  return {
    number: 1,
    seasonLabel: '2022-2023',
    registrationOpensAt: new Date(Date.now() - DAY).toISOString(),
    registrationClosesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    eligibility: { kind: 'technical', createdFromYear: 2000 },
    maxAuthors: 5,
    // Each panel formed by a route call takes a field of its own.
    fields: [{ code: 'CNTT', name: 'Công nghệ thông tin' }, ...Array.from({ length: 12 }, (_, i) => ({ code: `LV${i + 1}`, name: `Lĩnh vực ${i + 1}` }))],
    rubric: [
      { code: 'novelty', name: 'Tính mới', maxPoints: 50 },
      { code: 'effect', name: 'Hiệu quả', maxPoints: 50 },
    ],
    stages: [{ name: 'Cấp tỉnh', levelCode: 'province', judged: true, judgesPerEntry: 1, aggregation: 'mean' }],
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
    (await created(admin().post('/users', { email: `user${next()}@test.vn`, fullName: 'Người dùng mới', password: 'long-enough-password', grant: { role: 'chair', unitId: unit('ST-KS') } }), 'a user'))
      .id as string;

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
    // The same answer for any address (this one has no account, so nothing changes); past its budget per client address, 429.
    'POST /auth/password-reset': { rule: PUBLIC, call: () => ({ url: '/auth/password-reset', payload: { email: 'no.account.here@test.vn' } }), body: 'json', allowed: [202, 429] },
    // A token that was never issued: the call gets past access and stops at the rule.
    'POST /auth/password-reset/confirm': {
      rule: PUBLIC,
      call: () => ({ url: '/auth/password-reset/confirm', payload: { token: `${randomUUID()}.${'x'.repeat(43)}`, newPassword: 'another-long-password' } }),
      body: 'json',
      allowed: [422],
    },
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

    // Any role, about oneself or filtered to one's scope by the service.
    'GET /auth/me': { rule: SIGNED_IN, call: () => ({ url: '/auth/me' }), allowed: [200] },
    'POST /auth/logout': { rule: SIGNED_IN, call: () => ({ url: '/auth/logout' }), allowed: [204], endsSession: true },
    // A wrong current password: the call gets past access and stops at the rule, so nobody's password changes.
    'POST /auth/password': {
      rule: SIGNED_IN,
      call: () => ({ url: '/auth/password', payload: { currentPassword: 'not-the-password', newPassword: 'another-long-password' } }),
      body: 'json',
      allowed: [422],
    },
    'GET /unit-levels': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/unit-levels' }), allowed: [200] },
    'GET /units': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/units' }), allowed: [200] },
    'GET /units/export.csv': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/units/export.csv' }), allowed: [200] },
    'GET /units/export.xlsx': { rule: { roles: ANY_ROLE }, call: () => ({ url: '/units/export.xlsx' }), allowed: [200] },
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
    'GET /admin/mail-templates/:kind/preview': { rule: ADMIN_ONLY, call: () => ({ url: '/admin/mail-templates/entries-registered/preview?lang=en' }), allowed: [200] },
    'GET /admin/deliveries': { rule: ADMIN_ONLY, call: () => ({ url: '/admin/deliveries?status=failed' }), allowed: [200] },
    // A delivery that was sent: past access, the rule refuses to send it again.
    'POST /admin/deliveries/:id/requeue': { rule: ADMIN_ONLY, call: () => ({ url: `/admin/deliveries/${ids.delivery}/requeue` }), allowed: [422] },
    'POST /unit-levels': { rule: ADMIN_ONLY, call: () => ({ url: '/unit-levels', payload: { code: `level-${next()}`, name: 'Cấp thử', rank: 90, isLeaf: true } }), body: 'json', allowed: [201] },
    'POST /units': {
      rule: ADMIN_ONLY,
      call: () => ({ url: '/units', payload: { code: `ST-MT-N${next()}`, name: 'Trường mới', levelCode: 'school', parentId: unit('ST-MT') } }),
      body: 'json',
      allowed: [201],
    },
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

    // Accounts: administrators manage all; organisers those whose every grant lies in their area (grantee: a judge of ST-KS).
    'GET /users': { rule: { roles: ['organiser'] }, call: () => ({ url: '/users' }), allowed: [200] },
    'POST /users': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: '/users', payload: { email: `new${next()}@test.vn`, fullName: 'Người mới', password: 'long-enough-password', grant: { role: 'judge', unitId: unit('ST-KS') } } }),
      body: 'json',
      allowed: [201],
    },
    'PATCH /users/:id': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/users/${userId('grantee@test.vn')}`, payload: { fullName: `Tên mới ${next()}` } }),
      body: 'json',
      allowed: [200],
      accepts: ['active'],
    },
    'POST /users/:id/grants': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: async () => ({ url: `/users/${await once('grantee', createUser)}/grants`, payload: { role: 'judge', unitId: unit('ST-KS') } }),
      consumed: usedUp('grantee'),
      allowed: [201],
      body: 'json',
      accepts: ['role', 'unitId'],
    },
    'DELETE /users/:id/grants/:grantId': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: async () => {
        const user = userId('grantee@test.vn');
        const grant = await once('grant', async () => {
          const view = await created(admin().post(`/users/${user}/grants`, { role: 'chair', unitId: unit('ST-KS') }), 'a grant');
          return view.grants.find((g: { role: string }) => g.role === 'chair').id;
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
    // A past season is recorded by organisers only; the open edition refuses it (422) before the file is read.
    'POST /editions/:editionId/entries/historical-import': {
      rule: { roles: ['organiser'], scope: { onPath: ['organiser'] }, target: 'ST-KS' },
      body: 'file',
      call: () => {
        const file = multipart({ filename: 'mua-truoc.csv', contentType: 'text/csv', content: 'reference,title,field_code\n' });
        return { url: `/editions/${ids.ksEdition}/entries/historical-import`, payload: file.payload, headers: file.headers };
      },
      allowed: [422],
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

    // Results: organisers at or above the stage's unit; a school picks its own entries of an unjudged stage;
    // published prize lists are public. The district stage of the Kế Sách edition awards no prizes: 422 past access.
    'GET /stages/:stageId/units/:unitId/prize-list/preview': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/stages/${ids.ksDistrictStage}/units/${unit('ST-KS')}/prize-list/preview` }),
      allowed: [422],
    },
    'POST /stages/:stageId/units/:unitId/prize-list': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/stages/${ids.ksDistrictStage}/units/${unit('ST-KS')}/prize-list`, payload: { objectionDays: 15 } }),
      allowed: [422],
      body: 'json',
    },
    'GET /stages/:stageId/units/:unitId/prize-list': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/stages/${ids.ksDistrictStage}/units/${unit('ST-KS')}/prize-list` }),
      allowed: [422],
    },
    'POST /prize-lists/:id/final': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/prize-lists/${ids.prizeList}/final` }),
      // The first caller let in makes the list final; it is final for the next ones.
      allowed: [201, 422],
    },
    'POST /prize-lists/:id/corrections': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/prize-lists/${ids.prizeList}/corrections`, payload: { reason: 'Đính chính' } }),
      allowed: [422],
      body: 'json',
    },
    'GET /public/prize-lists/:id': { rule: PUBLIC, call: () => ({ url: `/public/prize-lists/${ids.prizeList}` }), allowed: [200] },
    'GET /public/prize-lists/:id/export.xlsx': { rule: PUBLIC, call: () => ({ url: `/public/prize-lists/${ids.prizeList}/export.xlsx` }), allowed: [200] },
    'GET /public/prize-lists/:id/export.csv': { rule: PUBLIC, call: () => ({ url: `/public/prize-lists/${ids.prizeList}/export.csv` }), allowed: [200] },
    'POST /stages/:stageId/units/:unitId/advancement/preview': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: () => ({ url: `/stages/${ids.ksSchoolStage}/units/${unit('ST-KS-01')}/advancement/preview`, payload: { entryIds: [ids.entry] } }),
      // The school outside a pick window is refused for the window (422), past access.
      allowed: [200, 422],
      body: 'json',
    },
    'POST /stages/:stageId/units/:unitId/advancement': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: () => ({ url: `/stages/${ids.ksSchoolStage}/units/${unit('ST-KS-01')}/advancement`, payload: { entryIds: [ids.entry] } }),
      allowed: [200, 422],
      body: 'json',
    },
    'POST /stages/:stageId/advancement': {
      rule: { roles: ENTRY_WRITERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' },
      call: () => ({ url: `/stages/${ids.ksSchoolStage}/advancement`, payload: { units: [{ unitId: unit('ST-KS-01'), entryIds: [ids.entry] }] } }),
      allowed: [200, 422],
      body: 'json',
    },
    'PUT /stages/:stageId/units/:unitId/pick-window': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/stages/${ids.ksSchoolStage}/units/${unit('ST-KS')}/pick-window`, payload: { opensAt: '2017-08-01T00:00:00+07:00', closesAt: '2017-08-15T17:00:00+07:00' } }),
      allowed: [200],
      body: 'json',
    },
    'GET /stages/:stageId/selections': { rule: { roles: ['organiser'] }, call: () => ({ url: `/stages/${ids.ksDistrictStage}/selections` }), allowed: [200] },
    'GET /entries/:id/stages': { rule: { roles: ENTRY_READERS, scope: { under: ENTRY_WRITERS }, target: 'ST-KS-01' }, call: () => ({ url: `/entries/${ids.entry}/stages` }), allowed: [200] },
    'GET /editions/:id/report': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/editions/${ids.ksEdition}/report?unitId=${unit('ST-KS')}` }),
      allowed: [200],
    },
    'GET /editions/:id/report.xlsx': {
      rule: { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST-KS' },
      call: () => ({ url: `/editions/${ids.ksEdition}/report.xlsx?unitId=${unit('ST-KS')}` }),
      allowed: [200],
    },
  };

  // Judging: organisers of the panel's unit form, staff and assign; panel membership (not a grant) opens the rest.
  const judgingPanel = () => `/panels/${ids.panel}`;
  const sheetVersion = async (entryId: string) =>
    (await t.db.source.query('SELECT version FROM score_sheets WHERE panel_id = $1 AND entry_id = $2 AND judge_id = $3', [ids.panel, entryId, userId('judge@test.vn')]))[0].version as number;
  const judgeAt = async (unitCode: string) => {
    const id = await createUser();
    await created(admin().post(`/users/${id}/grants`, { role: 'judge', unitId: unit(unitCode) }), 'a judge grant');
    return id;
  };
  const PANEL_ORGANISERS = { roles: ['organiser'], scope: { under: ['organiser'] }, target: 'ST' } as const;
  const OVERSEERS = { assigned: ['admin@test.vn', 'province@test.vn', 'chair@test.vn'] } as const;
  const THE_JUDGE = { assigned: ['judge@test.vn'] } as const;
  const THE_CHAIR = { assigned: ['chair@test.vn'] } as const;
  const JUDGING: Record<string, RouteCase> = {
    'POST /stages/:stageId/panels': {
      rule: PANEL_ORGANISERS,
      call: () => ({
        url: `/stages/${ids.provinceStage}/panels`,
        payload: {
          unitId: unit('ST'),
          name: 'Hội đồng thử',
          fieldCodes: [`LV${(next() % 12) + 1}`],
          scoringOpensAt: new Date(Date.now() - DAY).toISOString(),
          scoringClosesAt: new Date(Date.now() + DAY).toISOString(),
        },
      }),
      // A field taken by an earlier call's panel answers 409: past access all the same.
      allowed: [201, 409],
      body: 'json',
      accepts: ['unitId'],
      bodyRef: 'unitId',
    },
    'GET /panels': { rule: SIGNED_IN, call: () => ({ url: '/panels' }), allowed: [200] },
    'GET /panels/:id': { rule: { assigned: ['admin@test.vn', 'province@test.vn', 'judge@test.vn', 'chair@test.vn'] }, call: () => ({ url: judgingPanel() }), allowed: [200] },
    'POST /panels/:id/members': {
      rule: PANEL_ORGANISERS,
      call: async () => ({ url: `${judgingPanel()}/members`, payload: { userId: await once('panelMember', () => judgeAt('ST-MT')), role: 'judge' } }),
      consumed: usedUp('panelMember'),
      allowed: [201],
      body: 'json',
      bodyRef: 'userId',
    },
    'POST /panels/:id/members/batch': {
      rule: PANEL_ORGANISERS,
      call: async () => ({ url: `${judgingPanel()}/members/batch`, payload: { members: [{ userId: await once('batchMember', () => judgeAt('ST-MT')), role: 'judge' }] } }),
      consumed: usedUp('batchMember'),
      allowed: [201],
      body: 'json',
    },
    'DELETE /panels/:id/members/:userId': {
      rule: PANEL_ORGANISERS,
      call: async () => {
        const member = await once('seatedMember', async () => {
          const id = await judgeAt('ST-MT');
          await created(admin().post(`${judgingPanel()}/members`, { userId: id, role: 'judge' }), 'a seated judge');
          return id;
        });
        return { url: `${judgingPanel()}/members/${member}` };
      },
      consumed: usedUp('seatedMember'),
      allowed: [200],
    },
    'POST /panels/:id/conflicts': {
      rule: PANEL_ORGANISERS,
      call: () => ({ url: `${judgingPanel()}/conflicts`, payload: { judgeId: ids.secondJudge, entryId: ids.draftEntry, kind: 'other', note: 'Cùng cơ quan với tác giả' } }),
      allowed: [201],
      body: 'json',
    },
    'PUT /panels/:id/pins': {
      rule: PANEL_ORGANISERS,
      // An empty list unpins nothing and re-assigns the panel as it stands (422 should the panel have become infeasible).
      call: () => ({ url: `${judgingPanel()}/pins`, payload: { entries: [{ entryId: ids.draftEntry, judgeIds: [] }] } }),
      allowed: [200, 422],
      body: 'json',
    },
    'PUT /panels/:id/window': {
      rule: PANEL_ORGANISERS,
      call: async () => ({
        url: `${judgingPanel()}/window`,
        payload: {
          version: (await t.db.source.query('SELECT version FROM judging_panels WHERE id = $1', [ids.panel]))[0].version,
          scoringOpensAt: new Date(Date.now() - DAY).toISOString(),
          scoringClosesAt: new Date(Date.now() + 30 * DAY).toISOString(),
        },
      }),
      // The version read before a caller's try is stale for the body-less and mass-assignment tries after it.
      allowed: [200, 409],
      body: 'json',
      accepts: ['version'],
    },
    // No entry has settled scores yet: past access, nothing is sent.
    'POST /panels/:id/rejudge': { rule: PANEL_ORGANISERS, call: () => ({ url: `${judgingPanel()}/rejudge`, payload: { cuts: [50], margin: 1 } }), allowed: [200], body: 'json' },
    'GET /panels/:id/entries/:entryId/files/:fileId': {
      rule: THE_JUDGE,
      call: () => ({ url: `${judgingPanel()}/entries/${ids.draftEntry}/files/${ids.judgedFile}` }),
      allowed: [200],
    },
    'POST /panels/:id/assignment': { rule: PANEL_ORGANISERS, call: () => ({ url: `${judgingPanel()}/assignment` }), allowed: [200] },
    'GET /panels/:id/progress': { rule: OVERSEERS, call: () => ({ url: `${judgingPanel()}/progress` }), allowed: [200] },
    'GET /panels/:id/scores': { rule: OVERSEERS, call: () => ({ url: `${judgingPanel()}/scores` }), allowed: [200] },
    'GET /panels/:id/scores.xlsx': { rule: OVERSEERS, call: () => ({ url: `${judgingPanel()}/scores.xlsx` }), allowed: [200] },
    'GET /panels/:id/entries': { rule: THE_JUDGE, call: () => ({ url: `${judgingPanel()}/entries` }), allowed: [200] },
    'GET /panels/:id/entries/:entryId': { rule: THE_JUDGE, call: () => ({ url: `${judgingPanel()}/entries/${ids.draftEntry}` }), allowed: [200] },
    'PUT /panels/:id/entries/:entryId/sheet': {
      rule: THE_JUDGE,
      call: async () => ({ url: `${judgingPanel()}/entries/${ids.draftEntry}/sheet`, payload: { version: await sheetVersion(ids.draftEntry), points: { novelty: 10 } } }),
      allowed: [200],
      body: 'json',
      accepts: ['version'],
    },
    // An incomplete sheet gets past access and is refused for its content, so nothing is confirmed.
    'POST /panels/:id/entries/:entryId/sheet/confirm': {
      rule: THE_JUDGE,
      call: async () => ({ url: `${judgingPanel()}/entries/${ids.draftEntry}/sheet/confirm`, payload: { version: await sheetVersion(ids.draftEntry) } }),
      allowed: [422],
      body: 'json',
      accepts: ['version'],
    },
    // On a confirmed sheet a conflict can no longer be declared: past access, refused for the sheet's state.
    'POST /panels/:id/entries/:entryId/conflict': {
      rule: THE_JUDGE,
      call: () => ({ url: `${judgingPanel()}/entries/${ids.confirmedEntry}/conflict`, payload: { note: 'Người thân của tác giả' } }),
      allowed: [422],
      body: 'json',
    },
    'POST /panels/:id/entries/:entryId/sheets/:judgeId/reopen': {
      rule: THE_CHAIR,
      call: () => ({ url: `${judgingPanel()}/entries/${ids.confirmedEntry}/sheets/${userId('judge@test.vn')}/reopen`, payload: { reason: 'Nhập nhầm điểm' } }),
      // Once reopened the sheet is a draft: a second reopening is refused for its state.
      allowed: [200, 422],
      body: 'json',
    },
    'POST /panels/:id/entries/:entryId/flag/settle': {
      rule: THE_CHAIR,
      call: () => ({ url: `${judgingPanel()}/entries/${ids.draftEntry}/flag/settle`, payload: { action: 'accepted', note: 'Chấp nhận' } }),
      allowed: [422],
      body: 'json',
    },
    // Entries still lack confirmed scores: the chair gets past access and the panel stays open. Administrators are
    // no chair: the body-less check, made as administrator, answers 404.
    'POST /panels/:id/close': { rule: THE_CHAIR, call: () => ({ url: `${judgingPanel()}/close` }), allowed: [422, 404] },
    'POST /panels/:id/reopen': { rule: THE_CHAIR, call: () => ({ url: `${judgingPanel()}/reopen`, payload: { reason: 'Khiếu nại' } }), allowed: [422], body: 'json' },
  };
  Object.assign(ACCESS, JUDGING);

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

  /** One of `choices`, chosen by the route's place in the table: consecutive routes get consecutive choices. */
  function inTurn<T>(choices: T[], key: string): T {
    return choices[Object.keys(ACCESS).indexOf(key) % choices.length];
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

  // About seventy requests build the world every route is tried on: on a busy machine more than the default minute.
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
    const ksStages = (await admin().get(`/editions/${ids.ksEdition}`)).json().stages;
    [ids.ksSchoolStage, ids.ksDistrictStage] = [ksStages[0].id, ksStages[1].id];
    ids.entry = await registerEntry();
    ids.editedEntry = await registerEntry();
    ids.file = await attachFile(ids.entry);
    ids.spareUnit = await createUnit('ST-MT-02');

    const province = t.as('province@test.vn');
    const technical = await created(province.post('/contests', { kind: 'technical', name: 'Hội thi Sáng tạo Kỹ thuật tỉnh', unitId: unit('ST') }), 'the province contest');
    const provinceEditionView = await created(province.post(`/contests/${technical.id}/editions`, provinceEdition()), 'the province edition');
    ids.provinceStage = provinceEditionView.stages[0].id;
    await created(province.post(`/editions/${provinceEditionView.id}/state`, { state: 'registration' }), 'an open province registration');
    const technicalEntry = async (title: string) =>
      (
        await created(
          admin().post(`/editions/${provinceEditionView.id}/entries`, {
            unitId: unit('ST-KS-01'),
            title,
            fieldCode: 'CNTT',
            summary: 'Giải pháp kỹ thuật.',
            createdYear: 2020,
            contact: { name: 'Kỹ sư', email: 'ks@test.vn' },
            authors: [{ fullName: 'Lê Văn Kỹ' }],
          }),
          'a technical entry',
        )
      ).id as string;
    ids.draftEntry = await technicalEntry('Máy bóc vỏ dừa');
    const upload = pdf();
    ids.judgedFile = (await created(admin().post(`/entries/${ids.draftEntry}/dossier`, upload.payload, { headers: upload.headers }), 'a dossier file')).id;
    ids.confirmedEntry = await technicalEntry('Phần mềm quản lý kho');
    ids.panel = (
      await created(
        province.post(`/stages/${ids.provinceStage}/panels`, {
          unitId: unit('ST'),
          name: 'Hội đồng CNTT',
          fieldCodes: ['CNTT'],
          scoringOpensAt: new Date(Date.now() - DAY).toISOString(),
          scoringClosesAt: new Date(Date.now() + 30 * DAY).toISOString(),
        }),
        'a panel',
      )
    ).id;
    await created(province.post(`/panels/${ids.panel}/members`, { userId: userId('judge@test.vn'), role: 'judge' }), 'the judge');
    await created(province.post(`/panels/${ids.panel}/members`, { userId: userId('chair@test.vn'), role: 'chair' }), 'the chair');
    await created(province.post(`/panels/${ids.panel}/assignment`), 'an assignment');
    const judge = t.as('judge@test.vn');
    const sheet = `/panels/${ids.panel}/entries/${ids.confirmedEntry}/sheet`;
    const draft = await created(judge.put(sheet, { version: 1, points: { novelty: 40, effect: 45 } }), 'a draft');
    await created(judge.post(`${sheet}/confirm`, { version: draft.version }), 'a confirmed sheet');
    ids.secondJudge = await judgeAt('ST');
    await created(province.post(`/panels/${ids.panel}/members`, { userId: ids.secondJudge, role: 'judge' }), 'a second judge');
    // A provisional prize list of the district whose objection window is over (published lists are made by results.e2e).
    const [list] = await t.db.source.query('INSERT INTO prize_lists (stage_id, unit_id, unit_path) VALUES ($1, $2, $3) RETURNING id', [ids.ksDistrictStage, unit('ST-KS'), unitPath('ST-KS')]);
    await t.db.source.query(
      `INSERT INTO prize_list_versions (prize_list_id, version, phase, objection_ends_at, published_by, levels) VALUES ($1, 1, 'provisional', now() - interval '1 day', $2, '[]')`,
      [list.id, userId('admin@test.vn')],
    );
    ids.prizeList = list.id;
    const mail = await t.app.get(DevMailbox).store(Buffer.from('From: a@test.vn\r\nTo: b@test.vn\r\nSubject: Thử\r\n\r\nXin chào\r\n'), ['b@test.vn']);
    ids.mail = mail.id;
    [{ id: ids.delivery }] = await t.db.source.query(
      `INSERT INTO mail_deliveries (outbox_id, event_key, recipient, kind, status, sent_at)
       SELECT id, event_key, payload->>'to', payload->>'kind', 'sent', now() FROM outbox LIMIT 1 RETURNING id`,
    );
  }, 180_000);

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
      // The guard reads the token before any route: every route is tried without one, and with one forged token,
      // each route a different one in turn, so that every kind of forgery meets a dozen routes of every area.
      const [forgery, header] = inTurn(Object.entries(forged), key);
      const outsiders: Array<[string, string | undefined]> = [
        ['anonymous', undefined],
        [`forged token (${forgery})`, header],
      ];
      // Side by side: the guard stops them all before anything changes (and the public routes change nothing).
      problems.push(...(await Promise.all(outsiders.map(([name, header]) => attempt(key, name, header, outsider)))));
      // Refused callers leave no change behind: the audit trail records every write (rows about access itself,
      // such as the refusals h/auth audits, are not changes).
      const changes: Array<{ actor_id: string; action: string }> = await t.db.source.query("SELECT actor_id, action FROM audit_log WHERE id > $1 AND action NOT LIKE 'auth.%'", [last]);
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
      // Callers the role check refuses get 403 whatever the id: the matrix above proves that for every route.
      const admitted = callers.filter((caller) => verdict(route.rule, caller, unitPath) !== 403);
      for (const { name, call } of variants(key, await route.call())) {
        for (const caller of admitted) problems.push(await attempt(key, `${caller.name}, ${name}`, tokens.get(caller.email), 404, call));
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
      expect(refused.json().details.problems).toEqual([expect.objectContaining({ field: 'unitId', reason: expect.stringContaining('root') })]);
      expect((await admin().post(`/users/${user}/grants`, { role: 'admin', unitId: unit('VN') })).statusCode).toBe(201);
    });
  });

  describe('correctly signed tokens with claims the app does not issue', () => {
    const NAMES = ['without an expiry', 'whose subject is not a user id', 'whose subject is a number'];
    // As with forged tokens, each protected route is tried with one of these in turn: a third of the routes each.
    it.each(NAMES)('refuses a correctly signed token %s on its share of the protected routes (401)', async (name) => {
      const problems: Array<string | null> = [];
      for (const key of Object.keys(ACCESS).filter((k) => !('public' in ACCESS[k].rule) && inTurn(NAMES, k) === name)) problems.push(await attempt(key, `token ${name}`, gaps[name], 401));
      failIfAny(problems, name);
    });
  });
});
