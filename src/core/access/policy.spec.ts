import { ROLES, type Grant, type Role } from '../auth/actor';
import { accessCondition, describePermission, holdsEverywhere, mayCall, ownUnitIds, Permission, oneRangeOf, POLICY, reaches, reachesBeyondOwnUnit } from './policy';

/**
 * The policy written out a second time, as a table a reader checks line by line: for each permission, which
 * relations between the object's unit and the grant's unit each role reaches, and who may call its routes.
 * Both `reaches` (in memory) and `accessCondition` (SQL, evaluated here on the same paths) must agree with it.
 */
const RELATIONS = ['same', 'below', 'above', 'elsewhere'] as const;
type Relation = (typeof RELATIONS)[number];

const ALL: Relation[] = ['same', 'below', 'above', 'elsewhere'];
const AREA: Relation[] = ['same', 'below'];
const ALONG: Relation[] = ['same', 'below', 'above'];
const OWN_AND_ABOVE: Relation[] = ['same', 'above'];
const OWN: Relation[] = ['same'];

/** `calls`: roles the route check lets in (besides admin); `reach`: relations each role reaches. */
interface Expected {
  calls: Role[];
  reach: Partial<Record<Role, Relation[]>>;
  anyoneSignedIn?: boolean;
}

const SCHOOLS = ['school', 'organisation'] as const;
const both = (relations: Relation[]) => ({ school: relations, organisation: relations });

const EXPECTED: Record<Permission, Expected> = {
  [Permission.AccountSelf]: { calls: [...ROLES], reach: {}, anyoneSignedIn: true },
  [Permission.UserManage]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.UnitRead]: { calls: [...ROLES], reach: { admin: ALL, organiser: AREA, judge: AREA, chair: AREA, ...both(OWN) } },
  [Permission.UnitManage]: { calls: ['admin'], reach: { admin: ALL } },
  [Permission.ContestRead]: { calls: [...ROLES], reach: { admin: ALL, organiser: ALONG, judge: ALONG, chair: ALONG, ...both(OWN_AND_ABOVE) } },
  [Permission.ContestManage]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.EditionRead]: { calls: [...ROLES], reach: { admin: ALL, organiser: ALONG, judge: ALONG, chair: ALONG, ...both(OWN_AND_ABOVE) } },
  [Permission.EditionManage]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.EditionRegister]: { calls: ['admin', 'organiser', ...SCHOOLS], reach: { admin: ALL, organiser: ALONG, ...both(OWN_AND_ABOVE) } },
  // Judges and chairs reach the entry routes through `assigned`, which reaches nothing until judging assigns them.
  [Permission.EntryRead]: { calls: ['admin', 'organiser', ...SCHOOLS, 'judge', 'chair'], reach: { admin: ALL, organiser: AREA, ...both(OWN) } },
  [Permission.EntryCreate]: { calls: ['admin', 'organiser', ...SCHOOLS], reach: { admin: ALL, organiser: AREA, ...both(OWN) } },
  [Permission.EntryUpdate]: { calls: ['admin', 'organiser', ...SCHOOLS], reach: { admin: ALL, organiser: AREA, ...both(OWN) } },
  [Permission.EntryRecordPast]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.DossierRead]: { calls: ['admin', 'organiser', ...SCHOOLS, 'judge', 'chair'], reach: { admin: ALL, organiser: AREA, ...both(OWN) } },
  [Permission.DossierWrite]: { calls: ['admin', 'organiser', ...SCHOOLS], reach: { admin: ALL, organiser: AREA, ...both(OWN) } },
  [Permission.AuditRead]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.DevMailboxRead]: { calls: ['admin'], reach: { admin: ALL } },
  [Permission.MailAdmin]: { calls: ['admin'], reach: { admin: ALL } },
  [Permission.ResultManage]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.EntryAdvance]: { calls: ['admin', 'organiser', ...SCHOOLS], reach: { admin: ALL, organiser: AREA, ...both(OWN) } },
  // Panel seats (`assigned`) are matched by judging's own SQL; on unit paths alone only organisers reach panels.
  [Permission.PanelManage]: { calls: ['admin', 'organiser'], reach: { admin: ALL, organiser: AREA } },
  [Permission.PanelRead]: { calls: [...ROLES], reach: { admin: ALL, organiser: AREA }, anyoneSignedIn: true },
  [Permission.PanelOversee]: { calls: [...ROLES], reach: { admin: ALL, organiser: AREA }, anyoneSignedIn: true },
  [Permission.PanelChair]: { calls: [...ROLES], reach: {}, anyoneSignedIn: true },
  [Permission.ScoreWrite]: { calls: [...ROLES], reach: {}, anyoneSignedIn: true },
};

