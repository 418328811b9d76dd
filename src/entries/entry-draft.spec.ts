import fc from 'fast-check';
import { searchKey } from '../core/text';
import type { EditionRules } from './eligibility';
import { registrationOpen, windowProblem } from '../contests/edition-lifecycle';
import { draftProblems, EntryDraft, entrySearchKey } from './entry-draft';

const RULES: EditionRules = { eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' }, maxAuthors: 5 };
const FIELDS = new Set(['HT', 'PM', 'MT']);

function draft(overrides: Partial<EntryDraft> = {}): EntryDraft {
  return {
    reference: 'KS01-001',
    title: 'Máy tưới cây tự động',
    fieldCode: 'MT',
    summary: 'Tưới nhỏ giọt.',
    contactName: 'Trần Văn Minh',
    contactEmail: 'minh@test.vn',
    contactPhone: null,
    createdYear: null,
    authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' }],
    ...overrides,
  };
}

describe('registration window', () => {
  const window = { registrationOpensAt: new Date('2026-03-01T00:00:00Z'), registrationClosesAt: new Date('2026-07-31T16:59:59Z'), state: 'registration' as const, archivedAt: null };

  it('is open on both edges, inclusive', () => {
    expect(registrationOpen(window, new Date('2026-03-01T00:00:00Z'))).toBe(true);
    expect(registrationOpen(window, new Date('2026-07-31T16:59:59Z'))).toBe(true);
    expect(windowProblem(window, new Date('2026-03-01T00:00:00Z'))).toBeNull();
    expect(windowProblem(window, new Date('2026-07-31T16:59:59Z'))).toBeNull();
  });

  it('is closed a millisecond before it opens and after it closes, and says so', () => {
    expect(registrationOpen(window, new Date('2026-02-28T23:59:59.999Z'))).toBe(false);
    expect(windowProblem(window, new Date('2026-02-28T23:59:59.999Z'))).toEqual({ code: 'WINDOW_NOT_OPEN', params: { opensAt: '2026-03-01T00:00:00.000Z' } });
    expect(registrationOpen(window, new Date('2026-07-31T16:59:59.001Z'))).toBe(false);
    expect(windowProblem(window, new Date('2026-07-31T16:59:59.001Z'))).toEqual({ code: 'WINDOW_CLOSED', params: { closedAt: '2026-07-31T16:59:59.000Z' } });
  });

  it('is closed whatever the window says while the edition is a draft, past registration or archived', () => {
    const inside = new Date('2026-05-01T00:00:00Z');
    expect(windowProblem({ ...window, state: 'draft' }, inside)?.code).toBe('REGISTRATION_DRAFT');
    expect(windowProblem({ ...window, state: 'judging' }, inside)).toEqual({ code: 'REGISTRATION_OVER', params: { state: 'judging' } });
    expect(windowProblem({ ...window, archivedAt: new Date() }, inside)?.code).toBe('REGISTRATION_ARCHIVED');
    expect(registrationOpen({ ...window, state: 'results' }, inside)).toBe(false);
  });

  it('gives a reason exactly when it is closed', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true }), (a, b, now) => {
        const [opens, closes] = a <= b ? [a, b] : [b, a];
        const w = { registrationOpensAt: opens, registrationClosesAt: closes, state: 'registration' as const, archivedAt: null };
        return registrationOpen(w, now) === (windowProblem(w, now) === null);
      }),
    );
  });
});

describe('draft problems', () => {
  it('accepts a complete eligible draft', () => {
    expect(draftProblems(draft(), RULES, FIELDS)).toEqual([]);
  });

  it('names an unknown field and lists the edition fields', () => {
    expect(draftProblems(draft({ fieldCode: 'XX' }), RULES, FIELDS)).toEqual([expect.objectContaining({ field: 'fieldCode', reason: '"XX" is not a field of this edition (HT, PM, MT)' })]);
  });

  it('adds author problems after the field problem, each naming its author', () => {
    const problems = draftProblems(draft({ fieldCode: 'XX', authors: [{ fullName: 'Lê Văn Tí', birthDate: '2000-01-01', classOrJob: null }] }), RULES, FIELDS);
    expect(problems.map((p) => p.field)).toEqual(['fieldCode', 'authors[0].birthDate']);
    expect(problems[1].reason).toContain('Lê Văn Tí');
  });

  it('checks the created year under technical rules', () => {
    const technical: EditionRules = { eligibility: { kind: 'technical', createdFromYear: 2015 }, maxAuthors: 3 };
    expect(draftProblems(draft({ createdYear: 2016, authors: [{ fullName: 'Kỹ sư Hùng', birthDate: null, classOrJob: 'Kỹ sư' }] }), technical, FIELDS, 2026)).toEqual([]);
    expect(draftProblems(draft({ createdYear: 2010 }), technical, FIELDS, 2026).map((p) => p.field)).toEqual(['createdYear']);
  });
});

describe('entry search key', () => {
  it('holds reference, title and authors without case or diacritics', () => {
    expect(entrySearchKey(draft())).toBe('ks01-001 may tuoi cay tu dong nguyen thi hong');
  });

  it('finds every word of the title whatever the form and case of the query', () => {
    fc.assert(
      fc.property(fc.constantFrom('Sáng tạo', 'ĐỒ DÙNG', 'thân thiện', 'Nhựa tái chế'), fc.boolean(), (title, nfd) => {
        const key = entrySearchKey(draft({ title: nfd ? title.normalize('NFD') : title }));
        return key.includes(searchKey(title.toUpperCase()));
      }),
    );
  });
});
