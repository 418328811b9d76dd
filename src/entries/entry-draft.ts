import { FieldProblem, problem } from '../core/errors/domain-error';
import { searchKey } from '../core/text';
import { EditionRules, eligibilityProblems } from './eligibility';

/** An entry as a school submits it (one form, or one row of a bulk file), already trimmed and NFC. */
export interface EntryDraft {
  reference: string;
  title: string;
  fieldCode: string;
  summary: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string | null;
  createdYear: number | null;
  authors: Array<{ fullName: string; birthDate: string | null; classOrJob: string | null }>;
}

/** Phone numbers as schools write them: 6 to 20 digits, spaces, dots, dashes or brackets, optional leading +. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 .()-]{5,19}$/;

/** Rule problems of a draft under an edition (field known, authors eligible), each naming its field. */
export function draftProblems(draft: EntryDraft, rules: EditionRules, fieldCodes: ReadonlySet<string>, currentYear?: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!fieldCodes.has(draft.fieldCode)) {
    problems.push(problem('fieldCode', 'NOT_A_FIELD', { fieldCode: draft.fieldCode, fields: [...fieldCodes] }));
  }
  return [...problems, ...eligibilityProblems({ authors: draft.authors, createdYear: draft.createdYear }, rules, currentYear)];
}

/** What text search matches: reference, title and authors, without case or diacritics. */
export function entrySearchKey(draft: Pick<EntryDraft, 'reference' | 'title' | 'authors'>): string {
  return searchKey([draft.reference, draft.title, ...draft.authors.map((a) => a.fullName)].join(' '));
}
