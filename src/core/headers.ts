/**
 * One reading of spreadsheet headers for every import: what an export writes (Vietnamese) and what a
 * template writes (English) name the same columns, so an exported file can be corrected and sent back.
 * No framework imports.
 */
import { FieldProblem, problem } from './errors/domain-error';
import type { Table } from './spreadsheet';
import { searchKey } from './text';

/**
 * A header as it is compared: without case or Vietnamese diacritics, with blanks, dashes and slashes as one
 * `_`: "Mã đơn vị" → `ma_don_vi`, "Parent-Code" → `parent_code`, "Lớp / Công việc" → `lop_cong_viec`.
 */
export function headerKey(header: string): string {
  return searchKey(header)
    .replace(/[\s/-]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Finds a column by header key; returns the canonical column name, or undefined for a column nobody reads. */
export type ColumnOf = (key: string) => string | undefined;

/** A ColumnOf from the accepted spellings of each column (written as anything headerKey reduces to them). */
export function byAliases(aliases: Record<string, readonly string[]>): ColumnOf {
  const columnOf = new Map<string, string>();
  for (const [column, spellings] of Object.entries(aliases)) {
    for (const spelling of [column, ...spellings]) columnOf.set(headerKey(spelling), column);
  }
  return (key) => columnOf.get(key);
}

/**
 * The table with its recognised headers renamed to canonical column names and each row keyed by them
 * (other headers stay as they were, with no values). A column given twice under two spellings is a problem on row 1,
 * since either reading could be the wrong one.
 */
export function canonicalHeaders(table: Table, columnOf: ColumnOf): { table: Table; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const sourceOf = new Map<string, string>();
  const headers = table.headers.map((header) => {
    const column = header === '' ? undefined : columnOf(headerKey(header));
    if (!column) return header;
    const earlier = sourceOf.get(column);
    if (earlier === undefined) {
      sourceOf.set(column, header);
      return column;
    }
    problems.push(problem(column, 'COLUMN_TWICE', { first: earlier, second: header }, 1));
    return header;
  });
  const rows = table.rows.map(({ row, values }) => ({
    row,
    values: Object.fromEntries([...sourceOf].map(([column, header]) => [column, values[header] ?? ''])),
  }));
  return { table: { headers, rows }, problems };
}