// A tree: country VN / province ST / districts KS and MT / school KS-01 under KS.
const PATH = { VN: '/vn/', ST: '/vn/st/', KS: '/vn/st/ks/', MT: '/vn/st/mt/', KS01: '/vn/st/ks/ks01/', MT01: '/vn/st/mt/mt01/' };

/** Where each role's grant sits, and an object's unit for each relation to it. */
const PLACES: Record<Role, { grant: string; objects: Record<Relation, string | null> }> = {
  admin: { grant: PATH.VN, objects: { same: PATH.VN, below: PATH.KS01, above: null, elsewhere: null } },
  organiser: { grant: PATH.KS, objects: { same: PATH.KS, below: PATH.KS01, above: PATH.ST, elsewhere: PATH.MT01 } },
  judge: { grant: PATH.KS, objects: { same: PATH.KS, below: PATH.KS01, above: PATH.ST, elsewhere: PATH.MT01 } },
  chair: { grant: PATH.KS, objects: { same: PATH.KS, below: PATH.KS01, above: PATH.ST, elsewhere: PATH.MT01 } },
  school: { grant: PATH.KS01, objects: { same: PATH.KS01, below: null, above: PATH.KS, elsewhere: PATH.MT01 } },
  organisation: { grant: PATH.KS01, objects: { same: PATH.KS01, below: null, above: PATH.ST, elsewhere: PATH.MT } },
};
// The admin's "elsewhere" and "above" do not exist below the root; everything there is "below".

const grantOf = (role: Role): Grant[] => [{ role, unitId: `unit-${role}`, unitPath: PLACES[role].grant }];

/** Evaluates, on one path, the SQL condition accessCondition writes: the three forms kinds produce, OR-ed. */
function holds([sql, params]: [string, Record<string, unknown>], path: string): boolean {
  if (sql === 'TRUE') return true;
  if (sql === 'FALSE') return false;
  return sql
    .replace(/^\(|\)$/g, '')
    .split(' OR ')
    .some((part) => {
      const like = /^p LIKE :(\w+)$/.exec(part);
      if (like) return path.startsWith(String(params[like[1]]).replace(/%$/, ''));
      const equal = /^p = :(\w+)$/.exec(part);
      if (equal) return path === params[equal[1]];
      const within = /^p IN \(:\.\.\.(\w+)\)$/.exec(part);
      if (within) return (params[within[1]] as string[]).includes(path);
      throw new Error(`unexpected condition ${part}`);
    });
}

const cases = Object.values(Permission).flatMap((permission) =>
  ROLES.flatMap((role) => RELATIONS.filter((relation) => PLACES[role].objects[relation] !== null).map((relation) => ({ permission, role, relation }))),
);

