import { renderProblem } from '../core/errors/problem-codes';
import type { Reason } from '../core/errors/domain-error';
import { codeProblem, isWithin, LevelRule, nameProblem, pathIds, placementProblem } from './unit-rules';

const nation: LevelRule = { code: 'nation', name: 'nation', rank: 0, isLeaf: false };
const province: LevelRule = { code: 'province', name: 'province', rank: 1, isLeaf: false };
const district: LevelRule = { code: 'district', name: 'district', rank: 2, isLeaf: false };
const school: LevelRule = { code: 'school', name: 'school', rank: 3, isLeaf: true };

/** The reason as an English sentence. */
const en = (why: Reason | null) => why && renderProblem(why.code, why.params, 'en');

describe('placementProblem', () => {
  it('lets only rank-0 levels be roots', () => {
    expect(en(placementProblem({ level: nation, active: true, parent: null }))).toBeNull();
    expect(en(placementProblem({ level: province, active: true, parent: null }))).toMatch(/needs a parent unit/);
  });

  it('accepts a child of a strictly higher rank, skipping levels if need be', () => {
    expect(en(placementProblem({ level: province, active: true, parent: { code: 'VN', level: nation, retired: false } }))).toBeNull();
    expect(en(placementProblem({ level: school, active: true, parent: { code: 'ST', level: province, retired: false } }))).toBeNull();
  });

  it('refuses a child whose rank is not greater than its parent', () => {
    expect(en(placementProblem({ level: district, active: true, parent: { code: 'ST-KS', level: district, retired: false } }))).toMatch(/parent's rank must be lower/);
    expect(en(placementProblem({ level: province, active: true, parent: { code: 'ST-KS', level: district, retired: false } }))).toMatch(/ST-KS/);
    expect(en(placementProblem({ level: nation, active: true, parent: { code: 'VN', level: nation, retired: false } }))).not.toBeNull();
  });

  it('refuses any child under a leaf level', () => {
    const deeper: LevelRule = { code: 'club', name: 'club', rank: 4, isLeaf: true };
    expect(en(placementProblem({ level: deeper, active: true, parent: { code: 'ST-KS-01', level: school, retired: false } }))).toMatch(/cannot have units under it/);
  });

  it('refuses an active unit under a retired parent but lets a retired one stay there', () => {
    const retiredParent = { code: 'ST-KS', level: district, retired: true };
    expect(en(placementProblem({ level: school, active: true, parent: retiredParent }))).toMatch(/retired/);
    expect(en(placementProblem({ level: school, active: false, parent: retiredParent }))).toBeNull();
  });
});

describe('codeProblem and nameProblem', () => {
  it('accepts ordinary codes and names', () => {
    expect(en(codeProblem('ST-KS-01'))).toBeNull();
    expect(en(nameProblem('Trường THCS Kế Sách'))).toBeNull();
  });

  it('names what is wrong', () => {
    expect(en(codeProblem(''))).toBe('must not be empty');
    expect(en(codeProblem('ST KS'))).toBe('may hold only ASCII letters, digits, ".", "_" and "-"');
    expect(en(codeProblem('x'.repeat(65)))).toMatch(/at most 64/);
    expect(en(nameProblem(''))).toBe('must not be empty');
    expect(en(nameProblem('x'.repeat(201)))).toMatch(/at most 200/);
  });

  it('holds imported codes and names to the rules of units created in the app', () => {
    // Look-alikes: a Cyrillic "С" and a full-width hyphen would pass for ST-KS in a list.
    expect(en(codeProblem('\u0421T-KS'))).toMatch(/only ASCII letters/);
    expect(en(codeProblem('ST\uFF0DKS'))).toMatch(/only ASCII letters/);
    expect(en(codeProblem('ST/KS'))).toMatch(/only ASCII letters/);
    expect(codeProblem('st.ks_01')).toBeNull();
    expect(en(nameProblem('Trường\u200B A'))).toBe('must not contain invisible or control characters (found U+200B)');
    expect(en(nameProblem('\u202EA gnòrưT'))).toMatch(/U\+202E/);
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
