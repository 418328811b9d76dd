import { ScoringRules, ScoringRulesCache } from './scoring-rules';

const rules = (scoreStep: number): ScoringRules => ({ stageId: 's', unitPath: '/VN/ST/', scoreStep, rubric: [{ code: 'novelty', maxPoints: 30 }], rubricKey: '[["novelty",30]]' });

describe('scoring rules cache', () => {
  it('loads a panel’s rules once, even for saves arriving together, and again once told the rubric changed', async () => {
    const cache = new ScoringRulesCache();
    let loads = 0;
    const load = async () => rules((loads += 1));
    const together = await Promise.all([cache.get('p1', load), cache.get('p1', load), cache.get('p1', load)]);
    expect(together.map((r) => r?.scoreStep)).toEqual([1, 1, 1]);
    expect((await cache.get('p1', load))?.scoreStep).toBe(1);
    cache.forget('p1');
    expect((await cache.get('p1', load))?.scoreStep).toBe(2);
  });

  it('remembers neither a missing panel nor a failed load', async () => {
    const cache = new ScoringRulesCache();
    expect(await cache.get('p1', async () => null)).toBeNull();
    expect(await cache.get('p1', async () => rules(0.5))).toEqual(rules(0.5));
    await expect(cache.get('p2', () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect(await cache.get('p2', async () => rules(0.25))).toEqual(rules(0.25));
  });
});
