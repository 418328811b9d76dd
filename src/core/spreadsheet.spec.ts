import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { manyRows, measured, repeated, rowXml, xlsxOf } from '../../test/support/hostile-files';
import { DomainError } from './errors/domain-error';
import { inertCell, missingColumns, readTable, TABLE_LIMITS, toCsv, toXlsx } from './spreadsheet';

describe('readTable', () => {
  it('reads a comma CSV with a BOM, normalising headers and skipping blank rows', async () => {
    const table = await readTable(Buffer.from('\uFEFFCode, Name ,Level\nST,Sóc Trăng,province\n,,\nST-KS,"Kế Sách, huyện",district\n'));
    expect(table.headers).toEqual(['code', 'name', 'level']);
    expect(table.rows).toEqual([
      { row: 2, values: { code: 'ST', name: 'Sóc Trăng', level: 'province' } },
      { row: 4, values: { code: 'ST-KS', name: 'Kế Sách, huyện', level: 'district' } },
    ]);
  });

  it('reads semicolon CSVs as Excel saves them in Vietnamese locales, and NFD text as NFC', async () => {
    const table = await readTable(Buffer.from(`code;name\nA;${'Sáng tạo'.normalize('NFD')}\n`));
    expect(table.rows[0].values).toEqual({ code: 'A', name: 'Sáng tạo'.normalize('NFC') });
  });

  it('reads the first sheet of an XLSX, dates as ISO days', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['Code', 'Born']);
    sheet.addRow(['A', new Date(Date.UTC(2010, 4, 17))]);
    sheet.addRow([]);
    sheet.addRow(['B', 'text']);
    const table = await readTable(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(table.rows).toEqual([
      { row: 2, values: { code: 'A', born: '2010-05-17' } },
      { row: 4, values: { code: 'B', born: 'text' } },
    ]);
  });

  it('refuses a file that starts like XLSX but is not one', async () => {
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]);
    await expect(readTable(broken)).rejects.toThrow('cannot be read');
  });

  it('refuses text that is not UTF-8 and files without a header', async () => {
    await expect(readTable(Buffer.from([0x63, 0x6f, 0x64, 0x65, 0x0a, 0xc0, 0x41]))).rejects.toBeInstanceOf(DomainError);
    await expect(readTable(Buffer.from('\n\n'))).rejects.toThrow('no header row');
  });

  it('names missing required columns', async () => {
    const table = await readTable(Buffer.from('code\nA\n'));
    expect(missingColumns(table, ['code', 'name', 'level'])).toEqual([
      expect.objectContaining({ row: 1, field: 'name', reason: 'required column is missing' }),
      expect.objectContaining({ row: 1, field: 'level', reason: 'required column is missing' }),
    ]);
  });
});