describe('access policy', () => {
  it('has a row for every permission, in the table and in this test', () => {
    expect(Object.keys(POLICY).sort()).toEqual(Object.values(Permission).sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(Permission).sort());
  });

  it.each(Object.values(Permission).flatMap((permission) => ROLES.map((role) => ({ permission, role }))))('$permission: $role may call its routes as the table says', ({ permission, role }) => {
    expect(mayCall(grantOf(role), permission)).toBe(EXPECTED[permission].calls.includes(role));
  });

  it.each(Object.values(Permission))('%s: a signed-in user without grants calls it only if it is about themselves', (permission) => {
    expect(mayCall([], permission)).toBe(EXPECTED[permission].anyoneSignedIn === true);
  });

  it.each(cases)('$permission: $role reaches an object $relation its grant as the table says, in memory and in SQL', ({ permission, role, relation }) => {
    const path = PLACES[role].objects[relation]!;
    const expected = (EXPECTED[permission].reach[role] ?? []).includes(relation);
    expect(reaches(grantOf(role), permission, path)).toBe(expected);
    expect(holds(accessCondition(grantOf(role), permission, { path: 'p' }), path)).toBe(expected);
  });

  it('reaches the union of several grants, each with its own kinds', () => {
    const grants: Grant[] = [
      { role: 'school', unitId: 'ks01', unitPath: PATH.KS01 },
      { role: 'organiser', unitId: 'mt', unitPath: PATH.MT },
    ];
    expect(reaches(grants, Permission.EntryRead, PATH.KS01)).toBe(true);
    expect(reaches(grants, Permission.EntryRead, PATH.MT01)).toBe(true);
    expect(reaches(grants, Permission.EntryRead, PATH.KS)).toBe(false);
    const [sql, params] = accessCondition(grants, Permission.EntryRead, { path: 'e.unit_path' });
    expect(sql).toBe('(e.unit_path = :access0 OR e.unit_path LIKE :access1)');
    expect(params).toEqual({ access0: PATH.KS01, access1: `${PATH.MT}%` });
  });

  it.each(Object.values(Permission).flatMap((permission) => ROLES.map((role) => ({ permission, role }))))(
    '$permission: $role is one range of the path index exactly when the SQL is one condition with no OR or IN',
    ({ permission, role }) => {
      const [sql] = accessCondition(grantOf(role), permission, { path: 'e.unit_path' });
      expect(oneRangeOf(grantOf(role), permission) !== null).toBe(sql !== 'FALSE' && !/\b(OR|IN)\b/.test(sql));
    },
  );

  it('is one range for an administrator (every path), an organiser (their subtree) or a school (its own unit) alone, and not for several grants, ancestors or seats', () => {
    expect(oneRangeOf(grantOf('admin'), Permission.EntryRead)).toBe('');
    expect(oneRangeOf(grantOf('organiser'), Permission.EntryRead)).toBe(PATH.KS);
    expect(oneRangeOf(grantOf('school'), Permission.EntryRead)).toBe(PATH.KS01);
    const schoolAndOrganiser: Grant[] = [
      { role: 'school', unitId: 'ks01', unitPath: PATH.KS01 },
      { role: 'organiser', unitId: 'mt', unitPath: PATH.MT },
    ];
    expect(oneRangeOf(schoolAndOrganiser, Permission.EntryRead)).toBeNull();
    expect(oneRangeOf(grantOf('school'), Permission.ContestRead)).toBeNull();
    expect(oneRangeOf(grantOf('judge'), Permission.EntryRead)).toBeNull();
    expect(oneRangeOf([], Permission.EntryRead)).toBeNull();
  });

  it('keeps values out of the SQL text: paths travel as parameters', () => {
    const hostile: Grant[] = [{ role: 'organiser', unitId: 'x', unitPath: "/vn/'; DROP TABLE units; --/" }];
    for (const permission of Object.values(Permission)) {
      const [sql] = accessCondition(hostile, permission, { path: 'u.path' });
      expect(sql).not.toContain('DROP');
    }
  });

  it('reaches nothing through kinds not wired yet, and says so in SQL as FALSE', () => {
    expect(accessCondition(grantOf('judge'), Permission.EntryRead, { path: 'e.unit_path' })).toEqual(['FALSE', {}]);
    expect(accessCondition([], Permission.EntryRead, { path: 'e.unit_path' })).toEqual(['FALSE', {}]);
    expect(accessCondition(grantOf('admin'), Permission.EntryRead, { path: 'e.unit_path' })).toEqual(['TRUE', {}]);
  });

  it('tells who acts for their own unit and who names the unit they act for', () => {
    expect(ownUnitIds(grantOf('school'), Permission.EntryCreate)).toEqual(['unit-school']);
    expect(ownUnitIds(grantOf('organisation'), Permission.EntryCreate)).toEqual(['unit-organisation']);
    expect(ownUnitIds(grantOf('organiser'), Permission.EntryCreate)).toEqual([]);
    expect(reachesBeyondOwnUnit(grantOf('school'), Permission.EntryCreate)).toBe(false);
    expect(reachesBeyondOwnUnit(grantOf('organiser'), Permission.EntryCreate)).toBe(true);
    expect(holdsEverywhere(grantOf('admin'), Permission.UserManage)).toBe(true);
    expect(holdsEverywhere(grantOf('organiser'), Permission.UserManage)).toBe(false);
  });

  it('describes who may call each permission in Vietnamese, from the table', () => {
    expect(describePermission(Permission.UserManage)).toBe('Ai được gọi: quản trị; ban tổ chức (trong đơn vị của mình và các đơn vị trực thuộc). [user.manage]');
    expect(describePermission(Permission.AccountSelf)).toContain('mọi người đã đăng nhập');
    for (const permission of Object.values(Permission)) expect(describePermission(permission)).toMatch(/^Ai được gọi: .+\.( \[[a-z.-]+\])$/);
  });
});
