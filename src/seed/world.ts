import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { hashPassword } from '../accounts/passwords';
import { RoleGrant, User } from '../accounts/user.entity';
import { Contest, Edition, EditionField, RubricCriterionRow, Stage } from '../contests/contest.entity';
import type { EditionState } from '../contests/edition-lifecycle';
import type { ContestKind, EditionDefinition } from '../contests/edition.types';
import type { Role } from '../core/auth/actor';
import { searchKey } from '../core/text';
import { EntriesRepository } from '../entries/entries.repository';
import type { EntryDraft } from '../entries/entry-draft';
import { firstStagePlacements } from '../entries/entry-registration';
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
  /** Entries already registered, written like every registration (EntriesRepository.insertMany), without mail. */
  entries?: EntrySpec[];
}

/** An entry of a world: its edition (`<contest name>#<edition number>`), its school's code and what the school filled in. */
export interface EntrySpec {
  edition: string;
  school: string;
  reference: string;
  field: string;
  title?: string;
  summary?: string;
  contactEmail?: string;
  authors?: EntryDraft['authors'];
}

export interface World {
  units: Map<string, Unit>;
  users: Map<string, User>;
  contests: Map<string, Contest>;
  /** Keyed `<contest name>#<edition number>`. */
  editions: Map<string, { edition: Edition; fields: Map<string, EditionField>; stages: Stage[] }>;
  /** Entry ids by `<school code>/<reference>`. */
  entries: Map<string, string>;
}

export async function seedWorld(manager: EntityManager, spec: WorldSpec): Promise<World> {
  await manager.insert(
    UnitLevel,
    spec.levels.map((l) => ({ ...l, isLeaf: l.isLeaf ?? false })),
  );
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
      await manager.insert(
        RubricCriterionRow,
        rubric.map((r, i) => ({ editionId: edition.id, position: i + 1, ...r })),
      );
      const stageRows = stages.map((s, i) => manager.create(Stage, { id: randomUUID(), editionId: edition.id, position: i + 1, ...s }));
      await manager.insert(Stage, stageRows);
      editions.set(`${c.name}#${e.number}`, { edition, fields: new Map(fieldRows.map((f) => [f.code, f])), stages: stageRows });
    }
  }
  const world = { units, users, contests, editions, entries: new Map<string, string>() };
  if (spec.entries?.length) world.entries = await seedEntries(manager, world, spec.entries);
  return world;
}

/**
 * Registers entries of a seeded world in their editions' first stage through the app's write path, with no mail
 * and no actor. Returns entry ids by `<school code>/<reference>`.
 */
export async function seedEntries(manager: EntityManager, world: Pick<World, 'units' | 'editions'>, specs: EntrySpec[]): Promise<Map<string, string>> {
  const rows = specs.map((spec) => {
    const edition = world.editions.get(spec.edition);
    const school = world.units.get(spec.school);
    if (!edition || !school) throw new Error(`Entry ${spec.reference}: no edition ${spec.edition} or school ${spec.school} in the world`);
    const field = edition.fields.get(spec.field);
    if (!field) throw new Error(`Entry ${spec.reference}: no field ${spec.field} in ${spec.edition}`);
    const draft: EntryDraft = {
      reference: spec.reference,
      title: spec.title ?? `Sản phẩm ${spec.reference}`,
      fieldCode: field.code,
      summary: spec.summary ?? 'Mô hình do học sinh tự thiết kế và chế tạo.',
      contactName: 'Giáo viên hướng dẫn',
      contactEmail: spec.contactEmail ?? `gv.${school.code.toLowerCase()}@example.vn`,
      contactPhone: null,
      createdYear: null,
      authors: spec.authors ?? [{ fullName: 'Nguyễn Văn An', birthDate: '2008-05-20', classOrJob: 'Lớp 8A' }],
    };
    return { id: randomUUID(), edition: edition.edition, fieldId: field.id, school, draft };
  });
  const byEdition = new Map<string, typeof rows>();
  for (const row of rows) byEdition.set(row.edition.id, [...(byEdition.get(row.edition.id) ?? []), row]);
  for (const [editionId, inEdition] of byEdition) {
    const placements = await firstStagePlacements(
      manager,
      editionId,
      inEdition.map((r) => r.school.path),
    );
    await new EntriesRepository().insertMany(
      manager,
      inEdition.map((r) => {
        const placement = placements.get(r.school.path)!;
        return { id: r.id, editionId, unitId: r.school.id, unitPath: r.school.path, fieldId: r.fieldId, draft: r.draft, stageId: placement.stageId, stageUnitId: placement.unitId, createdBy: null };
      }),
    );
  }
  return new Map(rows.map((r) => [`${r.school.code}/${r.draft.reference}`, r.id]));
}
