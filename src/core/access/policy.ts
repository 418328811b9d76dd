import type { Grant, Role } from '../auth/actor';

/**
 * Who may do what, in one table. A route names the permission it needs (`@Requires(Permission.X)`); a
 * service asks the access service for the same permission and gets back which objects it may touch. Both
 * read this file, so the route list, the OpenAPI text and the SQL conditions cannot disagree.
 *
 * A permission is granted through kinds of access, each held by some roles:
 * - `everywhere`: every object (administrators);
 * - `subtree`:    objects whose unit lies at or under the unit of the grant (an organiser's area);
 * - `ownUnit`:    objects of the grant's own unit only (a school or an organisation account);
 * - `alongPath`:  objects owned at the grant's unit or any unit above it (a school sees its district's and
 *                 province's contests);
 * - `self`:       the caller's own account; any signed-in user holds it, even one without grants;
 * - `assigned`:   objects the caller is assigned to: a seat on a panel, an entry through an active score
 *                 sheet. Only judging's tables can answer it, so judging/judging-access.ts does; a unit path
 *                 alone never reaches such an object (here it matches nothing).
 *
 * Published prize lists need no access at all: their routes are public (results.controller.ts) and show only
 * what was published.
 *
 * To add a kind: give it to the roles that hold it in POLICY, then say what it reaches where objects are matched,
 * in `kindCondition` (SQL, for lists and lookups) and in `kindReaches` (a unit path in memory). A kind that needs
 * more than a unit path reads the columns it needs from `AccessTarget`, which the repository fills in for its
 * table, or is answered by the domain whose tables hold it, as `assigned` is.
 */
export enum Permission {
  AccountSelf = 'account.self',
  UserManage = 'user.manage',
  UnitRead = 'unit.read',
  UnitManage = 'unit.manage',
  ContestRead = 'contest.read',
  ContestManage = 'contest.manage',
  EditionRead = 'edition.read',
  EditionManage = 'edition.manage',
  /** Register entries into an edition: the edition lies along the path of a unit the caller registers for. */
  EditionRegister = 'edition.register',
  EntryRead = 'entry.read',
  EntryCreate = 'entry.create',
  EntryUpdate = 'entry.update',
  /** Record a past season's entries into an edition whose registration is over: organisers, for their area. */
  EntryRecordPast = 'entry.record-past',
  DossierRead = 'dossier.read',
  DossierWrite = 'dossier.write',
  AuditRead = 'audit.read',
  DevMailboxRead = 'dev-mailbox.read',
  /** Prize lists (preview, publish, correct, finalise), pick windows, selections and season reports: organisers of the unit. */
  ResultManage = 'result.manage',
  /** Send entries up to the next stage: organisers of the stage's unit; a school for its own unjudged first stage. */
  EntryAdvance = 'entry.advance',
  /** Preview mail templates, list failed deliveries and send them again. */
  MailAdmin = 'mail.admin',
  /** Form panels, seat and unseat members, record conflicts, assign: organisers of the panel's unit. */
  PanelManage = 'panel.manage',
  /** See a panel: its organisers and the people sitting on it. */
  PanelRead = 'panel.read',
  /** Follow a panel's progress and read its scores before it closes: its organisers and its chair. */
  PanelOversee = 'panel.oversee',
  /** Settle flags, reopen sheets, close and reopen the panel: its chair. */
  PanelChair = 'panel.chair',
  /** Score the entries assigned to oneself: the panel's judges. */
  ScoreWrite = 'score.write',
}

