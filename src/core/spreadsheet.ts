import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import { once } from 'node:events';
import { PassThrough, pipeline, Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type * as Unzipper from 'unzipper';
import { DomainError, FieldProblem, problem, problemOf, Reason, reason } from './errors/domain-error';
import { cleanText } from './text';

/**
 * exceljs and the zip libraries under it are about a third of the code the app loads: they load on first use, or
 * when `preloadSpreadsheets` is called (the server does so before it listens, so no request waits for them).
 */
let loaded: { excel: typeof ExcelJS; unzipper: typeof Unzipper } | undefined;
function spreadsheetLibraries(): { excel: typeof ExcelJS; unzipper: typeof Unzipper } {
  loaded ??= { excel: require('exceljs') as typeof ExcelJS, unzipper: require('unzipper') as typeof Unzipper };
  return loaded;
}
export const excel = (): typeof ExcelJS => spreadsheetLibraries().excel;
export function preloadSpreadsheets(): void {
  spreadsheetLibraries();
}

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

/**
 * What an upload may hold. A national file of 20,000+ entries fits with room to spare; anything past a
 * bound is refused as soon as the reader meets it, before the rest of the file is read.
 */
export const TABLE_LIMITS = {
  /** Rows under the header. */
  rows: 50_000,
  columns: 100,
  cellChars: 10_000,
  /** Inflated bytes of all the parts of an XLSX together, counted as they inflate (the sizes the ZIP declares may lie). */
  xlsxBytes: 100 * 1024 * 1024,
  xlsxParts: 1_000,
} as const;

export type TableLimits = { [K in keyof typeof TABLE_LIMITS]: number };

/** Rows read between two turns of the event loop, so that other requests are served while a big file is read. */
const ROWS_PER_TURN = 500;
const CSV_CHUNK_BYTES = 64 * 1024;

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function isXlsx(content: Buffer): boolean {
  return content.subarray(0, 4).equals(XLSX_MAGIC);
}

function fileProblem(why: Reason, row?: number): DomainError {
  return new DomainError('VALIDATION_FAILED', 'FILE_UNREADABLE', { why }, { problems: [problemOf('file', why, row)] });
}

/** A bound of TABLE_LIMITS was hit: `limit` and `max` name it for clients that translate the reason. */
function overLimit(code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE', limit: keyof TableLimits, max: number, why: Reason, row?: number): DomainError {
  return new DomainError(code, 'FILE_REFUSED', { why }, { problems: [problemOf('file', why, row)], limit, max });
}

/** A column as Excel names it (1 → A, 28 → AB), since organisers open both CSV and XLSX in Excel. */
function columnName(number: number): string {
  let letters = '';
  for (let n = number; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function normaliseHeader(header: string): string {
  return String(cleanText(header)).toLowerCase();
}

/**
 * Collects rows in file order under the bounds, one row at a time: nothing is ever allocated by a row or
 * column number the file claims.
 */
class TableBuilder {
  private headers: string[] | null = null;
  readonly rows: TableRow[] = [];
  private lastRow = 0;
  private sinceTurn = 0;

  constructor(private readonly limits: TableLimits) {}

  /** Checks a row number before its cells are looked at, so a row beyond the bound costs nothing. */
  rowNumber(number: number): void {
    if (number > this.limits.rows + 1) {
      throw overLimit('PAYLOAD_TOO_LARGE', 'rows', this.limits.rows, reason('FILE_TOO_MANY_ROWS', { max: this.limits.rows, row: number }), number);
    }
  }

  column(row: number, column: number): void {
    if (column > this.limits.columns) {
      throw overLimit('VALIDATION_FAILED', 'columns', this.limits.columns, reason('FILE_TOO_MANY_COLUMNS', { max: this.limits.columns, row, column: columnName(column) }), row);
    }
  }

  cell(row: number, column: number, text: string): string {
    if (text.length > this.limits.cellChars) {
      throw overLimit('VALIDATION_FAILED', 'cellChars', this.limits.cellChars, reason('FILE_CELL_TOO_LONG', { max: this.limits.cellChars, cell: `${columnName(column)}${row}` }), row);
    }
    return text;
  }

  /** `cells` by column, from column A; holes are empty cells. */
  add(number: number, cells: string[]): void {
    this.rowNumber(number);
    if (number <= this.lastRow) throw fileProblem(reason('FILE_ROWS_OUT_OF_ORDER', { row: number, after: this.lastRow }), number);
    if (this.headers === null && number !== 1) throw noHeader();
    this.lastRow = number;
    if (this.headers === null) {
      this.headers = Array.from(cells, (cell) => normaliseHeader(cell ?? ''));
      if (this.headers.filter(Boolean).length === 0) throw noHeader();
      return;
    }
    if (cells.every((cell) => String(cell ?? '').trim() === '')) return;
    const values: Record<string, string> = {};
    this.headers.forEach((header, column) => {
      if (header) values[header] = fromInertCell(String(cleanText(cells[column] ?? '') ?? ''));
    });
    this.rows.push({ row: number, values });
  }

  /** Lets the event loop turn every few hundred rows. */
  async breathe(): Promise<void> {
    this.sinceTurn += 1;
    if (this.sinceTurn < ROWS_PER_TURN) return;
    this.sinceTurn = 0;
    await nextTurn();
  }

  table(): Table {
    if (this.headers === null) throw noHeader();
    return { headers: this.headers, rows: this.rows };
  }
}

function noHeader(): DomainError {
  return fileProblem(reason('FILE_NO_HEADER', {}));
}

function unreadableXlsx(): DomainError {
  return fileProblem(reason('FILE_UNREADABLE_XLSX', {}));
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

/**
 * Inflates every part of the archive as the XLSX reader will (same ZIP parser, same order of local
 * entries) without keeping anything, counting the bytes that actually come out: a part that inflates
 * past the bound is stopped there, whatever size the archive declares.
 */
async function checkXlsxParts(content: Buffer, limits: TableLimits): Promise<void> {
  let parts = 0;
  let inflated = 0;
  // pipeline() reports its own abort rather than what stopped it, so the refusal is kept aside.
  let refusal: DomainError | undefined;
  const refuse = (error: DomainError) => {
    refusal = error;
    throw error;
  };
  try {
    await pipelineAsync(Readable.from([content]), spreadsheetLibraries().unzipper.Parse({ forceStream: true }), async (entries: AsyncIterable<Unzipper.Entry>) => {
      for await (const entry of entries) {
        parts += 1;
        if (parts > limits.xlsxParts) refuse(overLimit('PAYLOAD_TOO_LARGE', 'xlsxParts', limits.xlsxParts, reason('FILE_TOO_MANY_PARTS', { max: limits.xlsxParts })));
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          inflated += chunk.length;
          if (inflated > limits.xlsxBytes) {
            refuse(overLimit('PAYLOAD_TOO_LARGE', 'xlsxBytes', limits.xlsxBytes, reason('FILE_INFLATES_TOO_MUCH', { maxMegabytes: limits.xlsxBytes / 1024 / 1024, part: entry.path })));
          }
        }
      }
    });
  } catch {
    throw refusal ?? unreadableXlsx();
  }
}

/**
 * The first sheet, streamed row by row: a whole-workbook load of a province's file costs far more memory.
 * exceljs's streaming reader now and then loses the content of `xl/workbook.xml` (its model stays undefined and it
 * fails with a TypeError) on a file it reads the next time: one more try, on a fresh table, tells that apart from
 * a broken file. The bounds were checked before either try, so a second try costs at most one more bounded read.
 */
async function readXlsx(content: Buffer, limits: TableLimits): Promise<Table> {
  await checkXlsxParts(content, limits);
  for (let attempt = 1; ; attempt += 1) {
    const builder = new TableBuilder(limits);
    try {
      await readFirstSheet(content, builder);
      return builder.table();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (attempt === 2) throw unreadableXlsx();
    }
  }
}

async function readFirstSheet(content: Buffer, builder: TableBuilder): Promise<void> {
  const workbook = new (excel().stream.xlsx.WorkbookReader)(Readable.from([content]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let previous = 0;
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      // The row number is optional in the format: a row without one follows the previous row.
      const number = Number.isSafeInteger(row.number) ? row.number : previous + 1;
      builder.rowNumber(number);
      const cells: string[] = [];
      row.eachCell((cell, column) => {
        builder.column(number, column);
        cells[column - 1] = builder.cell(number, column, cellText(cell.value));
      });
      builder.add(number, cells);
      previous = number;
      await builder.breathe();
    }
    break;
  }
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const SEMICOLON = 0x3b;
const COMMA = 0x2c;

/** Semicolon when the header line has more semicolons than commas (Excel's CSV in Vietnamese locales). */
function delimiterOf(content: Buffer): number {
  let semicolons = 0;
  let commas = 0;
  for (let i = 0; i < content.length && content[i] !== NEWLINE; i += 1) {
    if (content[i] === SEMICOLON) semicolons += 1;
    else if (content[i] === COMMA) commas += 1;
  }
  return semicolons > commas ? SEMICOLON : COMMA;
}

/**
 * Follows the CSV's records and cells over the raw bytes as csv-parse will split them (a quote opens or
 * closes a quoted cell, and `""` inside one does both), so that a row or a cell beyond the bounds is
 * refused before the parser builds it. csv-parse has no bound on cells per record, and checking each cell
 * in its `cast` hook costs it ten times its own parsing time.
 */
class CsvShape {
  private quoted = false;
  private row = 1;
  private column = 1;
  /** After a line break, the next row starts only with its first byte: a final line break opens no row. */
  private rowEnded = false;

  constructor(
    private readonly delimiter: number,
    private readonly builder: TableBuilder,
  ) {}

  scan(bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i += 1) {
      const byte = bytes[i];
      if (this.rowEnded) {
        this.rowEnded = false;
        this.row += 1;
        this.column = 1;
        this.builder.rowNumber(this.row);
      }
      if (byte === QUOTE) {
        this.quoted = !this.quoted;
      } else if (this.quoted) {
        continue;
      } else if (byte === this.delimiter) {
        this.column += 1;
        this.builder.column(this.row, this.column);
      } else if (byte === NEWLINE) {
        this.rowEnded = true;
      }
    }
  }
}

/** The file as UTF-8 text in chunks, each checked for its shape first, one chunk per turn of the event loop. */
async function* utf8Chunks(content: Buffer, shape: CsvShape): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let offset = 0; offset < content.length; offset += CSV_CHUNK_BYTES) {
      const bytes = content.subarray(offset, offset + CSV_CHUNK_BYTES);
      shape.scan(bytes);
      yield decoder.decode(bytes, { stream: true });
      await nextTurn();
    }
    yield decoder.decode();
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw fileProblem(reason('FILE_NOT_UTF8', {}));
    throw error;
  }
}

