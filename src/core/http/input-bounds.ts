import { FieldProblem, problem, problemOf, Reason, reason } from '../errors/domain-error';

/**
 * Bounds every parsed request input (JSON body, query, path parameters) must keep before any code copies
 * or stores it. Legitimate bodies stay far below: the largest, an edition, holds about 2,500 values
 * nested 6 deep with at most 15 keys an object.
 */
export const INPUT_LIMITS = { depth: 32, keysPerObject: 200, values: 10_000 } as const;

/** How many problems one answer lists: a hostile body must not make a hostile answer. */
const MAX_PROBLEMS = 20;

/** NUL (PostgreSQL text cannot hold it) and UTF-16 halves without their partner (not Unicode). */
const BROKEN_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function textProblem(value: string, name = false): Reason | null {
  const found = BROKEN_TEXT.exec(value);
  if (!found) return null;
  return found[0] === '\u0000' ? reason('NUL_CHARACTER', { name }) : reason('LONE_SURROGATE', { name });
}

const EVERY_BROKEN_TEXT = new RegExp(BROKEN_TEXT.source, 'g');

/** A key as it can be shown back: broken characters replaced. */
function printable(key: string): string {
  return key.replace(EVERY_BROKEN_TEXT, '\ufffd');
}

/** A value waiting to be read: its field name is only spelt out when it has a problem. */
interface Place {
  value: unknown;
  parent: Place | null;
  key: string | number;
  depth: number;
}

function pathOf(place: Place): string {
  if (!place.parent) return '';
  const path = pathOf(place.parent);
  const key = place.key;
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${path}[${key}]`;
  return path ? `${path}.${printable(key)}` : printable(key);
}

/**
 * What breaks the bounds or holds broken text, field by field (`a.b[2].c`, or `root` for the whole input).
 * Iterative and stopping at the first bound hit, so it answers in time linear in what it was allowed to read.
 */
export function inputProblems(input: unknown, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Place[] = [{ value: input, parent: null, key: '', depth: 0 }];
  // Values seen or waiting: checked before a container's children are queued, so none is queued past the bound.
  let counted = 1;
  const tooMany = (more: number) => {
    counted += more;
    if (counted <= INPUT_LIMITS.values) return false;
    problems.push(problem(root, 'TOO_MANY_VALUES', { max: INPUT_LIMITS.values }));
    return true;
  };
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const place = stack.pop()!;
    const { value, depth } = place;
    if (typeof value === 'string') {
      const broken = textProblem(value);
      if (broken) problems.push(problemOf(pathOf(place) || root, broken));
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= INPUT_LIMITS.depth) {
      problems.push(problem(pathOf(place) || root, 'TOO_DEEP', { max: INPUT_LIMITS.depth }));
      break;
    }
    if (Array.isArray(value)) {
      if (tooMany(value.length)) break;
      for (let index = value.length - 1; index >= 0; index -= 1) stack.push({ value: value[index], parent: place, key: index, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > INPUT_LIMITS.keysPerObject) {
      problems.push(problem(pathOf(place) || root, 'TOO_MANY_KEYS', { max: INPUT_LIMITS.keysPerObject }));
      break;
    }
    if (tooMany(keys.length)) break;
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index];
      const broken = textProblem(key, true);
      if (broken) problems.push(problemOf(pathOf({ value: undefined, parent: place, key, depth: depth + 1 }), broken));
      else stack.push({ value: (value as Record<string, unknown>)[key], parent: place, key, depth: depth + 1 });
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/** The problems of a whole request: its parsed body, query string and path parameters, each named by its own field names. */
export function requestInputProblems(request: { body?: unknown; query?: unknown; params?: unknown }): FieldProblem[] {
  return [...inputProblems(request.params, 'params'), ...inputProblems(request.query, 'query'), ...inputProblems(request.body, 'body')].slice(0, MAX_PROBLEMS);
}
