import { eligibilityProblems } from '../entries/eligibility';
import { DEMO_PROVINCE, demoWorld } from './demo-world';

const NOW = new Date('2025-03-10T08:00:00Z');
const world = demoWorld(NOW);
const edition = world.contests[0].editions[0];
const unit = (code: string) => world.units.find((u) => u.code === code);
const rank = (level: string) => world.levels.find((l) => l.code === level)!.rank;

describe('the demo world', () => {
  it('has the 11 district-level units Sóc Trăng had in 2017, under the province, with distinct codes', () => {
    const districts = world.units.filter((u) => u.level === 'district');
    expect(districts.map((d) => d.name).sort()).toEqual(
      [
        'Thành phố Sóc Trăng',
        'Thị xã Vĩnh Châu',
        'Thị xã Ngã Năm',
        'Huyện Châu Thành',
        'Huyện Kế Sách',
        'Huyện Mỹ Tú',
        'Huyện Cù Lao Dung',
        'Huyện Long Phú',
        'Huyện Mỹ Xuyên',
        'Huyện Thạnh Trị',
        'Huyện Trần Đề',
      ].sort(),
    );
    expect(districts.every((d) => d.parent === DEMO_PROVINCE)).toBe(true);
    expect(new Set(world.units.map((u) => u.code)).size).toBe(world.units.length);
  });

  it('has a few dozen schools, each under a district, and every district has schools', () => {
    const schools = world.units.filter((u) => u.level === 'school');
    expect(schools.length).toBeGreaterThanOrEqual(24);
    expect(schools.every((s) => unit(s.parent!)?.level === 'district' && s.name.startsWith('Trường '))).toBe(true);
    for (const district of world.units.filter((u) => u.level === 'district')) {
      expect(schools.some((s) => s.parent === district.code)).toBe(true);
    }
  });

  it('lists every unit after its parent, one level deeper or more, as seedWorld needs', () => {
    world.units.forEach((u, i) => {
      if (!u.parent) return expect(u.level).toBe('nation');
      const parentIndex = world.units.findIndex((p) => p.code === u.parent);
      expect(parentIndex).toBeGreaterThanOrEqual(0);
      expect(parentIndex).toBeLessThan(i);
      expect(rank(u.level)).toBeGreaterThan(rank(world.units[parentIndex].level));
    });
  });

  it('has one account per role, sharing one password, each granted on an existing unit', () => {
    const grants = world.users.flatMap((u) => u.grants.map((g) => ({ email: u.email, ...g, level: unit(g.unit)?.level })));
    expect(grants.map((g) => `${g.role}@${g.level}`).sort()).toEqual(['admin@nation', 'chair@province', 'judge@province', 'organiser@district', 'organiser@province', 'school@school'].sort());
    expect(new Set(world.users.map((u) => u.password)).size).toBe(1);
    expect(world.users.every((u) => /^[a-z]+@demo\.soctrang\.vn$/.test(u.email))).toBe(true);
  });

  it("puts the school account under the district organiser's district, so the organiser sees its entries", () => {
    const grantOf = (role: string, level: string) => world.users.flatMap((u) => u.grants).find((g) => g.role === role && unit(g.unit)?.level === level)!;
    expect(unit(grantOf('school', 'school').unit)!.parent).toBe(grantOf('organiser', 'district').unit);
  });

  it('opens registration from the day before seeding to 60 days after it', () => {
    expect(edition.registrationOpensAt.getTime()).toBeLessThan(NOW.getTime());
    expect(edition.registrationClosesAt.getTime() - NOW.getTime()).toBe(60 * 24 * 3600 * 1000);
  });

  it('has the 5 fields of 2017 and a rubric of 100 points whose tie-break criteria exist', () => {
    expect(edition.fields).toHaveLength(5);
    expect(new Set(edition.fields.map((f) => f.code)).size).toBe(5);
    expect(edition.rubric.reduce((sum, c) => sum + c.maxPoints, 0)).toBe(100);
    const criteria = new Set(edition.rubric.map((c) => c.code));
    expect(edition.stages.flatMap((s) => s.tieBreak).every((code) => criteria.has(code))).toBe(true);
  });

  it('climbs school → district → province → nation, judged with 3 then 5 judges', () => {
    expect(edition.stages.map((s) => s.levelCode)).toEqual(['school', 'district', 'province', 'nation']);
    expect(edition.stages.map((s) => s.judged)).toEqual([false, true, true, true]);
    expect(edition.stages.slice(1, 3).map((s) => [s.judgesPerEntry, s.aggregation])).toEqual([
      [3, 'mean'],
      [5, 'trimmed_mean'],
    ]);
  });

  it('offers at most the 2017 province prizes: 1 Special, and 1/2/3/4 per field, with the published money', () => {
    const scheme = edition.stages.find((s) => s.levelCode === 'province')!.prizeScheme!;
    expect(scheme.passUnusedQuotaDown).toBe(false);
    expect(scheme.levels.map((l) => [l.name, l.quota, l.scope, l.prizeMoney])).toEqual([
      ['Giải Đặc biệt', 1, 'stage', 5_000_000],
      ['Giải Nhất', 1, 'field', 3_000_000],
      ['Giải Nhì', 2, 'field', 2_000_000],
      ['Giải Ba', 3, 'field', 1_000_000],
      ['Giải Khuyến khích', 4, 'field', 400_000],
    ]);
    const minScores = scheme.levels.map((l) => l.minScore);
    expect(minScores).toEqual([...minScores].sort((a, b) => b - a));
    expect(minScores[0]).toBeGreaterThanOrEqual(90);
    const perField = scheme.levels.filter((l) => l.scope === 'field').reduce((sum, l) => sum + l.quota, 0);
    expect(perField * edition.fields.length).toBe(50);
  });

  it('accepts a group of five pupils born inside the window and refuses one born after it', () => {
    const pupil = (birthDate: string) => ({ fullName: 'Lâm Thị Ngọc Hân', birthDate });
    const rules = { eligibility: edition.eligibility, maxAuthors: edition.maxAuthors };
    expect(eligibilityProblems({ authors: ['2003-09-02', '2005-01-15', '2008-11-30', '2010-06-01', '2014-07-31'].map(pupil) }, rules)).toEqual([]);
    expect(eligibilityProblems({ authors: [pupil('2014-08-01')] }, rules)).toHaveLength(1);
  });

  it("registers a few eligible entries of Kế Sách schools, three of them the demo school account's, in fields of the edition", () => {
    const entries = world.entries ?? [];
    const rules = { eligibility: edition.eligibility, maxAuthors: edition.maxAuthors };
    const schoolAccount = world.users.find((u) => u.grants.some((g) => g.role === 'school'))!.grants[0].unit;
    expect(entries.filter((e) => e.school === schoolAccount)).toHaveLength(3);
    for (const entry of entries) {
      expect(unit(entry.school)?.parent).toBe('ST-KS');
      expect(edition.fields.map((f) => f.code)).toContain(entry.field);
      expect(eligibilityProblems({ authors: entry.authors! }, rules)).toEqual([]);
    }
    expect(new Set(entries.map((e) => `${e.school}/${e.reference}`)).size).toBe(entries.length);
  });
});
