import { length } from 'class-validator';
import { cleanText, invisibleCharacter } from './text';

/*
 * Building blocks of a DTO's `quickAccept`: the validation pipe's way round class-transformer and class-validator for
 * the body of a hot route that breaks none of its DTO's constraints. Each check is the decorator's own function; a
 * DTO's spec holds the quick way and the full check to the same answers.
 */

/** `body` when it is a plain object holding no key but `keys`. */
export function objectOf(body: unknown, keys: ReadonlySet<string>): Record<string, unknown> | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.getPrototypeOf(body) !== Object.prototype) return null;
  for (const key in body) if (!keys.has(key)) return null;
  return body as Record<string, unknown>;
}

/** Sentinel of the checks: the value breaks a constraint. */
export const BROKEN = Symbol('broken');
export type Checked<T> = T | typeof BROKEN;

/** A text the decorators `@CleanText() @IsString() @Length(min, max)` (and `@NoInvisibleCharacters()` when `visible`) accept, cleaned. */
export function text(value: unknown, min: number, max: number, visible: boolean): Checked<string> {
  const cleaned = cleanText(value);
  return typeof cleaned === 'string' && length(cleaned, min, max) && (!visible || invisibleCharacter(cleaned) === null) ? cleaned : BROKEN;
}

/** `@IsOptional()` in front of `check`: null and absent pass as they are. */
export function optional<T>(value: unknown, check: (value: unknown) => Checked<T>): Checked<T | null | undefined> {
  return value === null || value === undefined ? value : check(value);
}

/** `target` with the checked value of each key `body` holds; null when a value is broken (a required one absent among them). */
export function assign<T extends object>(target: T, body: Record<string, unknown>, checked: Record<string, unknown>): T | null {
  for (const key in checked) {
    if (checked[key] === BROKEN) return null;
    if (key in body) (target as Record<string, unknown>)[key] = checked[key];
  }
  return target;
}
