import { isIsoDate } from '../contests/edition-rules';
import type { Eligibility } from '../contests/edition.types';
import type { FieldProblem } from '../core/errors/domain-error';

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


function formatVn(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * Every reason an entry cannot be registered under an edition's rules, each naming the field
 * (`authors[i].birthDate`, `createdYear`…) and the author concerned. Empty when eligible.
 */
export function eligibilityProblems(entry: EntryCandidate, rules: EditionRules, currentYear = new Date().getUTCFullYear()): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const count = entry.authors.length;
  if (count < 1) problems.push({ field: 'authors', reason: 'an entry needs at least one author' });
  if (count > rules.maxAuthors) problems.push({ field: 'authors', reason: `at most ${rules.maxAuthors} authors per entry, got ${count}` });
  const eligibility = rules.eligibility;
  if (eligibility.kind === 'youth') {
    entry.authors.forEach((author, i) => {
      const field = `authors[${i}].birthDate`;
      const who = author.fullName || `author ${i + 1}`;
      if (!author.birthDate) {
        problems.push({ field, reason: `${who}: birth date is required in the youth contest` });
      } else if (!isIsoDate(author.birthDate)) {
        problems.push({ field, reason: `${who}: "${author.birthDate}" is not a date (YYYY-MM-DD)` });
      } else if (author.birthDate < eligibility.bornFrom || author.birthDate > eligibility.bornTo) {
        problems.push({
          field,
          reason: `${who}: born ${formatVn(author.birthDate)}, outside the eligible window ${formatVn(eligibility.bornFrom)} – ${formatVn(eligibility.bornTo)}`,
        });
      }
    });
  } else {
    const year = entry.createdYear;
    if (year === null || year === undefined) {
      problems.push({ field: 'createdYear', reason: 'the year the solution was created is required in the technical contest' });
    } else if (year < eligibility.createdFromYear) {
      problems.push({ field: 'createdYear', reason: `solutions must have been created in ${eligibility.createdFromYear} or later, got ${year}` });
    } else if (year > currentYear) {
      problems.push({ field: 'createdYear', reason: `${year} is in the future` });
    }
    entry.authors.forEach((author, i) => {
      if (author.birthDate && !isIsoDate(author.birthDate)) {
        problems.push({ field: `authors[${i}].birthDate`, reason: `${author.fullName || `author ${i + 1}`}: "${author.birthDate}" is not a date (YYYY-MM-DD)` });
      }
    });
  }
  return problems;
}
