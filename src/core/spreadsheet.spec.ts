import ExcelJS from 'exceljs';
import { DomainError } from './errors/domain-error';
import { missingColumns, readTable, toCsv, toXlsx } from './spreadsheet';

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
      { row: 1, field: 'name', reason: 'required column is missing' },
      { row: 1, field: 'level', reason: 'required column is missing' },
    ]);
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

  it('writes XLSX that reads back the same', async () => {
    const xlsx = await toXlsx('Danh sách', columns as never, rows);
    expect((await readTable(xlsx)).rows[0].values).toEqual({ mã: 'ST-01', tên: 'Trường THCS Kế Sách' });
  });
});
