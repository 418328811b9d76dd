import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { DomainError, FieldProblem } from './errors/domain-error';
import { cleanText } from './text';

export interface TableRow {
  /** 1-based row number as the user sees it in the file (the header is row 1). */
  row: number;
  /** Cell text by normalised header name (lower case, trimmed, NFC). */
  values: Record<string, string>;
}

export interface Table {
  headers: string[];
  rows: TableRow[];
}

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function isXlsx(content: Buffer): boolean {
  return content.subarray(0, 4).equals(XLSX_MAGIC);
}

function normaliseHeader(header: string): string {
  return String(cleanText(header)).toLowerCase();
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

/** The first sheet's cell texts, streamed: a whole-workbook load of a province's file costs far more memory. */
async function firstSheetOf(content: Buffer): Promise<string[][]> {
  const matrix: string[][] = [];
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        matrix[row.number - 1] = Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => cellText(values[i + 1]));
      }
      break;
    }
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'The file looks like XLSX but cannot be read', { problems: [{ field: 'file', reason: 'unreadable XLSX' }] });
  }
  return Array.from(matrix, (row) => row ?? []);
}

/**
 * Reads a CSV (UTF-8, comma or semicolon) or XLSX (first sheet) upload into rows keyed by header.
 * Blank rows are skipped; the type is decided from the content, not the file name.
 */
export async function readTable(content: Buffer): Promise<Table> {
  let matrix: string[][];
  if (isXlsx(content)) {
    matrix = await firstSheetOf(content);
  } else {
    const text = content.toString('utf8').replace(/^\uFEFF/, '');
    if (text.includes('\uFFFD')) {
      throw new DomainError('VALIDATION_FAILED', 'The CSV file is not UTF-8 text', { problems: [{ field: 'file', reason: 'save the CSV as UTF-8' }] });
    }
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    try {
      matrix = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, bom: true });
    } catch (error) {
      throw new DomainError('VALIDATION_FAILED', `The CSV file cannot be read: ${(error as Error).message}`, { problems: [{ field: 'file', reason: 'malformed CSV' }] });
    }
  }
  const [headerRow, ...body] = matrix;
  const headers = (headerRow ?? []).map(normaliseHeader);
  if (headers.filter(Boolean).length === 0) {
    throw new DomainError('VALIDATION_FAILED', 'The file has no header row', { problems: [{ field: 'file', reason: 'the first row must name the columns' }] });
  }
  const rows: TableRow[] = [];
  body.forEach((cells, index) => {
    if (cells.every((cell) => String(cell ?? '').trim() === '')) return;
    const values: Record<string, string> = {};
    headers.forEach((header, column) => {
      if (header) values[header] = String(cleanText(cells[column] ?? '') ?? '');
    });
    rows.push({ row: index + 2, values });
  });
  return { headers, rows };
}

/** Names the required columns a table lacks, as problems on row 1. */
export function missingColumns(table: Table, required: string[]): FieldProblem[] {
  return required.filter((column) => !table.headers.includes(column)).map((column) => ({ row: 1, field: column, reason: 'required column is missing' }));
}

export interface ExportColumn<T> {
  header: string;
  value: (item: T) => string | number | null;
  width?: number;
}

export function toCsv<T>(columns: ExportColumn<T>[], items: T[]): Buffer {
  const text = stringify([columns.map((c) => c.header), ...items.map((item) => columns.map((c) => c.value(item) ?? ''))]);
  // The BOM makes Excel open the UTF-8 file with Vietnamese intact.
  return Buffer.concat([Buffer.from('\uFEFF'), Buffer.from(text)]);
}

export async function toXlsx<T>(sheetName: string, columns: ExportColumn<T>[], items: T[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 20 }));
  sheet.getRow(1).font = { bold: true };
  for (const item of items) sheet.addRow(columns.map((c) => c.value(item)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
