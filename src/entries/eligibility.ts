import { isIsoDate } from '../contests/edition-rules';
import type { Eligibility } from '../contests/edition.types';
import { FieldProblem, problem } from '../core/errors/domain-error';

export interface AuthorCandidate {
  fullName: string;
  /** ISO date YYYY-MM-DD, required by the youth contest. */
  birthDate?: string | null;
}

export interface EntryCandidate {
  authors: AuthorCandidate[];
  /** Year the solution was created, required by the technical contest. */
  createdYear?: number | null;
}

export interface EditionRules {
  eligibility: Eligibility;
  maxAuthors: number;
}

/**
 * Every reason an entry cannot be registered under an edition's rules, each naming the field
 * (`authors[i].birthDate`, `createdYear`…) and the author concerned. Empty when eligible.
 */
export function eligibilityProblems(entry: EntryCandidate, rules: EditionRules, currentYear = new Date().getUTCFullYear()): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const count = entry.authors.length;
  if (count < 1) problems.push(problem('authors', 'NO_AUTHORS', {}));
  if (count > rules.maxAuthors) problems.push(problem('authors', 'TOO_MANY_AUTHORS', { max: rules.maxAuthors, count }));
  const eligibility = rules.eligibility;
  if (eligibility.kind === 'youth') {
    entry.authors.forEach((author, i) => {
      const field = `authors[${i}].birthDate`;
      const who = { index: i, author: author.fullName || null };
      const { bornFrom, bornTo } = eligibility;
      if (!author.birthDate) {
        problems.push(problem(field, 'BIRTH_DATE_REQUIRED', who));
      } else if (!isIsoDate(author.birthDate)) {
        problems.push(problem(field, 'BIRTH_DATE_INVALID', { ...who, birthDate: author.birthDate }));
      } else if (author.birthDate < bornFrom) {
        problems.push(problem(field, 'AUTHOR_TOO_OLD', { ...who, birthDate: author.birthDate, bornFrom, bornTo }));
      } else if (author.birthDate > bornTo) {
        problems.push(problem(field, 'AUTHOR_TOO_YOUNG', { ...who, birthDate: author.birthDate, bornFrom, bornTo }));
      }
    });
  } else {
    const year = entry.createdYear;
    if (year === null || year === undefined) {
      problems.push(problem('createdYear', 'CREATED_YEAR_REQUIRED', {}));
    } else if (year < eligibility.createdFromYear) {
      problems.push(problem('createdYear', 'CREATED_TOO_EARLY', { createdFromYear: eligibility.createdFromYear, year }));
    } else if (year > currentYear) {
      problems.push(problem('createdYear', 'CREATED_IN_FUTURE', { year }));
    }
    entry.authors.forEach((author, i) => {
      if (author.birthDate && !isIsoDate(author.birthDate)) {
        problems.push(problem(`authors[${i}].birthDate`, 'BIRTH_DATE_INVALID', { index: i, author: author.fullName || null, birthDate: author.birthDate }));
      }
    });
  }
  return problems;
}