export const ACCESS_KINDS = ['everywhere', 'subtree', 'ownUnit', 'alongPath', 'self', 'assigned'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** Who holds a permission: by role (through a grant at a unit), and for `self`, any signed-in user. */
export interface PermissionRule {
  roles: Partial<Record<Role, readonly AccessKind[]>>;
  /** Kinds every signed-in user holds, grants or not. */
  signedIn?: readonly AccessKind[];
}

const ADMIN = { admin: ['everywhere'] } as const;
const SCHOOLS = (kinds: readonly AccessKind[]) => ({ school: kinds, organisation: kinds });

export const POLICY: Record<Permission, PermissionRule> = {
  [Permission.AccountSelf]: { roles: {}, signedIn: ['self'] },
  [Permission.UserManage]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.UnitRead]: { roles: { ...ADMIN, organiser: ['subtree'], judge: ['subtree'], chair: ['subtree'], ...SCHOOLS(['ownUnit']) } },
  [Permission.UnitManage]: { roles: { ...ADMIN } },
  [Permission.ContestRead]: { roles: { ...ADMIN, organiser: ['subtree', 'alongPath'], judge: ['subtree', 'alongPath'], chair: ['subtree', 'alongPath'], ...SCHOOLS(['alongPath']) } },
  [Permission.ContestManage]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.EditionRead]: { roles: { ...ADMIN, organiser: ['subtree', 'alongPath'], judge: ['subtree', 'alongPath'], chair: ['subtree', 'alongPath'], ...SCHOOLS(['alongPath']) } },
  [Permission.EditionManage]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.EditionRegister]: { roles: { ...ADMIN, organiser: ['subtree', 'alongPath'], ...SCHOOLS(['alongPath']) } },
  [Permission.EntryRead]: { roles: { ...ADMIN, organiser: ['subtree'], ...SCHOOLS(['ownUnit']), judge: ['assigned'], chair: ['assigned'] } },
  [Permission.EntryCreate]: { roles: { ...ADMIN, organiser: ['subtree'], ...SCHOOLS(['ownUnit']) } },
  [Permission.EntryUpdate]: { roles: { ...ADMIN, organiser: ['subtree'], ...SCHOOLS(['ownUnit']) } },
  [Permission.EntryRecordPast]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.DossierRead]: { roles: { ...ADMIN, organiser: ['subtree'], ...SCHOOLS(['ownUnit']), judge: ['assigned'], chair: ['assigned'] } },
  [Permission.DossierWrite]: { roles: { ...ADMIN, organiser: ['subtree'], ...SCHOOLS(['ownUnit']) } },
  [Permission.AuditRead]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.DevMailboxRead]: { roles: { ...ADMIN } },
  [Permission.MailAdmin]: { roles: { ...ADMIN } },
  [Permission.ResultManage]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.EntryAdvance]: { roles: { ...ADMIN, organiser: ['subtree'], ...SCHOOLS(['ownUnit']) } },
  // Sitting on a panel, not the role of a grant, is what opens it: `assigned` is the seat (judging/judging-access.ts).
  [Permission.PanelManage]: { roles: { ...ADMIN, organiser: ['subtree'] } },
  [Permission.PanelRead]: { roles: { ...ADMIN, organiser: ['subtree'] }, signedIn: ['assigned'] },
  [Permission.PanelOversee]: { roles: { ...ADMIN, organiser: ['subtree'] }, signedIn: ['assigned'] },
  [Permission.PanelChair]: { roles: {}, signedIn: ['assigned'] },
  [Permission.ScoreWrite]: { roles: {}, signedIn: ['assigned'] },
};

/** One kind of access an actor holds for a permission, anchored at the unit of the grant that gives it. */
export interface Reach {
  kind: AccessKind;
  /** The materialised path of the grant's unit ('' for kinds not tied to a unit). */
  unitPath: string;
  /** The unit of the grant; null for kinds not tied to a unit. */
  unitId: string | null;
}

/** The reaches an actor with `grants` holds for `permission`; empty when none of their grants gives it. */
export function reachesFor(grants: readonly Grant[], permission: Permission): Reach[] {
  const rule = POLICY[permission];
  const out: Reach[] = (rule.signedIn ?? []).map((kind) => ({ kind, unitPath: '', unitId: null }));
  for (const grant of grants) {
    for (const kind of rule.roles[grant.role] ?? []) {
      out.push(kind === 'everywhere' ? { kind, unitPath: '', unitId: null } : { kind, unitPath: grant.unitPath, unitId: grant.unitId });
    }
  }
  return out;
}

/** Whether some grant of the actor could satisfy the permission: the route check, before any object is known. */
export function mayCall(grants: readonly Grant[], permission: Permission): boolean {
  return reachesFor(grants, permission).length > 0;
}

/** The units the actor holds `permission` at as their own (a school or organisation account's unit). */
export function ownUnitIds(grants: readonly Grant[], permission: Permission): string[] {
  return [...new Set(reachesFor(grants, permission).flatMap((r) => (r.kind === 'ownUnit' && r.unitId ? [r.unitId] : [])))];
}

/** Whether the actor holds `permission` on every object (an administrator). */
export function holdsEverywhere(grants: readonly Grant[], permission: Permission): boolean {
  return reachesFor(grants, permission).some((r) => r.kind === 'everywhere');
}

/** Whether the actor holds `permission` beyond units of their own (an organiser's area, everywhere): they name the unit they act for. */
export function reachesBeyondOwnUnit(grants: readonly Grant[], permission: Permission): boolean {
  return reachesFor(grants, permission).some((r) => r.kind !== 'ownUnit');
}

/** Whether one reach covers an object of the unit at `objectPath` (a materialised path, '/a/b/'). */
export function kindReaches(reach: Reach, objectPath: string): boolean {
  switch (reach.kind) {
    case 'everywhere':
      return true;
    case 'subtree':
      return objectPath.startsWith(reach.unitPath);
    case 'ownUnit':
      return objectPath === reach.unitPath;
    case 'alongPath':
      return reach.unitPath.startsWith(objectPath);
    // Not tied to a unit: `self` is about the caller's account, `assigned` is judging's to answer.
    case 'self':
    case 'assigned':
      return false;
  }
}

