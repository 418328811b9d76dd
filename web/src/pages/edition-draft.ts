import type { components } from '../api/schema';
import { formatDate, formatDateTime, parseDate, parseDateTime } from '../i18n';

type View = components['schemas']['EditionView'];
export type Definition = components['schemas']['CreateEditionDto'];

/**
 * An edition's definition as the form holds it: the API's shape, but numbers, dates and tie-breaks as typed, so
 * that "7,5" or "31/07/2017" survive the typing; `definitionOf` turns them back and leaves the rest for the API to
 * name. Inputs are bound by the API's path (`stages[1].prizeScheme.levels[0].quota`), the same path its problems give.
 */
export type Draft = Record<string, unknown>;

const NUMERIC = new Set([
  'number',
  'maxAuthors',
  'plannedEntries',
  'createdFromYear',
  'maxPoints',
  'judgesPerEntry',
  'discrepancySpread',
  'count',
  'minScore',
  'percent',
  'perFieldCap',
  'quota',
  'prizeMoney',
]);
const MOMENTS = new Set(['registrationOpensAt', 'registrationClosesAt']);
const DAYS = new Set(['bornFrom', 'bornTo']);

/** `stages[1].prizeScheme.levels[0]` → ['stages', 1, 'prizeScheme', 'levels', 0]. */
function keys(path: string): Array<string | number> {
  return path.split(/\.|\[(\d+)\]/).flatMap((part, i): Array<string | number> => (part === undefined || part === '' ? [] : i % 2 === 1 ? [Number(part)] : [part]));
}

export function getAt(draft: unknown, path: string): unknown {
  return keys(path).reduce<unknown>((value, key) => (value as Record<string | number, unknown> | null | undefined)?.[key], draft);
}

/** A copy of `draft` with `value` at `path`, copying only what lies on the way. */
export function setAt<T>(draft: T, path: string, value: unknown): T {
  const put = (node: unknown, [key, ...rest]: Array<string | number>): unknown => {
    const next = rest.length ? put((node as Record<string | number, unknown>)[key], rest) : value;
    if (Array.isArray(node)) return node.map((item, i) => (i === key ? next : item));
    return { ...(node as object), [key]: next };
  };
  return put(draft, keys(path)) as T;
}

/** What the form starts from: the edition as GET showed it, without what only the view holds, values as a person writes them. */
export function draftOf(view: View): Draft {
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return key === 'tieBreak' ? value.join(', ') : value.map((item) => walk(item, ''));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    if (MOMENTS.has(key)) return formatDateTime(value as string);
    if (DAYS.has(key)) return formatDate(value as string);
    if (typeof value === 'number') return String(value);
    return value;
  };
  const { fields, rubric, stages, number, seasonLabel, registrationOpensAt, registrationClosesAt, eligibility, maxAuthors, plannedEntries } = view;
  return walk(
    {
      number,
      seasonLabel,
      registrationOpensAt,
      registrationClosesAt,
      eligibility,
      maxAuthors,
      plannedEntries,
      fields: fields.map(({ code, name }) => ({ code, name })),
      rubric: rubric.map(({ code, name, maxPoints }) => ({ code, name, maxPoints })),
      stages: stages.map(({ id: _id, position: _position, ...stage }) => stage),
    },
    '',
  ) as Draft;
}

/** The draft as the API takes it: what does not read as a number is sent as typed, for the API to name beside its input. */
export function definitionOf(draft: Draft): Definition {
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, ''));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    if (typeof value !== 'string') return value;
    if (key === 'tieBreak') return value.split(/[,;\s]+/).filter(Boolean);
    if (MOMENTS.has(key)) return parseDateTime(value);
    if (DAYS.has(key)) return parseDate(value) ?? '';
    if (!NUMERIC.has(key)) return value;
    const text = value.trim();
    if (text === '') return null;
    return /^-?\d+([.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : text;
  };
  return walk(draft, '') as Definition;
}

/**
 * Whether the edition's state keeps the value at `path` as it is: the API lists what it would refuse to change
 * (`frozen`), a value or anything it lies in (`stages[2].advancement` holds `stages[2].advancement.kind`).
 */
export function isFrozen(frozen: ReadonlySet<string>, path: string): boolean {
  for (let at = path; at; at = at.replace(/(\.\w+|\[\d+\])$/, '')) {
    if (frozen.has(at)) return true;
    if (!/(\.\w+|\[\d+\])$/.test(at)) break;
  }
  return false;
}

/** Where the form shows a problem the API names: at its own input, or else at the nearest part that holds it. */
export function placeOf(places: ReadonlySet<string>, field: string): string | false {
  for (let at = field; ; at = at.replace(/(\.\w+|\[\d+\])$/, '')) {
    if (places.has(at)) return at;
    if (!/(\.\w+|\[\d+\])$/.test(at)) return false;
  }
}
