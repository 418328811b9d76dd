import fc from 'fast-check';
import type { Eligibility } from '../contests/edition.types';
import { AuthorCandidate, EditionRules, eligibilityProblems } from './eligibility';

const YOUTH: EditionRules = { eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' }, maxAuthors: 5 };
const TECHNICAL: EditionRules = { eligibility: { kind: 'technical', createdFromYear: 2015 }, maxAuthors: 5 };

const pupil = (birthDate: string | null, fullName = 'Nguyễn Văn An'): AuthorCandidate => ({ fullName, birthDate });
const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('youth eligibility (birth-date window)', () => {
  it('accepts authors born on either edge of the window, which is inclusive', () => {
    expect(eligibilityProblems({ authors: [pupil('2001-07-31'), pupil('2014-07-31')] }, YOUTH)).toEqual([]);
  });

  it('refuses the day before and the day after the window, naming the author and the window', () => {
    const problems = eligibilityProblems({ authors: [pupil('2001-07-30', 'Lê Văn Tí'), pupil('2008-01-01'), pupil('2014-08-01', 'Trần Thị Bé')] }, YOUTH);
    expect(problems).toEqual([
      expect.objectContaining({ field: 'authors[0].birthDate', reason: 'Lê Văn Tí: born 30/07/2001, outside the eligible window 31/07/2001 – 31/07/2014' }),
      expect.objectContaining({ field: 'authors[2].birthDate', reason: 'Trần Thị Bé: born 01/08/2014, outside the eligible window 31/07/2001 – 31/07/2014' }),
    ]);
  });

  it('requires a birth date for every author', () => {
    expect(eligibilityProblems({ authors: [pupil(null, 'Võ Khôi'), pupil('')] }, YOUTH)).toEqual([
      expect.objectContaining({ field: 'authors[0].birthDate', reason: 'Võ Khôi: birth date is required in the youth contest' }),
      expect.objectContaining({ field: 'authors[1].birthDate', reason: 'Nguyễn Văn An: birth date is required in the youth contest' }),
    ]);
  });

  it.each(['2010-02-30', '2009-02-29', '2010-13-01', '2010-00-10', '2010-04-31', '10/02/2010', '2010-2-3', '2010-02-03T00:00:00Z'])('refuses %s as not a date', (birthDate) => {
    const problems = eligibilityProblems({ authors: [pupil(birthDate, 'Phạm Bảo')] }, YOUTH);
    expect(problems).toEqual([expect.objectContaining({ field: 'authors[0].birthDate', reason: `Phạm Bảo: "${birthDate}" is not a date (YYYY-MM-DD)` })]);
  });

  it('accepts 29 February in a leap year', () => {
    expect(eligibilityProblems({ authors: [pupil('2008-02-29')] }, YOUTH)).toEqual([]);
  });

  it('names an author without a name by position', () => {
    expect(eligibilityProblems({ authors: [pupil('2008-01-01'), pupil('1990-01-01', '')] }, YOUTH)[0].reason).toMatch(/^author 2: /);
  });

  it('accepts any real date inside the window and refuses any outside it', () => {
    const day = 24 * 3600 * 1000;
    const from = Date.UTC(1990, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 * 366 }), (offset) => {
        const iso = new Date(from + offset * day).toISOString().slice(0, 10);
        const inside = iso >= '2001-07-31' && iso <= '2014-07-31';
        const problems = eligibilityProblems({ authors: [pupil(iso)] }, YOUTH);
        return inside ? problems.length === 0 : problems.length === 1 && problems[0].field === 'authors[0].birthDate';
      }),
    );
  });
});

describe('group size', () => {
  const group = (n: number) => Array.from({ length: n }, (_, i) => pupil('2008-01-01', `Tác giả ${i + 1}`));

  it('accepts one to the maximum number of authors', () => {
    expect(eligibilityProblems({ authors: group(1) }, YOUTH)).toEqual([]);
    expect(eligibilityProblems({ authors: group(5) }, YOUTH)).toEqual([]);
  });

  it('refuses a group of 6 when the maximum is 5, and an entry without authors', () => {
    expect(eligibilityProblems({ authors: group(6) }, YOUTH)).toEqual([expect.objectContaining({ field: 'authors', reason: 'at most 5 authors per entry, got 6' })]);
    expect(eligibilityProblems({ authors: [] }, YOUTH)).toEqual([expect.objectContaining({ field: 'authors', reason: 'an entry needs at least one author' })]);
  });

  it('reports the group size and every ineligible author together', () => {
    const authors = [...group(5), pupil('1995-05-05', 'Người lớn')];
    expect(fields(eligibilityProblems({ authors }, YOUTH))).toEqual(['authors', 'authors[5].birthDate']);
  });
});

describe('technical eligibility (created-after year)', () => {
  const worker = (birthDate: string | null = null): AuthorCandidate => ({ fullName: 'Kỹ sư Hùng', birthDate });

  it('accepts a solution created in the first eligible year or later, up to this year, from authors of any age', () => {
    expect(eligibilityProblems({ authors: [worker('1960-01-01')], createdYear: 2015 }, TECHNICAL, 2026)).toEqual([]);
    expect(eligibilityProblems({ authors: [worker()], createdYear: 2026 }, TECHNICAL, 2026)).toEqual([]);
  });

  it('refuses a solution created before the year, a future one, and one without a year', () => {
    expect(eligibilityProblems({ authors: [worker()], createdYear: 2014 }, TECHNICAL, 2026)).toEqual([
      expect.objectContaining({ field: 'createdYear', reason: 'solutions must have been created in 2015 or later, got 2014' }),
    ]);
    expect(eligibilityProblems({ authors: [worker()], createdYear: 2027 }, TECHNICAL, 2026)).toEqual([expect.objectContaining({ field: 'createdYear', reason: '2027 is in the future' })]);
    expect(fields(eligibilityProblems({ authors: [worker()], createdYear: null }, TECHNICAL))).toEqual(['createdYear']);
    expect(fields(eligibilityProblems({ authors: [worker()] }, TECHNICAL))).toEqual(['createdYear']);
  });

  it('still refuses a birth date that is not a date', () => {
    expect(eligibilityProblems({ authors: [worker('1980-02-30')], createdYear: 2020 }, TECHNICAL, 2026)).toEqual([
      expect.objectContaining({ field: 'authors[0].birthDate', reason: 'Kỹ sư Hùng: "1980-02-30" is not a date (YYYY-MM-DD)' }),
    ]);
  });

  it('ignores the created year in the youth contest and birth dates in the technical one', () => {
    expect(eligibilityProblems({ authors: [pupil('2008-01-01')], createdYear: 1900 }, YOUTH)).toEqual([]);
    const anyEligibility: Eligibility = { kind: 'technical', createdFromYear: 2000 };
    expect(eligibilityProblems({ authors: [worker('1930-01-01')], createdYear: 2001 }, { eligibility: anyEligibility, maxAuthors: 1 }, 2026)).toEqual([]);
  });
});
