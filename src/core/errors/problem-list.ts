import type { Locale } from '../i18n/format';
import type { FieldProblem } from './domain-error';
import { renderProblem } from './problem-codes';

/** Problems an error body lists at most: a file with a bad column on every row must not answer with megabytes. */
export const MAX_LISTED_PROBLEMS = 200;

export interface ListedProblems {
  problems: FieldProblem[];
  /** How many problems beyond the listed ones were found; absent when all are listed. */
  omitted?: number;
}

/** The first `max` problems, in the order given, and the count of the rest. */
export function listedProblems(problems: FieldProblem[], max = MAX_LISTED_PROBLEMS): ListedProblems {
  return problems.length > max ? { problems: problems.slice(0, max), omitted: problems.length - max } : { problems };
}

/** A cell's text to quote in a problem's reason, cut short so that reasons stay small whatever the cell holds. */
export function excerpt(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Problems with each reason rendered again in `locale` from its code and parameters; anything else is left as it is. */
export function localisedProblems(problems: unknown[], locale: Locale): unknown[] {
  return problems.map((p) => {
    const { code, params } = (p ?? {}) as Partial<FieldProblem>;
    return code ? { ...(p as FieldProblem), reason: renderProblem(code, params, locale) } : p;
  });
}
