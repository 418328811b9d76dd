import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Edition } from '../../src/contests/contest.entity';
import { EditionRepository } from '../../src/contests/edition.repository';
import { EntriesRepository } from '../../src/entries/entries.repository';
import { EntrySpec, seedEntries, seedWorld, World, WorldSpec } from '../../src/seed/world';
import { smallWorld, YOUTH_EDITION } from './fixtures';

const YOUTH_CONTEST = YOUTH_EDITION.split('#')[0];

/**
 * Test data built through the app's own write paths (seedWorld for units, accounts and editions;
 * EntriesRepository.insertMany for entries), not over HTTP: a test that needs entries makes its own and so
 * passes alone, whatever ran before it.
 */

/** A world (smallWorld unless told) in a fresh transaction of `source`. */
export function buildWorld(source: DataSource, spec: WorldSpec = smallWorld()): Promise<World> {
  return source.transaction((manager) => seedWorld(manager, spec));
}

/**
 * Adds an edition (the small world's youth edition under another number unless told) to a contest of the world,
 * written as the contests domain writes one; its entries then share nothing with the rest of the file.
 * Returns its key in `world.editions`.
 */
export async function addEdition(
  source: DataSource,
  world: World,
  overrides: Partial<WorldSpec['contests'][number]['editions'][number]> & { number: number },
  contestName = YOUTH_CONTEST,
): Promise<string> {
  const contest = world.contests.get(contestName)!;
  const template = smallWorld().contests[0].editions[0];
  const { fields, rubric, stages, unit, state, ...columns } = { ...template, ...overrides };
  const key = `${contestName}#${columns.number}`;
  await source.transaction(async (manager) => {
    const edition = manager.create(Edition, { id: randomUUID(), contestId: contest.id, unitId: world.units.get(unit)!.id, state: state ?? 'registration', ...columns, version: 1 });
    await manager.insert(Edition, edition);
    await new EditionRepository().insertChildren(manager, edition.id, { ...columns, fields, rubric, stages });
    const loaded = (await new EditionRepository().load(manager, edition.id))!;
    world.editions.set(key, { edition, fields: new Map(loaded.fields.map((f) => [f.code, f])), stages: loaded.stages });
  });
  return key;
}

export type EntryFactorySpec = Omit<EntrySpec, 'edition'> & { edition?: string; withdrawn?: boolean };

/**
 * Registers entries in the world (the small world's youth edition unless told), as a registration would,
 * without mail; `withdrawn: true` withdraws one afterwards. Returns the ids by reference, in order.
 */
export async function registerEntries(source: DataSource, world: World, specs: EntryFactorySpec[]): Promise<string[]> {
  return source.transaction(async (manager) => {
    const ids = await seedEntries(
      manager,
      world,
      specs.map(({ withdrawn: _w, ...spec }) => ({ edition: YOUTH_EDITION, ...spec })),
    );
    const repository = new EntriesRepository();
    const result = specs.map((spec) => ids.get(`${spec.school}/${spec.reference}`)!);
    for (const [i, spec] of specs.entries()) if (spec.withdrawn) await repository.withdraw(manager, result[i]);
    for (const [key, id] of ids) world.entries.set(key, id);
    return result;
  });
}
