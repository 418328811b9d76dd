import { isEmail } from 'class-validator';
import type { ContestKind } from '../contests/edition.types';
import type { FieldProblem } from '../core/errors/domain-error';
import { excerpt } from '../core/errors/problem-list';
import type { Table } from '../core/spreadsheet';
import type { EditionRules } from './eligibility';
import { draftProblems, EntryDraft, PHONE_PATTERN } from './entry-draft';

/** Column names of a bulk-registration file (headers are matched without case; spaces and dashes count as `_`). */
export const SCHOOL_CODE = 'school_code';
export const ENTRY_COLUMNS = ['reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'contact_phone', 'created_year'] as const;
export type AuthorPart = 'name' | 'birth_date' | 'class';
export const authorColumn = (position: number, part: AuthorPart): string => `author${position}_${part}`;
const AUTHOR_HEADER = /^author(\d{1,2})_(name|birth_date|class)$/;

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

/** Every column a file for an edition may carry, in template order, with an example value. */
export function importColumns(kind: ContestKind, maxAuthors: number, withSchoolCode: boolean, fieldCodes: string[] = []): ImportColumn[] {
  const youth = kind === 'youth';
  const columns: ImportColumn[] = [];
  if (withSchoolCode) {
    columns.push({ name: SCHOOL_CODE, required: true, description: "Code of the school registering the row: required in organisers' files; a school's own file may leave it out", example: 'ST-KS-01' });
  }
  columns.push(
    { name: 'reference', required: true, description: "The school's own reference for the entry, unique per school: re-uploading a row with the same reference adds nothing", example: 'KS01-2017-001' },
    { name: 'title', required: true, description: 'Title of the entry', example: 'Máy tưới cây tự động dùng năng lượng mặt trời' },
    { name: 'field', required: true, description: `Field code of the edition${fieldCodes.length > 0 ? ` (${fieldCodes.join(', ')})` : ''}`, example: fieldCodes[0] ?? '' },
    { name: 'summary', required: true, description: 'Short description of the entry', example: 'Hệ thống tưới nhỏ giọt điều khiển theo độ ẩm đất.' },
    { name: 'contact_name', required: true, description: 'Person to contact about the entry', example: 'Trần Thị Thu' },
    { name: 'contact_email', required: true, description: 'E-mail of the contact; the registration confirmation goes there', example: 'thu.tran@example.vn' },
    { name: 'contact_phone', required: false, description: 'Phone of the contact', example: '0912 345 678' },
    { name: 'created_year', required: !youth, description: 'Year the solution was created: required in the technical contest, optional in the youth contest', example: youth ? '' : String(new Date().getUTCFullYear() - 1) },
  );
  for (let n = 1; n <= maxAuthors; n += 1) {
    const first = n === 1;
    columns.push(
      { name: authorColumn(n, 'name'), required: first, description: `Full name of author ${n}${first ? '' : ' (leave the author columns empty when there is no such author)'}`, example: first ? 'Nguyễn Văn An' : '' },
      {
        name: authorColumn(n, 'birth_date'),
        required: first && youth,
        description: `Birth date of author ${n}: YYYY-MM-DD, DD/MM/YYYY or an Excel date (required in the youth contest)`,
        example: first ? '15/03/2008' : '',
      },
      { name: authorColumn(n, 'class'), required: false, description: `Class (pupils) or job title of author ${n}`, example: first ? '9A1' : '' },
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
  /** The `school_code` cell, or null when the file has no such column (a school importing for itself). */
  schoolCode: string | null;
  draft: EntryDraft;
}

export interface EntryRowsResult {
  rows: ImportRow[];
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

function columnKey(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
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
  const headerOf = new Map<string, string>();
  for (const header of table.headers) {
    const key = columnKey(header);
    if (key && !headerOf.has(key)) headerOf.set(key, header);
  }
  const missing = requiredColumns(rules, options.schoolCodeRequired)
    .filter((column) => !headerOf.has(column))
    .map((column) => ({ row: 1, field: column, reason: 'required column is missing' }));
  if (missing.length > 0) return { rows: [], malformed: missing, ineligible: [] };

  const authorSlots = Math.max(0, ...[...headerOf.keys()].map((key) => Number(AUTHOR_HEADER.exec(key)?.[1] ?? 0)));
  const hasSchoolCode = headerOf.has(SCHOOL_CODE);
  const rows: ImportRow[] = [];
  const malformed: FieldProblem[] = [];
  const ineligible: FieldProblem[] = [];
  const firstRowOfReference = new Map<string, number>();
  const fieldByLowerCode = new Map([...rules.fieldCodes].map((code) => [code.toLowerCase(), code]));

  for (const { row, values } of table.rows) {
    const cell = (column: string): string => {
      const header = headerOf.get(column);
      return header === undefined ? '' : (values[header] ?? '');
    };
    const rowProblems: FieldProblem[] = [];
    const problem = (field: string, reason: string) => rowProblems.push({ row, field, reason });
    const text = (column: string, limit: number, required: boolean): string => {
      const value = cell(column);
      if (required && value === '') problem(column, 'is required');
      else if (value.length > limit) problem(column, `is longer than ${limit} characters`);
      return value;
    };

    const schoolCode = hasSchoolCode ? cell(SCHOOL_CODE) : null;
    if (options.schoolCodeRequired && !schoolCode) problem(SCHOOL_CODE, 'is required: name the school of this entry');
    const reference = text('reference', MAX_LENGTH.reference, true);
    const title = text('title', MAX_LENGTH.title, true);
    const fieldText = text('field', MAX_LENGTH.field, true);
    const fieldCode = fieldByLowerCode.get(fieldText.toLowerCase()) ?? fieldText;
    const summary = text('summary', MAX_LENGTH.summary, true);
    const contactName = text('contact_name', MAX_LENGTH.contact_name, true);
    const contactEmail = text('contact_email', MAX_LENGTH.contact_email, true).toLowerCase();
    if (contactEmail && contactEmail.length <= MAX_LENGTH.contact_email && !isEmail(contactEmail)) problem('contact_email', `"${excerpt(contactEmail)}" is not an e-mail address`);
    const contactPhone = cell('contact_phone');
    if (contactPhone && !PHONE_PATTERN.test(contactPhone)) problem('contact_phone', `"${excerpt(contactPhone)}" is not a phone number: 6 to 20 digits, spaces, dots, dashes or brackets`);
    const yearText = cell('created_year');
    let createdYear: number | null = null;
    if (yearText !== '') {
      if (YEAR.test(yearText)) createdYear = Number(yearText);
      else problem('created_year', `"${excerpt(yearText)}" is not a year (4 digits)`);
    }

    const authors: EntryDraft['authors'] = [];
    /** Column number of each kept author, to name the right column in eligibility problems. */
    const slots: number[] = [];
    for (let n = 1; n <= authorSlots; n += 1) {
      const nameColumn = authorColumn(n, 'name');
      const birthColumn = authorColumn(n, 'birth_date');
      const fullName = text(nameColumn, MAX_LENGTH.author_name, false);
      const birthText = cell(birthColumn);
      const classOrJob = text(authorColumn(n, 'class'), MAX_LENGTH.author_class, false);
      if (!fullName && !birthText && !classOrJob) continue;
      if (!fullName) problem(nameColumn, `author ${n} has other columns filled but no name`);
      let birthDate: string | null = null;
      if (birthText) {
        birthDate = parseDate(birthText);
        if (!birthDate) problem(birthColumn, `"${excerpt(birthText)}" is not a date: write YYYY-MM-DD or DD/MM/YYYY`);
      }
      authors.push({ fullName, birthDate, classOrJob: classOrJob || null });
      slots.push(n);
    }

    if (reference) {
      const key = `${(schoolCode ?? '').toLowerCase()}\u0000${reference}`;
      const first = firstRowOfReference.get(key);
      if (first !== undefined) problem('reference', `"${excerpt(reference)}" is already used by row ${first} of this file${schoolCode ? ` for school ${schoolCode}` : ''}`);
      else firstRowOfReference.set(key, row);
    }

    const draft: EntryDraft = { reference, title, fieldCode, summary, contactName, contactEmail, contactPhone: contactPhone || null, createdYear, authors };
    // A cell already refused as malformed is not judged again against the rules (an unreadable date is not "missing").
    const refused = new Set(rowProblems.map((p) => p.field));
    for (const p of draftProblems(draft, rules, rules.fieldCodes, rules.currentYear)) {
      const field = columnOf(p.field, slots, rules.maxAuthors, authors.length);
      if (!refused.has(field)) ineligible.push({ row, field, reason: p.reason });
    }
    malformed.push(...rowProblems);
    rows.push({ row, schoolCode, draft });
  }
  return { rows, malformed, ineligible };
}

/** The file column behind a problem that `draftProblems` names in the single-registration vocabulary. */
function columnOf(field: string, slots: number[], maxAuthors: number, authorCount: number): string {
  const author = /^authors\[(\d+)\]\.birthDate$/.exec(field);
  if (author) return authorColumn(slots[Number(author[1])], 'birth_date');
  if (field === 'authors') return authorColumn(authorCount > maxAuthors ? slots[maxAuthors] : 1, 'name');
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
