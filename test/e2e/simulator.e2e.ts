import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_LEVELS } from '../../scripts/simulate/generate';
import { loadScenario } from '../../scripts/simulate/scenario';
import { playSeason, SeasonResult } from '../../scripts/simulate/season';
import { PASSWORD } from '../support/fixtures';
import { TestApp } from '../support/test-app';

/**
 * The season simulator plays the shipped scenarios against the whole app over real HTTP (a listening socket, as
 * `npm run simulate -- <scenario> --url …` does), and the season report shows the real seasons' figures.
 */
/** Generous: on an idle 2-core machine each season takes well under a minute, but a loaded one stretches every request. */
const SEASON_MS = 600_000;
const scenario = (name: string) => loadScenario(join(__dirname, '..', '..', 'scenarios', `${name}.json`));

describe('season simulator (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  // No mail workers run here (workers: false), so no mail can arrive: waiting for the mailbox to settle (3 s a season) is skipped.
  const play = (name: string) => playSeason(scenario(name), { baseUrl, admin: { email: 'admin@test.vn', password: PASSWORD }, concurrency: 6, mailWaitMs: 0 });

  beforeAll(async () => {
    // An empty country: the simulator brings its own units, accounts, contest and entries through the API.
    const spec = {
      levels: DEFAULT_LEVELS,
      units: [{ code: 'VN', name: 'Việt Nam', level: 'nation' }],
      users: [{ email: 'admin@test.vn', fullName: 'Quản trị', password: PASSWORD, grants: [{ role: 'admin' as const, unit: 'VN' }] }],
      contests: [],
    };
    t = await TestApp.start({ spec, workers: false });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  }, SEASON_MS);
  afterAll(() => t?.stop(), SEASON_MS);

  const byLevel = (result: SeasonResult, position: number) =>
    Object.fromEntries(
      result.report.stages[position - 1].prizes.byLevel.map((l: { code: string; count: number; byField: Record<string, number> }) => [l.code, { count: l.count, byField: l.byField }]),
    );

  it(
    'replays an explicitly scored round to exactly the prize list the rules give',
    async () => {
      const result = await play('example-explicit');
      // Per field: H1 First; H2 and P1 Second (nobody in PM reaches the First minimum of 80, and unused quota is not passed down);
      // H5 and P2 Encouragement; H3 and H4 tie at 72.00 with equal novelty for HT's last Encouragement and drop together; P3 (47.00) reaches no minimum.
      const awards = Object.assign({}, ...result.prizeLists.map((l) => l.awards));
      expect(awards).toEqual({ H1: 'first', H2: 'second', H5: 'encouragement', P1: 'second', P2: 'encouragement' });
      expect(result.prizeLists.map((l) => l.phase)).toEqual(['final']);
      expect(byLevel(result, 1)).toEqual({
        first: { count: 1, byField: { HT: 1 } },
        second: { count: 2, byField: { HT: 1, PM: 1 } },
        encouragement: { count: 2, byField: { HT: 1, PM: 1 } },
      });
      expect(result.report.prizeMoney).toBe(3_000_000 + 2 * 2_000_000 + 2 * 500_000);
      expect(result.mismatches).toEqual([]);
    },
    SEASON_MS,
  );

  it(
    'plays Sóc Trăng 2017 to the figures of the real season',
    async () => {
      const result = await play('soc-trang-2017');
      const { report } = result;
      expect(report.unitsTakingPart).toBe(411);
      expect(report.entriesRegistered).toBe(3829);
      expect(report.stages.map((s: { entries: number }) => s.entries)).toEqual([3829, 2131, 133, 6]);
      expect(report.stages.map((s: { sentUp: number }) => s.sentUp)).toEqual([2131, 133, 6, 0]);
      const prizes = byLevel(result, 3);
      const perField = (n: number) => ({ HT: n, PM: n, MT: n, SH: n, KT: n });
      expect(prizes).toEqual({
        special: { count: 0, byField: {} },
        first: { count: 5, byField: perField(1) },
        second: { count: 10, byField: perField(2) },
        third: { count: 15, byField: perField(3) },
        encouragement: { count: 20, byField: perField(4) },
      });
      expect(report.stages[2].prizes.total).toBe(50);
      expect(result.mismatches).toEqual([]);
    },
    SEASON_MS,
  );

  it(
    'plays Bình Thuận 2022: 212 entries against a plan of 100, no First prize, 15 prizes',
    async () => {
      const result = await play('binh-thuan-2022');
      const { report } = result;
      expect(report.entriesRegistered).toBe(212);
      expect(report.achievementPercent).toBe(212);
      expect(Object.fromEntries(Object.entries(byLevel(result, 1)).map(([code, l]) => [code, (l as { count: number }).count]))).toEqual({ first: 0, second: 2, third: 3, encouragement: 10 });
      expect(report.stages[0].prizes.total).toBe(15);
      expect(result.mismatches).toEqual([]);
    },
    SEASON_MS,
  );
});
