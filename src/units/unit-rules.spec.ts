import { codeProblem, isWithin, LevelRule, nameProblem, pathIds, placementProblem } from './unit-rules';

const nation: LevelRule = { code: 'nation', name: 'nation', rank: 0, isLeaf: false };
const province: LevelRule = { code: 'province', name: 'province', rank: 1, isLeaf: false };
const district: LevelRule = { code: 'district', name: 'district', rank: 2, isLeaf: false };
const school: LevelRule = { code: 'school', name: 'school', rank: 3, isLeaf: true };

describe('placementProblem', () => {
  it('lets only rank-0 levels be roots', () => {
    expect(placementProblem({ level: nation, active: true, parent: null })).toBeNull();
    expect(placementProblem({ level: province, active: true, parent: null })).toMatch(/needs a parent unit/);
  });

  it('accepts a child of a strictly higher rank, skipping levels if need be', () => {
    expect(placementProblem({ level: province, active: true, parent: { code: 'VN', level: nation, retired: false } })).toBeNull();
    expect(placementProblem({ level: school, active: true, parent: { code: 'ST', level: province, retired: false } })).toBeNull();
  });

  it('refuses a child whose rank is not greater than its parent', () => {
    expect(placementProblem({ level: district, active: true, parent: { code: 'ST-KS', level: district, retired: false } })).toMatch(/parent's rank must be lower/);
    expect(placementProblem({ level: province, active: true, parent: { code: 'ST-KS', level: district, retired: false } })).toMatch(/ST-KS/);
    expect(placementProblem({ level: nation, active: true, parent: { code: 'VN', level: nation, retired: false } })).not.toBeNull();
  });

  it('refuses any child under a leaf level', () => {
    const deeper: LevelRule = { code: 'club', name: 'club', rank: 4, isLeaf: true };
    expect(placementProblem({ level: deeper, active: true, parent: { code: 'ST-KS-01', level: school, retired: false } })).toMatch(/cannot have units under it/);
  });

  it('refuses an active unit under a retired parent but lets a retired one stay there', () => {
    const retiredParent = { code: 'ST-KS', level: district, retired: true };
    expect(placementProblem({ level: school, active: true, parent: retiredParent })).toMatch(/retired/);
    expect(placementProblem({ level: school, active: false, parent: retiredParent })).toBeNull();
  });
});

describe('codeProblem and nameProblem', () => {
  it('accepts ordinary codes and names', () => {
    expect(codeProblem('ST-KS-01')).toBeNull();
    expect(nameProblem('Trường THCS Kế Sách')).toBeNull();
  });

  it('names what is wrong', () => {
    expect(codeProblem('')).toBe('must not be empty');
    expect(codeProblem('ST KS')).toBe('must not contain blanks');
    expect(codeProblem('x'.repeat(65))).toMatch(/at most 64/);
    expect(nameProblem('')).toBe('must not be empty');
    expect(nameProblem('x'.repeat(201))).toMatch(/at most 200/);
  });
});

describe('paths', () => {
  it('splits a path into ids, root first', () => {
    expect(pathIds('/a/b/c/')).toEqual(['a', 'b', 'c']);
  });

  it('tells a unit within a subtree from a sibling whose id shares a prefix', () => {
    expect(isWithin('/a/b/', '/a/')).toBe(true);
    expect(isWithin('/a/', '/a/')).toBe(true);
    expect(isWithin('/ab/', '/a/')).toBe(false);
    expect(isWithin('/a/', '/a/b/')).toBe(false);
  });
});
