import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS } from './domain-error';
import { isProblemCode, PROBLEM_CATALOGUE, PROBLEM_CODES, renderProblem } from './problem-codes';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Codes written at throw sites: problem(…, 'X'), reason('X'), new …Error('X'), new DomainError(status, 'X'), context { code: 'X' }. */
const USES = [
  /\b(?:problem|reason)\([^;]*?'([A-Z][A-Z0-9_]+)'/g,
  /new (?:RuleViolation|Validation|Conflict|Forbidden)Error\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /new DomainError\(\s*'[A-Z_]+',\s*'([A-Z][A-Z0-9_]+)'/g,
  /context: \{ code: '([A-Z][A-Z0-9_]+)' \}/g,
  /=> \['([A-Z][A-Z0-9_]+)',/g,
];

describe('the problem catalogue', () => {
  const src = join(__dirname, '..', '..');

  it('holds every reason code thrown anywhere in src', () => {
    const used = new Map<string, string>();
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of USES) for (const match of text.matchAll(pattern)) used.set(match[1], file);
    }
    const errorCodes = new Set(Object.keys(ERROR_STATUS));
    const missing = [...used].filter(([code]) => !isProblemCode(code) && !errorCodes.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(used.size).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('has a Vietnamese and an English message for every code, and they differ', () => {
    const incomplete = PROBLEM_CODES.filter((code) => typeof PROBLEM_CATALOGUE[code].vi !== 'function' || typeof PROBLEM_CATALOGUE[code].en !== 'function');
    expect(incomplete).toEqual([]);
    // Rendered without parameters (those that need some fall back to the bare code and are skipped), vi and en must differ.
    const untranslated = PROBLEM_CODES.filter((code) => {
      const vi = renderProblem(code, {}, 'vi');
      return vi !== code && vi === renderProblem(code, {}, 'en');
    });
    expect(untranslated).toEqual([]);
  });

  it('renders typed parameters into each language, dates as DD/MM/YYYY on the Vietnamese wall clock', () => {
    expect(renderProblem('WINDOW_CLOSED', { closedAt: '2017-07-31T10:00:00.000Z' }, 'vi')).toBe('Đăng ký đã đóng lúc 31/07/2017 17:00');
    expect(renderProblem('WINDOW_CLOSED', { closedAt: '2017-07-31T10:00:00.000Z' }, 'en')).toBe('Registration closed on 31/07/2017 17:00 (Asia/Ho_Chi_Minh)');
    const author = { index: 1, author: 'Lê Văn Tí', birthDate: '2000-01-01', bornFrom: '2001-07-31', bornTo: '2014-07-31' };
    expect(renderProblem('AUTHOR_TOO_OLD', author, 'vi')).toBe('Lê Văn Tí: sinh ngày 01/01/2000, ngoài khoảng được dự thi 31/07/2001 – 31/07/2014');
    expect(renderProblem('TOO_LONG', { max: 200 }, 'en')).toBe('must be at most 200 characters');
  });

  it('shows every instant and date it is given as DD/MM/YYYY (HH:mm in Vietnam), never as ISO, in both languages', () => {
    // Parameters named for instants get one, those named for dates a date, every other one a bare word.
    const INSTANT = /At$|^until$/;
    const DATE = /^born(From|To)$|On$/;
    const sample = new Proxy({} as Record<string, unknown>, {
      get: (_, key) => (typeof key !== 'string' || key === 'timeZone' ? undefined : INSTANT.test(key) ? '2017-07-31T10:00:00.000Z' : DATE.test(key) ? '2008-02-03' : 'X'),
    });
    const shown: string[] = [];
    const iso: string[] = [];
    // JSON carries instants as ISO 8601: the message that says so shows an example of it.
    for (const code of PROBLEM_CODES.filter((c) => c !== 'NOT_A_DATE_TIME')) {
      for (const locale of ['vi', 'en'] as const) {
        const text = renderProblem(code, sample, locale);
        if (/31\/07\/2017 17:00|03\/02\/2008/.test(text)) shown.push(code);
        if (/\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}/.test(text)) iso.push(`${code} (${locale}): ${text}`);
      }
    }
    expect(iso).toEqual([]);
    // The check reached the codes that carry times: the registration and scoring windows, birth dates, objections.
    for (const code of ['WINDOW_CLOSED', 'WINDOW_NOT_OPEN', 'WINDOW_ORDER', 'BORN_AFTER_CLOSE', 'SCORING_WINDOW', 'PICK_WINDOW', 'OBJECTION_WINDOW_UNTIL']) expect(shown).toContain(code);
  });

  it('never fails while rendering: an unknown code or unreadable parameters leave the code', () => {
    expect(renderProblem('NO_SUCH_CODE', {}, 'vi')).toBe('NO_SUCH_CODE');
    expect(renderProblem('NOT_ONE_OF', {}, 'vi')).toBe('NOT_ONE_OF');
  });
});
