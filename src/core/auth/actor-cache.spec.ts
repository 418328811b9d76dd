import { Actor } from './actor';
import { ACTOR_CACHE_SECONDS, ActorCache, ActorState } from './actor-cache';

const USER = '6f1c2b3a-0000-4000-8000-000000000001';
const actor = (email: string) => new Actor(USER, email, [{ role: 'school', unitId: 'u', unitPath: '/u/' }]);

/** A database stand-in: what the user's row says now, and how often it was read. */
function database(state: ActorState | null) {
  const db = { state, reads: 0, load: async () => (db.reads++, db.state) };
  return db;
}

describe('ActorCache', () => {
  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('reads the user once while fresh and again once the time is up', async () => {
    const cache = new ActorCache();
    const db = database({ tokenVersion: 2, actor: actor('a@x.vn') });
    expect(await cache.resolve(USER, 2, db.load)).toEqual(actor('a@x.vn'));
    expect(await cache.resolve(USER, 2, db.load)).toEqual(actor('a@x.vn'));
    expect(db.reads).toBe(1);
    db.state = null;
    now += ACTOR_CACHE_SECONDS * 1000;
    expect(await cache.resolve(USER, 2, db.load)).toBeNull();
    expect(db.reads).toBe(2);
  });

  it('refuses an older token from memory, reads again for a newer one, and refuses every token of an inactive user', async () => {
    const cache = new ActorCache();
    const db = database({ tokenVersion: 2, actor: actor('a@x.vn') });
    await cache.resolve(USER, 2, db.load);
    expect(await cache.resolve(USER, 1, db.load)).toBeNull();
    expect(db.reads).toBe(1);
    db.state = { tokenVersion: 3, actor: actor('a@x.vn') };
    expect(await cache.resolve(USER, 3, db.load)).toEqual(actor('a@x.vn'));
    expect(await cache.resolve(USER, 2, db.load)).toBeNull();
    db.state = { tokenVersion: 3, actor: null };
    cache.forget(USER);
    expect(await cache.resolve(USER, 3, db.load)).toBeNull();
  });

  it('takes a change made here at once, and does not keep what a look-up running across the change read', async () => {
    const cache = new ActorCache();
    const db = database({ tokenVersion: 0, actor: actor('old@x.vn') });
    let release!: () => void;
    const slow = () => new Promise<ActorState | null>((resolve) => (release = () => resolve({ tokenVersion: 0, actor: actor('old@x.vn') })));
    const racing = cache.resolve(USER, 0, slow);
    db.state = { tokenVersion: 0, actor: actor('new@x.vn') };
    cache.forgetAll();
    release();
    expect(await racing).toEqual(actor('old@x.vn'));
    expect(await cache.resolve(USER, 0, db.load)).toEqual(actor('new@x.vn'));
  });

  it('shares one look-up between concurrent requests of the same user', async () => {
    const cache = new ActorCache();
    const db = database({ tokenVersion: 0, actor: actor('a@x.vn') });
    await Promise.all([cache.resolve(USER, 0, db.load), cache.resolve(USER, 0, db.load), cache.resolve(USER, 0, db.load)]);
    expect(db.reads).toBe(1);
  });
});