describe('readTable on hostile files', () => {
  /** Generous safety bounds: the point is "refused at once", not a speed target. */
  const SECONDS = 10;
  const HEAP_MB = 200;

  async function refusal(file: Buffer) {
    const { outcome, cpuMs, heapGrowthMb } = await measured(() => readTable(file));
    expect(outcome).toBeInstanceOf(DomainError);
    expect(cpuMs).toBeLessThan(SECONDS * 1000);
    expect(heapGrowthMb).toBeLessThan(HEAP_MB);
    const error = outcome as DomainError;
    return { code: error.code, ...(error.details as object) };
  }

  it('refuses a tiny XLSX whose only row is numbered 1,000,000,000, without filling the rows before it', async () => {
    const file = await xlsxOf([rowXml(1, ['code', 'name']), rowXml(1_000_000_000, ['A', 'B'])]);
    expect(file.length).toBeLessThan(2000);
    expect(await refusal(file)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'rows',
      max: TABLE_LIMITS.rows,
      problems: [expect.objectContaining({ field: 'file', row: 1_000_000_000, reason: 'more than 50,000 rows under the header (row 1,000,000,000)' })],
    });
  });

  it('refuses a cell in column XFD, the last column Excel has', async () => {
    const file = await xlsxOf([rowXml(1, ['code']), rowXml(2, ['x'], 'XFD')]);
    expect(await refusal(file)).toMatchObject({
      code: 'VALIDATION_FAILED',
      limit: 'columns',
      problems: [expect.objectContaining({ field: 'file', row: 2, reason: expect.stringContaining('column XFD') })],
    });
  });

  it('stops inflating a shared string of 300 MB at the bound, whatever size the archive claims', async () => {
    const file = await xlsxOf([rowXml(1, ['code']), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], ['<si><t>', ...repeated('A', 300_000_000), '</t></si>']);
    expect(file.length).toBeLessThan(2_000_000);
    expect(await refusal(file)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'xlsxBytes',
      max: TABLE_LIMITS.xlsxBytes,
      problems: [expect.objectContaining({ field: 'file', reason: expect.stringContaining('xl/sharedStrings.xml') })],
    });
  });

  it('refuses a sheet of 1.5 million rows at the first row past the bound', async () => {
    const file = await xlsxOf([rowXml(1, ['code']), ...manyRows(1_500_000)]);
    expect(await refusal(file)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 'rows', problems: [{ field: 'file', row: TABLE_LIMITS.rows + 2 }] });
  });

  it('refuses an XLSX cell longer than the bound, naming it', async () => {
    const file = await xlsxOf([rowXml(1, ['code', 'name']), rowXml(2, ['A', 'x'.repeat(TABLE_LIMITS.cellChars + 1)])]);
    expect(await refusal(file)).toMatchObject({
      code: 'VALIDATION_FAILED',
      limit: 'cellChars',
      problems: [expect.objectContaining({ field: 'file', row: 2, reason: 'cell B2 is longer than 10,000 characters' })],
    });
  });

  it('refuses 9 MB of commas on one CSV line at the first column past the bound', async () => {
    const file = Buffer.from(`code,name\n${','.repeat(9_000_000)}`);
    expect(await refusal(file)).toMatchObject({
      code: 'VALIDATION_FAILED',
      limit: 'columns',
      problems: [expect.objectContaining({ field: 'file', row: 2, reason: 'more than 100 columns (row 2 has a cell in column CW)' })],
    });
  });

  it('counts only the cells a CSV really has: delimiters inside quotes do not count', async () => {
    const table = await readTable(Buffer.from(`code,name\nA,"${','.repeat(500)}"\n`));
    expect(table.rows[0].values).toEqual({ code: 'A', name: ','.repeat(500) });
  });

  it('refuses a CSV cell past the bound, and a record past all the cells a row may hold', async () => {
    expect(await refusal(Buffer.from(`code,name\nA,${'x'.repeat(TABLE_LIMITS.cellChars + 1)}\n`))).toMatchObject({
      code: 'VALIDATION_FAILED',
      limit: 'cellChars',
      problems: [expect.objectContaining({ field: 'file', row: 2, reason: 'cell B2 is longer than 10,000 characters' })],
    });
    expect(await refusal(Buffer.from(`code,name\nA,"${'x'.repeat(5_000_000)}`))).toMatchObject({
      code: 'VALIDATION_FAILED',
      limit: 'cellChars',
      problems: [expect.objectContaining({ field: 'file', row: 2, reason: 'row 2 holds more than 1,000,000 characters' })],
    });
  });

  it('refuses a CSV of a million lines at the first row past the bound, and reads one of exactly the bound', async () => {
    expect(await refusal(Buffer.from(`code\n${'A\n'.repeat(1_000_000)}`))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 'rows', problems: [{ row: TABLE_LIMITS.rows + 2 }] });
    expect((await readTable(Buffer.from(`code\n${'A\n'.repeat(TABLE_LIMITS.rows)}`))).rows).toHaveLength(TABLE_LIMITS.rows);
  });

  it('refuses rows out of order, which no spreadsheet program writes', async () => {
    const file = await xlsxOf([rowXml(1, ['code']), rowXml(5, ['A']), rowXml(3, ['B'])]);
    await expect(readTable(file)).rejects.toMatchObject({ details: { problems: [expect.objectContaining({ field: 'file', row: 3, reason: 'row 3 comes after row 5' })] } });
  });

  it.each([
    ['CSV', async () => Buffer.from(`code,name\n${'A,Trường THCS Kế Sách\n'.repeat(TABLE_LIMITS.rows)}`)],
    ['XLSX', () => xlsxOf([rowXml(1, ['code', 'name']), ...manyRows(TABLE_LIMITS.rows - 1)])],
  ])('lets the event loop turn while a big %s within the bounds is read', async (_, build) => {
    const file = await build();
    let turns = 0;
    let reading = true;
    const count = async () => {
      while (reading) {
        await nextTurn();
        turns += 1;
      }
    };
    const counting = count();
    const table = await readTable(file);
    reading = false;
    await counting;
    expect(table.rows.length).toBeGreaterThan(TABLE_LIMITS.rows - 10);
    // A reader that never yields leaves other work (health checks, other requests) a single turn at the end.
    expect(turns).toBeGreaterThan(20);
  });
});

describe('exports', () => {
  const columns = [
    { header: 'Mã', value: (r: { code: string }) => r.code },
    { header: 'Tên', value: (r: { name: string }) => r.name },
  ];
  const rows = [{ code: 'ST-01', name: 'Trường THCS Kế Sách' }];

  it('writes CSV with a BOM so Excel keeps the Vietnamese', async () => {
    const csv = toCsv(columns as never, rows);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect((await readTable(csv)).rows[0].values).toEqual({ mã: 'ST-01', tên: 'Trường THCS Kế Sách' });
  });

  it('writes CSV cells that would run as formulas with a leading apostrophe, numbers as they are', async () => {
    const risky = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'];
    const cells = [{ header: 'Cell', value: (r: { text: string | number }) => r.text }];
    const csv = toCsv(
      cells as never,
      [...risky, -5, 'Sóc Trăng - Kế Sách'].map((text) => ({ text })),
    );
    const [, ...written] = parse(csv.toString('utf8').replace(/^\uFEFF/, '')) as string[][];
    expect(written.map(([cell]) => cell)).toEqual([...risky.map((text) => `'${text}`), '-5', 'Sóc Trăng - Kế Sách']);
    expect(inertCell(-5)).toBe(-5);
    expect(inertCell(null)).toBe('');
  });

  it('reads an inert cell back as the text that was exported, and leaves other apostrophes alone', async () => {
    const cells = [{ header: 'Cell', value: (r: { text: string }) => r.text }];
    const texts = ['- Ý tưởng: tưới theo độ ẩm', '=1+1', "'quoted'", "Trường 'A'"];
    const table = await readTable(
      toCsv(
        cells as never,
        texts.map((text) => ({ text })),
      ),
    );
    expect(table.rows.map((r) => r.values.cell)).toEqual(texts);
  });

  it('writes XLSX text that looks like a formula as a text cell, which Excel never runs', async () => {
    const xlsx = await toXlsx('Danh sách', [{ header: 'Cell', value: (r: { text: string }) => r.text }] as never, [{ text: '=1+1' }]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as never);
    const cell = workbook.worksheets[0].getCell('A2');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=1+1');
  });

  it('writes XLSX that reads back the same', async () => {
    const xlsx = await toXlsx('Danh sách', columns as never, rows);
    expect((await readTable(xlsx)).rows[0].values).toEqual({ mã: 'ST-01', tên: 'Trường THCS Kế Sách' });
  });
});
