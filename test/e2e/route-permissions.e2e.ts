import type { RouteOptions } from 'fastify';
import { mayCall, Permission } from '../../src/core/access/policy';
import { RouteAccess, routeAccessTable } from '../../src/core/access/route-table';
import type { Grant, Role } from '../../src/core/auth/actor';
import { PASSWORD, smallWorld } from '../support/fixtures';
import { routeKeys } from '../support/route-access';
import { TestApp } from '../support/test-app';

/**
 * Every route the controllers declare, called by every kind of caller, answers as the policy table says: a
 * route needs a permission (or is public), the guard lets in exactly the callers one of whose grants could
 * give it (401 without a login, 403 otherwise), and a new route without @Requires or @Public fails here.
 * Calls carry random ids and no body, so they change nothing: what lies behind the guard answers 400/404/422.
 */
const CALLERS: Array<{ name: string; email: string | null; role: Role | null; unit: string | null }> = [
  { name: 'admin', email: 'admin@test.vn', role: 'admin', unit: 'VN' },
  { name: 'organiser at the province', email: 'province@test.vn', role: 'organiser', unit: 'ST' },
  { name: 'organiser at a district', email: 'ks@test.vn', role: 'organiser', unit: 'ST-KS' },
  { name: 'school', email: 'school1@test.vn', role: 'school', unit: 'ST-KS-01' },
  { name: 'organisation', email: 'company@test.vn', role: 'organisation', unit: 'ST-CTY' },
  { name: 'judge', email: 'judge@test.vn', role: 'judge', unit: 'ST' },
  { name: 'chair', email: 'chair@test.vn', role: 'chair', unit: 'ST' },
  { name: 'anonymous', email: null, role: null, unit: null },
];

const RANDOM_ID = '5f0c7c1e-2b8a-4d52-9a61-0c3e4b1d7a90';

function world() {
  const spec = smallWorld();
  spec.levels.push({ code: 'organisation', name: 'Doanh nghiệp, tổ chức', rank: 3, isLeaf: true });
  spec.units.push({ code: 'ST-CTY', name: 'Công ty Mía đường Sóc Trăng', level: 'organisation', parent: 'ST' });
  spec.users.push(
    { email: 'company@test.vn', fullName: 'Công ty Mía đường', password: PASSWORD, grants: [{ role: 'organisation', unit: 'ST-CTY' }] },
    { email: 'chair@test.vn', fullName: 'Chủ tịch hội đồng', password: PASSWORD, grants: [{ role: 'chair', unit: 'ST' }] },
  );
  return spec;
}

/** What the policy answers a caller at the route, before any object is looked at. */
function expected(route: RouteAccess, caller: (typeof CALLERS)[number], grants: Grant[]): 'through' | 401 | 403 {
  if ('public' in route.access) return 'through';
  if (!caller.email) return 401;
  if ('undeclared' in route.access) return 403;
  return mayCall(grants, route.access.permission) ? 'through' : 403;
}

describe('route permissions (e2e)', () => {
  let t: TestApp;
  let table: RouteAccess[];
  const registered: RouteOptions[] = [];
  const grantsOf = new Map<string, Grant[]>();

  beforeAll(async () => {
    t = await TestApp.start({ spec: world(), workers: false, env: { LOGIN_RATE_LIMIT: '10000' }, onRoute: (route) => registered.push(route) });
    table = routeAccessTable(t.app);
    for (const caller of CALLERS) {
      if (!caller.email) continue;
      const unit = t.world.units.get(caller.unit!)!;
      grantsOf.set(caller.email, [{ role: caller.role!, unitId: unit.id, unitPath: unit.path }]);
    }
  });
  afterAll(() => t?.stop());

  it('lists every route of the app, and every one declares @Requires or @Public', () => {
    const declared = new Set(table.map((r) => `${r.method} ${r.path}`));
    // Swagger's own routes (/docs…) are registered by the document module, not by a controller.
    const missing = routeKeys(registered).filter((key) => !key.includes(' /docs') && !declared.has(key));
    expect(missing).toEqual([]);
    expect(table.filter((r) => 'undeclared' in r.access).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`)).toEqual([]);
    expect(table.length).toBeGreaterThan(40);
  });

  it('names, in the OpenAPI document, who may call each operation, from its permission', async () => {
    const document = (await t.request('GET', '/docs-json')).json();
    const problems: string[] = [];
    for (const route of table) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!operation?.description?.includes('Ai được gọi:')) problems.push(`${route.method} ${route.path}`);
      else if ('permission' in route.access && !operation.description.includes(`[${route.access.permission}]`)) problems.push(`${route.method} ${route.path}: wrong permission`);
    }
    expect(problems).toEqual([]);
    expect(document.paths['/users'].get.description).toContain('Ai được gọi: quản trị; ban tổ chức (trong đơn vị của mình và các đơn vị trực thuộc)');
  });

  it.each(CALLERS.map((c) => c.name))('answers %s on every route as the policy says', async (name) => {
    const caller = CALLERS.find((c) => c.name === name)!;
    const problems: string[] = [];
    // Logging out ends the caller's session: it goes last.
    const routes = [...table].sort((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));
    for (const route of routes) {
      const url = route.path.replace(/:\w+/g, RANDOM_ID);
      const headers = caller.email ? { authorization: `Bearer ${await t.token(caller.email)}` } : undefined;
      const response = await t.request(route.method as 'GET', url, { headers });
      const want = expected(route, caller, caller.email ? grantsOf.get(caller.email)! : []);
      const got = response.statusCode === 401 || response.statusCode === 403 ? response.statusCode : response.statusCode >= 500 ? 'error' : 'through';
      if (got !== want) problems.push(`${route.method} ${route.path}: expected ${want}, got ${response.statusCode} ${response.body.slice(0, 120)}`);
    }
    t.forgetTokens();
    expect(problems).toEqual([]);
  });

  it('lets judges and chairs reach the entry routes through `assigned`, which shows them nothing until judging assigns them', async () => {
    for (const email of ['judge@test.vn', 'chair@test.vn']) {
      expect(mayCall(grantsOf.get(email)!, Permission.EntryRead)).toBe(true);
      const list = await t.as(email).get('/entries');
      expect(list.statusCode).toBe(200);
      expect(list.json().total).toBe(0);
    }
  });
});