/** Streams the CSV through csv-parse within the bounds. */
async function readCsv(content: Buffer, builder: TableBuilder, limits: TableLimits): Promise<void> {
  const delimiter = delimiterOf(content);
  const parser = parse({
    delimiter: String.fromCharCode(delimiter),
    relax_column_count: true,
    skip_empty_lines: false,
    bom: true,
    // All the cells of a record together: bounds what a single cell can grow to before it is checked.
    max_record_size: limits.columns * limits.cellChars,
  });
  try {
    // pipeline() carries an error of the source (bounds, encoding) into the parser, and so into this loop.
    const records = pipeline(Readable.from(utf8Chunks(content, new CsvShape(delimiter, builder))), parser, () => undefined);
    let row = 0;
    for await (const cells of records as AsyncIterable<string[]>) {
      row += 1;
      cells.forEach((cell, column) => builder.cell(row, column + 1, cell));
      builder.add(row, cells);
      await builder.breathe();
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if ((error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') {
      const row = (error as { records: number }).records + 1;
      throw overLimit('VALIDATION_FAILED', 'cellChars', limits.cellChars, reason('FILE_ROW_TOO_LONG', { max: limits.columns * limits.cellChars, row }), row);
    }
    throw fileProblem(reason('FILE_MALFORMED_CSV', { detail: (error as Error).message }));
  }
}

/**
 * Reads a CSV (UTF-8, comma or semicolon) or XLSX (first sheet) upload into rows keyed by header.
 * Blank rows are skipped; the type is decided from the content, not the file name. A file beyond
 * TABLE_LIMITS is refused (413 for rows and inflated size, 400 for columns and cells), naming the limit.
 */
export async function readTable(content: Buffer, limits: TableLimits = TABLE_LIMITS): Promise<Table> {
  if (isXlsx(content)) return readXlsx(content, limits);
  const builder = new TableBuilder(limits);
  await readCsv(content, builder, limits);
  return builder.table();
}

/** Names the required columns a table lacks, as problems on row 1. */
export function missingColumns(table: Table, required: string[]): FieldProblem[] {
  return required.filter((column) => !table.headers.includes(column)).map((column) => problem(column, 'COLUMN_MISSING', {}, 1));
}

export interface ExportColumn<T> {
  header: string;
  value: (item: T) => string | number | null;
  width?: number;
}

/** What makes Excel, LibreOffice or Sheets read a CSV cell as a formula (TAB and CR as well, per OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell that a spreadsheet program would run as a formula, made inert by a leading apostrophe.
 * Numbers stay numbers, negative ones included. XLSX exports need none of this: exceljs writes text as
 * string cells, which Excel never evaluates.
 */
export function inertCell(value: string | number | null): string | number {
  if (value === null) return '';
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** What inertCell wrote reads back as what was stored, so an exported CSV can be imported again unchanged. */
export function fromInertCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

// The BOM makes Excel open the UTF-8 file with Vietnamese intact.
const csvHead = <T>(columns: ExportColumn<T>[]) => `\uFEFF${stringify([columns.map((c) => inertCell(c.header))])}`;
const csvLines = <T>(columns: ExportColumn<T>[], items: T[]) => stringify(items.map((item) => columns.map((c) => inertCell(c.value(item)))));

export function toCsv<T>(columns: ExportColumn<T>[], items: T[]): Buffer {
  return Buffer.from(csvHead(columns) + csvLines(columns, items));
}

export async function toXlsx<T>(sheetName: string, columns: ExportColumn<T>[], items: T[]): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 20 }));
  sheet.getRow(1).font = { bold: true };
  for (const item of items) sheet.addRow(columns.map((c) => c.value(item)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Rows handed to a streaming export one batch at a time (a database cursor); an empty batch ends them. */
export interface RowBatches<T> {
  next(): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Rows formatted between two turns of the event loop: about a millisecond, so that other requests are not held up.
 * Measured at 150,000 entries beside 10 clients of GET /auth/me: at 100 rows a turn an XLSX export took their p99
 * from 3 ms to 26-34 ms, at 25 to 8 ms, for the same export time.
 */
const EXPORT_ROWS_PER_TURN = 25;
/** Bytes the response may hold unsent before more rows are written: memory stays flat however slow the client. */
const EXPORT_BUFFER_BYTES = 1024 * 1024;

/**
 * Writes the batches into `out` as they come, EXPORT_ROWS_PER_TURN rows per turn of the event loop, waiting while the client has
 * not taken what was already written. A client that goes away closes `out`, which closes the rows (their query
 * stops); a failing batch destroys `out`, so the download ends short instead of looking complete.
 */
function pump<T>(out: PassThrough, rows: RowBatches<T>, first: T[], write: (batch: T[]) => void, finish: () => Promise<void>): void {
  out.once('close', () => void rows.close());
  const unsent = () => out.writableLength + out.readableLength;
  void (async () => {
    for (let batch = first; batch.length > 0; batch = await rows.next()) {
      for (let start = 0; start < batch.length; start += EXPORT_ROWS_PER_TURN) {
        write(batch.slice(start, start + EXPORT_ROWS_PER_TURN));
        await nextTurn();
        while (!out.destroyed && unsent() > EXPORT_BUFFER_BYTES) await Promise.race([once(out, 'drain'), once(out, 'close')]).catch(() => undefined);
        if (out.destroyed) return;
      }
    }
    await finish();
  })().catch((error: Error) => out.destroy(error));
}

/**
 * A CSV download streamed from `rows` (whose first batch the caller already read, so that a failing query is an
 * error answer, not a cut download). Memory stays flat whatever the row count.
 */
export function csvStream<T>(columns: ExportColumn<T>[], rows: RowBatches<T>, first: T[]): Readable {
  const out = new PassThrough();
  out.write(csvHead(columns));
  pump(
    out,
    rows,
    first,
    (batch) => out.write(csvLines(columns, batch)),
    async () => void out.end(),
  );
  return out;
}

/**
 * The XLSX counterpart of csvStream, through exceljs's streaming writer: rows are committed as they are written
 * and strings kept inline (no shared-string table growing with the file).
 */
export function xlsxStream<T>(sheetName: string, columns: ExportColumn<T>[], rows: RowBatches<T>, first: T[]): Readable {
  const out = new PassThrough();
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 20 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  pump(
    out,
    rows,
    first,
    (batch) => {
      for (const item of batch) sheet.addRow(columns.map((c) => c.value(item))).commit();
    },
    async () => {
      sheet.commit();
      await workbook.commit();
    },
  );
  return out;
}
