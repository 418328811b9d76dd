import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { hashPassword } from '../accounts/passwords';
import { RoleGrant, User } from '../accounts/user.entity';
import { Contest, Edition, EditionField, RubricCriterionRow, Stage } from '../contests/contest.entity';
import type { EditionState } from '../contests/edition-lifecycle';
import type { ContestKind, EditionDefinition } from '../contests/edition.types';
import type { Role } from '../core/auth/actor';
import { searchKey } from '../core/text';
import { Unit, UnitLevel } from '../units/unit.entity';

/** A whole world described as data: the demo season and the test fixtures are both built from one. */
export interface WorldSpec {
  levels: Array<{ code: string; name: string; rank: number; isLeaf?: boolean }>;
  units: Array<{ code: string; name: string; level: string; parent?: string }>;
  users: Array<{ email: string; fullName: string; password: string; grants: Array<{ role: Role; unit: string }> }>;
  contests: Array<{
    kind: ContestKind;
    name: string;
    unit: string;
    /** State defaults to registration: a world is seeded to be used. */
    editions: Array<EditionDefinition & { unit: string; state?: EditionState }>;
  }>;
}

export interface World {
  units: Map<string, Unit>;
  users: Map<string, User>;
  contests: Map<string, Contest>;
  /** Keyed `<contest name>#<edition number>`. */
  editions: Map<string, { edition: Edition; fields: Map<string, EditionField>; stages: Stage[] }>;
}

export async function seedWorld(manager: EntityManager, spec: WorldSpec): Promise<World> {
  await manager.insert(UnitLevel, spec.levels.map((l) => ({ ...l, isLeaf: l.isLeaf ?? false })));
  const units = new Map<string, Unit>();
  for (const u of spec.units) {
    const parent = u.parent ? units.get(u.parent) : undefined;
    if (u.parent && !parent) throw new Error(`Unit ${u.code}: parent ${u.parent} must come first`);
    const id = randomUUID();
    const unit = manager.create(Unit, {
      id,
      code: u.code,
      name: u.name,
      searchKey: searchKey(`${u.code} ${u.name}`),
      levelCode: u.level,
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
      retiredAt: null,
    });
    units.set(u.code, unit);
  }
  for (let i = 0; i < spec.units.length; i += 1000) await manager.insert(Unit, [...units.values()].slice(i, i + 1000));

  const users = new Map<string, User>();
  const hashes = new Map<string, string>();
  for (const u of spec.users) {
    if (!hashes.has(u.password)) hashes.set(u.password, await hashPassword(u.password));
    const user = manager.create(User, { id: randomUUID(), email: u.email, fullName: u.fullName, passwordHash: hashes.get(u.password)!, active: true });
    users.set(u.email, user);
  }
  if (users.size) await manager.insert(User, [...users.values()]);
  const grants = spec.users.flatMap((u) => u.grants.map((g) => ({ userId: users.get(u.email)!.id, role: g.role, unitId: units.get(g.unit)!.id })));
  if (grants.length) await manager.insert(RoleGrant, grants);

  const contests = new Map<string, Contest>();
  const editions: World['editions'] = new Map();
  for (const c of spec.contests) {
    const contest = manager.create(Contest, { id: randomUUID(), kind: c.kind, name: c.name, unitId: units.get(c.unit)!.id });
    await manager.insert(Contest, contest);
    contests.set(c.name, contest);
    for (const e of c.editions) {
      const { fields, rubric, stages, unit, ...rest } = e;
      const edition = manager.create(Edition, { id: randomUUID(), contestId: contest.id, unitId: units.get(unit)!.id, state: 'registration', ...rest, version: 1 });
      await manager.insert(Edition, edition);
      const fieldRows = fields.map((f, i) => manager.create(EditionField, { id: randomUUID(), editionId: edition.id, position: i + 1, ...f }));
      await manager.insert(EditionField, fieldRows);
      await manager.insert(RubricCriterionRow, rubric.map((r, i) => ({ editionId: edition.id, position: i + 1, ...r })));
      const stageRows = stages.map((s, i) => manager.create(Stage, { id: randomUUID(), editionId: edition.id, position: i + 1, ...s }));
      await manager.insert(Stage, stageRows);
      editions.set(`${c.name}#${e.number}`, { edition, fields: new Map(fieldRows.map((f) => [f.code, f])), stages: stageRows });
    }
  }
  return { units, users, contests, editions };
}
