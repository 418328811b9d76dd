import { randomUUID } from 'node:crypto';
import { AccessObject, AccessService } from '../../src/core/access/access.service';
import { Permission } from '../../src/core/access/policy';
import { Actor } from '../../src/core/auth/actor';
import { NotFoundError } from '../../src/core/errors/domain-error';
import { seedWorld, World } from '../../src/seed/world';
import { smallWorld } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-db';

const UNIT: AccessObject = { name: 'Unit', from: 'units u', id: 'u.id', path: 'u.path' };

describe('access service on PostgreSQL (integration)', () => {
  let db: TestDatabase;
  let world: World;
  let access: AccessService;
  const id = (code: string) => world.units.get(code)!.id;
  const actor = (role: 'organiser' | 'school' | 'admin' | 'judge', code: string) => {
    const unit = world.units.get(code)!;
    return new Actor(randomUUID(), `${role}@test.vn`, [{ role, unitId: unit.id, unitPath: unit.path }]);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await db.source.transaction((manager) => seedWorld(manager, smallWorld()));
    access = new AccessService(db.source);
  });
  afterAll(() => db.drop());

  it('keeps, of a set of ids, those that exist and lie within reach', async () => {
    const asked = [id('ST-KS'), id('ST-KS-01'), id('ST-MT'), id('ST'), randomUUID()];
    expect(await access.check(actor('organiser', 'ST-KS'), Permission.UnitRead, UNIT, asked)).toEqual(new Set([id('ST-KS'), id('ST-KS-01')]));
    expect(await access.check(actor('school', 'ST-KS-01'), Permission.UnitRead, UNIT, asked)).toEqual(new Set([id('ST-KS-01')]));
    expect(await access.check(actor('school', 'ST-KS-01'), Permission.ContestRead, UNIT, asked)).toEqual(new Set([id('ST-KS'), id('ST-KS-01'), id('ST')]));
    expect(await access.check(actor('admin', 'VN'), Permission.UnitRead, UNIT, asked)).toEqual(new Set(asked.slice(0, 4)));
    expect(await access.check(actor('judge', 'ST'), Permission.EntryRead, UNIT, asked)).toEqual(new Set());
  });

  it('answers 404 when any id is missing or out of reach, naming the object', async () => {
    await expect(access.require(actor('organiser', 'ST-KS'), Permission.UnitRead, UNIT, [id('ST-KS-01')])).resolves.toBeUndefined();
    await expect(access.require(actor('organiser', 'ST-KS'), Permission.UnitRead, UNIT, [id('ST-KS-01'), id('ST-MT')])).rejects.toThrow(NotFoundError);
    await expect(access.require(actor('organiser', 'ST-KS'), Permission.UnitRead, UNIT, [randomUUID()])).rejects.toThrow('Unit not found');
  });
});
