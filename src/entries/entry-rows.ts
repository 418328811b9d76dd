import { isEmail } from 'class-validator';
import type { ContestKind } from '../contests/edition.types';
import { FieldProblem, problem } from '../core/errors/domain-error';
import type { ProblemCode, ProblemParams } from '../core/errors/problem-codes';
import { excerpt } from '../core/errors/problem-list';
import { byAliases, canonicalHeaders, ColumnOf } from '../core/headers';
import type { Table } from '../core/spreadsheet';
import type { EditionRules } from './eligibility';
import { draftProblems, EntryDraft, PHONE_PATTERN } from './entry-draft';

/**
 * Column names of a bulk-registration file. Headers are matched without case or diacritics (blanks, dashes and
 * slashes count as `_`), and the Vietnamese headers of the entry export name the same columns, so an export can be
 * corrected and imported again.
 */
export const UNIT_CODE = 'unit_code';
export const ENTRY_COLUMNS = ['reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'contact_phone', 'created_year'] as const;
export type AuthorPart = 'name' | 'birth_date' | 'class';
export const authorColumn = (position: number, part: AuthorPart): string => `author${position}_${part}`;
const AUTHOR_HEADER = /^author(\d{1,2})_(name|birth_date|class)$/;
/** The export's columns that list every author of an entry in one cell each, separated by `;`, `–` for a gap. */
const AUTHOR_LIST: Record<AuthorPart, string> = { name: 'authors', birth_date: 'authors_birth_date', class: 'authors_class' };

/** Other spellings of each column: the export's Vietnamese headers (entry-export.ts) and earlier names. */
const ALIASES: Record<string, string[]> = {
  [UNIT_CODE]: ['school_code', 'organisation_code', 'mã đơn vị', 'mã trường'],
  reference: ['mã hồ sơ'],
  title: ['tên sản phẩm dự thi', 'tên giải pháp'],
  field: ['field_code', 'mã lĩnh vực'],
  summary: ['tóm tắt', 'mô tả'],
  contact_name: ['người liên hệ'],
  contact_email: ['email liên hệ'],
  contact_phone: ['điện thoại'],
  created_year: ['năm tạo ra'],
  [AUTHOR_LIST.name]: ['tác giả'],
  [AUTHOR_LIST.birth_date]: ['ngày sinh'],
  [AUTHOR_LIST.class]: ['lớp / công việc'],
};
const aliasOf = byAliases(ALIASES);
const entryColumnOf: ColumnOf = (key) => aliasOf(key) ?? (AUTHOR_HEADER.test(key) ? key : undefined);

/**
 * The reference of the template's example row. A row with it is the example left in place: it is never registered
 * (its contact is a placeholder), only reported back.
 */
export const EXAMPLE_REFERENCE = 'VI-DU';

/** Longest text accepted per column, as for a single registration; longer cells are refused rather than cut. */
export const MAX_LENGTH = {
  reference: 50,
  title: 500,
  field: 20,
  summary: 5000,
  contact_name: 200,
  contact_email: 200,
  author_name: 200,
  author_class: 100,
} as const;

export interface ImportRules extends EditionRules {
  fieldCodes: ReadonlySet<string>;
  /** For the technical contest's "not in the future" check; defaults to the current year. */
  currentYear?: number;
}

export interface ImportColumn {
  name: string;
  required: boolean;
  description: string;
  example: string;
}

/** What the template's example row shows: a pupil's model in the youth contest, an engineer's solution in the technical one. */
const YOUTH_EXAMPLE = {
  unitCode: 'ST-KS-01',
  title: 'Ví dụ, dòng này không được đăng ký: Máy tưới cây tự động dùng năng lượng mặt trời',
  summary: 'Hệ thống tưới nhỏ giọt điều khiển theo độ ẩm đất.',
  contactName: 'Trần Thị Thu (giáo viên hướng dẫn)',
  author: 'Nguyễn Văn An',
  classOrJob: '9A1',
};
const TECHNICAL_EXAMPLE = {
  unitCode: 'CTY-CODIEN-01',
  title: 'Ví dụ, dòng này không được đăng ký: Giải pháp tự động hóa dây chuyền sấy lúa bằng cảm biến độ ẩm',
  summary: 'Điều khiển nhiệt độ sấy theo độ ẩm hạt, giảm 20% điện năng; đã áp dụng tại nhà máy từ năm trước.',
  contactName: 'Lê Minh Tâm (phòng kỹ thuật)',
  author: 'Phạm Quốc Hùng',
  classOrJob: 'Kỹ sư cơ điện',
};

/** Every column a file for an edition may carry, in template order, with an example value. */
export function importColumns(kind: ContestKind, maxAuthors: number, withSchoolCode: boolean, fieldCodes: string[] = []): ImportColumn[] {
  const youth = kind === 'youth';
  const columns: ImportColumn[] = [];
  const example = youth ? YOUTH_EXAMPLE : TECHNICAL_EXAMPLE;
  if (withSchoolCode) {
    columns.push({
      name: UNIT_CODE,
      required: true,
      description: "Code of the school or organisation registering the row (`school_code` is read too): required in organisers' files; a school's or organisation's own file may leave it out",
      example: example.unitCode,
    });
  }
  columns.push(
    {
      name: 'reference',
      required: true,
      description: `The registering unit's own reference for the entry, unique per unit: re-uploading a row with the same reference adds nothing. A row with the reference ${EXAMPLE_REFERENCE} is the template's example and is never registered`,
      example: EXAMPLE_REFERENCE,
    },
    { name: 'title', required: true, description: 'Title of the entry', example: example.title },
    { name: 'field', required: true, description: `Field code of the edition${fieldCodes.length > 0 ? ` (${fieldCodes.join(', ')})` : ''}`, example: fieldCodes[0] ?? '' },
    { name: 'summary', required: true, description: 'Short description of the entry', example: example.summary },
    { name: 'contact_name', required: true, description: 'Person to contact about the entry', example: example.contactName },
    { name: 'contact_email', required: true, description: 'E-mail of the contact; the registration confirmation goes there', example: 'vi-du@example.invalid' },
    { name: 'contact_phone', required: false, description: 'Phone of the contact', example: '0912 345 678' },
    {
      name: 'created_year',
      required: !youth,
      description: 'Year the solution was created: required in the technical contest, optional in the youth contest',
      example: youth ? '' : String(new Date().getUTCFullYear() - 1),
    },
  );
  for (let n = 1; n <= maxAuthors; n += 1) {
    const first = n === 1;
    columns.push(
      {
        name: authorColumn(n, 'name'),
        required: first,
        description: `Full name of author ${n}${first ? '' : ' (leave the author columns empty when there is no such author)'}`,
        example: first ? example.author : '',
      },
      {
        name: authorColumn(n, 'birth_date'),
        required: first && youth,
        description: `Birth date of author ${n}: YYYY-MM-DD, DD/MM/YYYY or an Excel date (required in the youth contest)`,
        example: first && youth ? '15/03/2008' : '',
      },
      { name: authorColumn(n, 'class'), required: false, description: `Class (pupils) or job title of author ${n}`, example: first ? example.classOrJob : '' },
    );
  }
  return columns;
}

/** Markdown list of the columns, for the API docs: "(required)" marks what every file needs, whatever the contest. */
export function describeImportColumns(): string {
  const kinds = [importColumns('youth', 1, false), importColumns('technical', 1, false)];
  const always = (name: string) => kinds.every((columns) => columns.some((c) => c.name === name && c.required));
  const lines = importColumns('youth', 2, true).map((c) => `- \`${c.name}\`${always(c.name) ? ' (required)' : ''}: ${c.description}`);
  return [...lines, "- … and so on up to `authorN_*`, N being the edition's maximum number of authors."].join('\n');
}

export interface ImportRow {
  /** Row number as the user sees it in the file (the header is row 1). */
  row: number;
  /** The `unit_code` cell, or null when the file has no such column (a school or organisation importing for itself). */
  schoolCode: string | null;
  draft: EntryDraft;
}

export interface EntryRowsResult {
  rows: ImportRow[];
  /** Rows holding the template's example (reference EXAMPLE_REFERENCE), left out unread. */
  examples: number[];
  /** The file cannot be read as intended: missing columns or cells, bad dates, e-mails, duplicate references. */
  malformed: FieldProblem[];
  /** Well-formed rows that break the edition's rules: unknown field, ineligible authors, too many authors. */
  ineligible: FieldProblem[];
}

const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const VN_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;
const EXCEL_SERIAL = /^\d{5}$/;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const YEAR = /^\d{4}$/;

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * A date cell as YYYY-MM-DD, or null when it is not a real date. Accepts YYYY-MM-DD, DD/MM/YYYY (the
 * Vietnamese order; `-` and `.` also separate) and a 5-digit Excel date serial, which is what a date
 * cell shows when its date format is lost (39522 = 2008-03-15).
 */
export function parseDate(text: string): string | null {
  const value = text.trim();
  const iso = ISO_DATE.exec(value);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const vn = VN_DATE.exec(value);
  if (vn) return isoDate(Number(vn[3]), Number(vn[2]), Number(vn[1]));
  if (EXCEL_SERIAL.test(value)) return new Date(EXCEL_EPOCH_MS + Number(value) * DAY_MS).toISOString().slice(0, 10);
  return null;
}

/** Columns every file for this edition must have. */
export function requiredColumns(rules: EditionRules, withSchoolCode: boolean): string[] {
  return importColumns(rules.eligibility.kind, 1, withSchoolCode)
    .filter((c) => c.required)
    .map((c) => c.name);
}

/**
 * Reads every row of a bulk-registration file (cells already trimmed and NFC, as `readTable` gives them)
 * into entry drafts and collects EVERY problem, each as
 * `{ row, field: <column name>, reason }`. Nothing is partial: callers write only when both lists are empty.
 * With a missing column only the columns are reported, since every row would repeat the same complaint.
 * Author columns may have gaps (author1 and author3 filled): authors are kept in column order.
 */
export function readEntryRows(table: Table, rules: ImportRules, options: { schoolCodeRequired: boolean }): EntryRowsResult {
  const { table: canonical, problems: headerProblems } = canonicalHeaders(table, entryColumnOf);
  const columns = new Set(canonical.headers);
  const authorSlots = Math.max(0, ...canonical.headers.map((key) => Number(AUTHOR_HEADER.exec(key)?.[1] ?? 0)));
  const listed = Object.values(AUTHOR_LIST).filter((column) => columns.has(column));
  if (authorSlots > 0 && listed.length > 0) {
    headerProblems.push(problem(listed[0], 'AUTHORS_TWO_WAYS', {}, 1));
  }
  const inList = authorSlots === 0 && listed.length > 0;
  /** The column that holds a part of author n: its own column, or the list column of an export. */
  const authorColumnOf = (n: number, part: AuthorPart) => (inList ? AUTHOR_LIST[part] : authorColumn(n, part));
  const has = (column: string) => {
    const author = inList ? AUTHOR_HEADER.exec(column) : null;
    return columns.has(column) || (author !== null && columns.has(AUTHOR_LIST[author[2] as AuthorPart]));
  };
  const missing = requiredColumns(rules, options.schoolCodeRequired)
    .filter((column) => !has(column))
    .map((column) => problem(column, 'COLUMN_MISSING', {}, 1));
  if (missing.length > 0 || headerProblems.length > 0) return { rows: [], examples: [], malformed: [...headerProblems, ...missing], ineligible: [] };

  const hasSchoolCode = columns.has(UNIT_CODE);
  const rows: ImportRow[] = [];
  const examples: number[] = [];
  const malformed: FieldProblem[] = [];
  const ineligible: FieldProblem[] = [];
  const firstRowOfReference = new Map<string, number>();
  const fieldByLowerCode = new Map([...rules.fieldCodes].map((code) => [code.toLowerCase(), code]));

  for (const { row, values } of canonical.rows) {
    const cell = (column: string): string => values[column] ?? '';
    if (cell('reference').toUpperCase() === EXAMPLE_REFERENCE) {
      examples.push(row);
      continue;
    }
    const rowProblems: FieldProblem[] = [];
    const report = <C extends ProblemCode>(field: string, code: C, params: ProblemParams<C>) => rowProblems.push(problem(field, code, params, row));
    const text = (column: string, limit: number, required: boolean): string => {
      const value = cell(column);
      if (required && value === '') report(column, 'FIELD_REQUIRED', {});
      else if (value.length > limit) report(column, 'CELL_TOO_LONG', { max: limit });
      return value;
    };

    const schoolCode = hasSchoolCode ? cell(UNIT_CODE) : null;
    if (options.schoolCodeRequired && !schoolCode) report(UNIT_CODE, 'CELL_REQUIRED_SCHOOL', {});
    const reference = text('reference', MAX_LENGTH.reference, true);
    const title = text('title', MAX_LENGTH.title, true);
    const fieldText = text('field', MAX_LENGTH.field, true);
    const fieldCode = fieldByLowerCode.get(fieldText.toLowerCase()) ?? fieldText;
    const summary = text('summary', MAX_LENGTH.summary, true);
    const contactName = text('contact_name', MAX_LENGTH.contact_name, true);
    const contactEmail = text('contact_email', MAX_LENGTH.contact_email, true).toLowerCase();
    if (contactEmail && contactEmail.length <= MAX_LENGTH.contact_email && !isEmail(contactEmail)) report('contact_email', 'CELL_NOT_AN_EMAIL', { value: excerpt(contactEmail) });
    const contactPhone = cell('contact_phone');
    if (contactPhone && !PHONE_PATTERN.test(contactPhone)) report('contact_phone', 'CELL_NOT_A_PHONE', { value: excerpt(contactPhone) });
    const yearText = cell('created_year');
    let createdYear: number | null = null;
    if (yearText !== '') {
      if (YEAR.test(yearText)) createdYear = Number(yearText);
      else report('created_year', 'CELL_NOT_A_YEAR', { value: excerpt(yearText) });
    }

    const authors: EntryDraft['authors'] = [];
    /** Column number of each kept author, to name the right column in eligibility problems. */
    const slots: number[] = [];
    const lists = inList ? listedAuthors(cell) : null;
    const slotCount = lists ? Math.max(lists.name.length, lists.birth_date.length, lists.class.length) : authorSlots;
    for (let n = 1; n <= slotCount; n += 1) {
      const part = (p: AuthorPart) => (lists ? (lists[p][n - 1] ?? '') : cell(authorColumn(n, p)));
      // In a list column, say which author of the list a problem is about.
      const which = lists ? { author: n } : {};
      const nameColumn = authorColumnOf(n, 'name');
      const birthColumn = authorColumnOf(n, 'birth_date');
      const classColumn = authorColumnOf(n, 'class');
      const fullName = part('name');
      const birthText = part('birth_date');
      const classOrJob = part('class');
      if (fullName.length > MAX_LENGTH.author_name) report(nameColumn, 'CELL_TOO_LONG', { max: MAX_LENGTH.author_name, ...which });
      if (classOrJob.length > MAX_LENGTH.author_class) report(classColumn, 'CELL_TOO_LONG', { max: MAX_LENGTH.author_class, ...which });
      if (!fullName && !birthText && !classOrJob) continue;
      if (!fullName) report(nameColumn, 'AUTHOR_WITHOUT_NAME', { index: n - 1 });
      let birthDate: string | null = null;
      if (birthText) {
        birthDate = parseDate(birthText);
        if (!birthDate) report(birthColumn, 'CELL_NOT_A_DATE', { value: excerpt(birthText), ...which });
      }
      authors.push({ fullName, birthDate, classOrJob: classOrJob || null });
      slots.push(n);
    }

    if (reference) {
      const key = `${(schoolCode ?? '').toLowerCase()}\u0000${reference}`;
      const first = firstRowOfReference.get(key);
      if (first !== undefined) report('reference', 'REFERENCE_REPEATED_IN_FILE', { reference: excerpt(reference), firstRow: first, schoolCode });
      else firstRowOfReference.set(key, row);
    }

    const draft: EntryDraft = { reference, title, fieldCode, summary, contactName, contactEmail, contactPhone: contactPhone || null, createdYear, authors };
    // A cell already refused as malformed is not judged again against the rules (an unreadable date is not "missing").
    const refused = new Set(rowProblems.map((p) => p.field));
    for (const p of draftProblems(draft, rules, rules.fieldCodes, rules.currentYear)) {
      const field = columnOf(p.field, slots, rules.maxAuthors, authors.length, authorColumnOf);
      if (!refused.has(field)) ineligible.push({ ...p, row, field });
    }
    malformed.push(...rowProblems);
    rows.push({ row, schoolCode, draft });
  }
  return { rows, examples, malformed, ineligible };
}

/** The authors of an export's row, one entry per author in each list column; `–` marks an author without that value. */
function listedAuthors(cell: (column: string) => string): Record<AuthorPart, string[]> {
  const split = (text: string) =>
    text === ''
      ? []
      : text
          .split(';')
          .map((value) => value.trim())
          .map((value) => (value === '–' ? '' : value));
  return { name: split(cell(AUTHOR_LIST.name)), birth_date: split(cell(AUTHOR_LIST.birth_date)), class: split(cell(AUTHOR_LIST.class)) };
}

/** The file column behind a problem that `draftProblems` names in the single-registration vocabulary. */
function columnOf(field: string, slots: number[], maxAuthors: number, authorCount: number, authorColumnOf: (n: number, part: AuthorPart) => string): string {
  const author = /^authors\[(\d+)\]\.birthDate$/.exec(field);
  if (author) return authorColumnOf(slots[Number(author[1])], 'birth_date');
  if (field === 'authors') return authorColumnOf(authorCount > maxAuthors ? slots[maxAuthors] : 1, 'name');
  if (field === 'fieldCode') return 'field';
  if (field === 'createdYear') return 'created_year';
  return field;
}

/**
 * Columns in which a row differs from the entry already registered under its reference: empty when the
 * row is that entry again (a re-upload, skipped), otherwise the row would silently change nothing, so it is refused.
 */
export function changedColumns(row: EntryDraft, registered: EntryDraft): string[] {
  const scalar: Array<[keyof EntryDraft, string]> = [
    ['title', 'title'],
    ['fieldCode', 'field'],
    ['summary', 'summary'],
    ['contactName', 'contact_name'],
    ['contactEmail', 'contact_email'],
    ['contactPhone', 'contact_phone'],
    ['createdYear', 'created_year'],
  ];
  const changed = scalar.filter(([key]) => (row[key] ?? null) !== (registered[key] ?? null)).map(([, column]) => column);
  const parts: Array<[keyof EntryDraft['authors'][number], AuthorPart]> = [
    ['fullName', 'name'],
    ['birthDate', 'birth_date'],
    ['classOrJob', 'class'],
  ];
  for (let i = 0; i < Math.max(row.authors.length, registered.authors.length); i += 1) {
    for (const [key, part] of parts) {
      if ((row.authors[i]?.[key] ?? null) !== (registered.authors[i]?.[key] ?? null)) changed.push(authorColumn(i + 1, part));
    }
  }
  return changed;
}
