/** User text arrives in NFC or NFD; we store NFC, trimmed, with runs of blanks folded. */
export function cleanText(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFC').trim().replace(/\s+/g, ' ') : value;
}

/** E-mail addresses are stored and compared in one form: NFC, trimmed, lower case. */
export function cleanEmail(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFC').trim().toLowerCase() : value;
}

/**
 * Control characters and Unicode format characters (category Cf: zero-width spaces and joiners,
 * right-to-left overrides, soft hyphens…) make a name look empty or like another name.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** The first invisible character of a name, as `U+200B`, or null when there is none. */
export function invisibleCharacter(value: string): string | null {
  const found = INVISIBLE.exec(value);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** Codes people type and files carry (unit codes, field codes, references): ASCII only, so no look-alike can pass for another. */
export const SAFE_CODE = /^[A-Za-z0-9._-]+$/;

/** Lower case with Vietnamese diacritics removed: what searches compare. */
export function searchKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ');
}

/** Text to match literally inside a LIKE pattern (its `%`, `_` and `\\` escaped). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