/** Whether the actor may act, under `permission`, on an object of the unit at `objectPath`. */
export function reaches(grants: readonly Grant[], permission: Permission, objectPath: string): boolean {
  return reachesFor(grants, permission).some((reach) => kindReaches(reach, objectPath));
}

/** A parameterised SQL condition: text with `:name` placeholders, and the values. */
export type Condition = [string, Record<string, unknown>];

/** The columns of the row being matched that kinds look at. */
export interface AccessTarget {
  /** Materialised path of the object's unit, e.g. `e.unit_path` or `u.path`. */
  path: string;
}

const ids = (path: string) => path.split('/').filter(Boolean);

/** The SQL condition one reach puts on `target`; `name` keeps its parameters apart from the others'. */
export function kindCondition(reach: Reach, target: AccessTarget, name: string): Condition {
  switch (reach.kind) {
    case 'everywhere':
      return ['TRUE', {}];
    // Paths hold only ids and slashes, so they are safe LIKE prefixes and the text_pattern_ops indexes serve them.
    case 'subtree':
      return [`${target.path} LIKE :${name}`, { [name]: `${reach.unitPath}%` }];
    case 'ownUnit':
      return [`${target.path} = :${name}`, { [name]: reach.unitPath }];
    // The ancestors are the prefixes the grant's path spells out: a list of constants, one index probe each.
    case 'alongPath': {
      const prefixes = ids(reach.unitPath).map((_, i, all) => `/${all.slice(0, i + 1).join('/')}/`);
      return prefixes.length ? [`${target.path} IN (:...${name})`, { [name]: prefixes }] : ['FALSE', {}];
    }
    case 'self':
    case 'assigned':
      return ['FALSE', {}];
  }
}

/**
 * When the rows `accessCondition` keeps under `permission` lie in one range of a unit path index (every row, one
 * subtree or one unit): the path prefix they all begin with ('' for every row). Null when they lie in several
 * ranges (several reaches, an OR; a unit's ancestors, an IN list) or none. A list walks one range in order; several
 * are sought in the index instead, which skips the rows between them.
 */
export function oneRangeOf(grants: readonly Grant[], permission: Permission): string | null {
  const reaches = reachesFor(grants, permission);
  if (reaches.some((r) => r.kind === 'everywhere')) return '';
  const byPath = reaches.filter((r) => r.kind !== 'self' && r.kind !== 'assigned');
  return byPath.length === 1 && byPath[0].kind !== 'alongPath' ? byPath[0].unitPath : null;
}

/**
 * The condition keeping the rows the actor may act on under `permission`: the union of what each of their
 * reaches covers. No reach: no rows.
 */
export function accessCondition(grants: readonly Grant[], permission: Permission, target: AccessTarget, prefix = 'access'): Condition {
  const reaches = reachesFor(grants, permission);
  if (reaches.some((r) => r.kind === 'everywhere')) return ['TRUE', {}];
  const parts = reaches.map((reach, i) => kindCondition(reach, target, `${prefix}${i}`)).filter(([sql]) => sql !== 'FALSE');
  if (parts.length === 0) return ['FALSE', {}];
  return [`(${parts.map(([sql]) => sql).join(' OR ')})`, Object.assign({}, ...parts.map(([, params]) => params))];
}

const ROLE_NAMES: Record<Role, string> = {
  admin: 'quản trị',
  organiser: 'ban tổ chức',
  school: 'tài khoản trường',
  organisation: 'tài khoản tổ chức',
  judge: 'giám khảo',
  chair: 'chủ tịch hội đồng',
};

const KIND_NAMES: Record<AccessKind, string> = {
  everywhere: 'mọi nơi',
  subtree: 'trong đơn vị của mình và các đơn vị trực thuộc',
  ownUnit: 'của chính đơn vị mình',
  alongPath: 'của đơn vị mình hoặc cấp trên',
  self: 'về chính tài khoản mình',
  assigned: 'được phân công (khi có phân công chấm)',
};

/** Who may call a route needing `permission`, in Vietnamese, for the OpenAPI document: "Ai được gọi: …". */
export function describePermission(permission: Permission): string {
  const rule = POLICY[permission];
  const parts: string[] = [];
  if (rule.signedIn?.length) parts.push(`mọi người đã đăng nhập (${rule.signedIn.map((k) => KIND_NAMES[k]).join(', ')})`);
  const byKinds = new Map<string, Role[]>();
  for (const [role, kinds] of Object.entries(rule.roles) as Array<[Role, readonly AccessKind[]]>) {
    const key = kinds.join(',');
    byKinds.set(key, [...(byKinds.get(key) ?? []), role]);
  }
  for (const [key, roles] of byKinds) {
    const kinds = key.split(',') as AccessKind[];
    const who = roles.map((r) => ROLE_NAMES[r]).join(', ');
    parts.push(kinds.includes('everywhere') ? who : `${who} (${kinds.map((k) => KIND_NAMES[k]).join('; ')})`);
  }
  return `Ai được gọi: ${parts.join('; ')}. [${permission}]`;
}
