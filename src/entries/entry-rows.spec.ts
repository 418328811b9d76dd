import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { readTable, Table, toCsv, toXlsx } from '../core/spreadsheet';
import { ENTRY_EXPORT_COLUMNS, EntryRow } from './entry-export';
import { changedColumns, EXAMPLE_REFERENCE, importColumns, ImportRules, parseDate, readEntryRows, requiredColumns } from './entry-rows';

const YOUTH: ImportRules = {
  eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
  maxAuthors: 3,
  fieldCodes: new Set(['HT', 'PM', 'MT']),
};
const TECHNICAL: ImportRules = { eligibility: { kind: 'technical', createdFromYear: 2015 }, maxAuthors: 5, fieldCodes: new Set(['CK']), currentYear: 2026 };

const GOOD: Record<string, string> = {
  reference: 'KS-001',
  title: 'Máy tưới cây tự động',
  field: 'HT',
  summary: 'Tưới theo độ ẩm đất',
  contact_name: 'Trần Thị Thu',
  contact_email: 'thu@example.vn',
  contact_phone: '0912 345 678',
  author1_name: 'Nguyễn Văn An',
  author1_birth_date: '2008-03-15',
  author1_class: '9A1',
};

/** A table as readTable would return it: headers as written, rows numbered from 2. */
function table(rows: Array<Record<string, string>>, headers = Object.keys(rows[0] ?? GOOD)): Table {
  return { headers, rows: rows.map((values, i) => ({ row: i + 2, values })) };
}

function read(rows: Array<Record<string, string>>, rules = YOUTH, options = { schoolCodeRequired: false }, headers?: string[]) {
  return readEntryRows(table(rows, headers), rules, options);
}

const fieldsOf = (problems: Array<{ row?: number; field: string }>) => problems.map((p) => `${p.row}:${p.field}`);

describe('parseDate', () => {
  it.each([
    ['2008-03-15', '2008-03-15'],
    ['2008-3-5', '2008-03-05'],
    ['2008/03/15', '2008-03-15'],
    ['15/03/2008', '2008-03-15'],
    ['5/3/2008', '2008-03-05'],
    ['15-03-2008', '2008-03-15'],
    ['15.03.2008', '2008-03-15'],
    [' 29/02/2008 ', '2008-02-29'],
    ['39522', '2008-03-15'],
    ['36526', '2000-01-01'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it.each(['31/02/2008', '29/02/2007', '2008-13-01', '15/03/08', 'March 15, 2008', '2008', '', '123456', '03/15/2008'])('refuses %s', (text) => {
    expect(parseDate(text)).toBeNull();
  });

  it('reads every real date back from both written forms', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = iso.split('-');
        expect(parseDate(iso)).toBe(iso);
        expect(parseDate(`${d}/${m}/${y}`)).toBe(iso);
      }),
    );
  });

  it('reads Excel serials as the days since 1899-12-30', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10000, max: 99999 }), (serial) => {
        const expected = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
        expect(parseDate(String(serial))).toBe(expected);
      }),
    );
  });
});

describe('readEntryRows', () => {
  it('turns a good row into a draft, with the e-mail lower-cased and the class kept', () => {
    const result = read([{ ...GOOD, contact_email: 'Thu@Example.VN' }]);
    expect(result.malformed).toEqual([]);
    expect(result.ineligible).toEqual([]);
    expect(result.rows).toEqual([
      {
        row: 2,
        schoolCode: null,
        draft: {
          reference: 'KS-001',
          title: 'Máy tưới cây tự động',
          fieldCode: 'HT',
          summary: 'Tưới theo độ ẩm đất',
          contactName: 'Trần Thị Thu',
          contactEmail: 'thu@example.vn',
          contactPhone: '0912 345 678',
          createdYear: null,
          authors: [{ fullName: 'Nguyễn Văn An', birthDate: '2008-03-15', classOrJob: '9A1' }],
        },
      },
    ]);
  });

  it('matches headers without case, with spaces or dashes for underscores', () => {
    const headers = ['Reference', 'TITLE', 'Field', 'summary', 'Contact Name', 'contact-email', 'Author1 Name', 'AUTHOR1_BIRTH_DATE'];
    const keys = ['reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'author1_name', 'author1_birth_date'];
    const values = Object.fromEntries(headers.map((h, i) => [h, GOOD[keys[i]]]));
    const result = readEntryRows({ headers, rows: [{ row: 2, values }] }, YOUTH, { schoolCodeRequired: false });
    expect(result.malformed).toEqual([]);
    expect(result.rows[0].draft).toMatchObject({ reference: 'KS-001', contactEmail: 'thu@example.vn', authors: [{ fullName: 'Nguyễn Văn An' }] });
  });

  it("accepts the field code in any case and stores the edition's spelling", () => {
    expect(read([{ ...GOOD, field: 'pm' }]).rows[0].draft.fieldCode).toBe('PM');
  });

  it('registers NFD text from a file as NFC, with blanks folded', async () => {
    const nfdTitle = '  Máy   tưới cây  '.normalize('NFD');
    const nfdName = 'Nguyễn Văn An'.normalize('NFD');
    expect(nfdName).not.toBe('Nguyễn Văn An');
    const headers = Object.keys(GOOD);
    const file = stringify([headers, headers.map((h) => ({ ...GOOD, title: nfdTitle, author1_name: nfdName })[h])]);
    const draft = readEntryRows(await readTable(Buffer.from(file)), YOUTH, { schoolCodeRequired: false }).rows[0].draft;
    expect(draft.title).toBe('Máy tưới cây'.normalize('NFC'));
    expect(draft.authors[0].fullName).toBe('Nguyễn Văn An'.normalize('NFC'));
  });

  it('accepts Vietnamese DD/MM/YYYY dates and Excel date cells (read as ISO, or as a serial when the format is lost)', () => {
    const result = read([
      { ...GOOD, reference: 'A', author1_birth_date: '15/03/2008' },
      { ...GOOD, reference: 'B', author1_birth_date: '2008-03-15' },
      { ...GOOD, reference: 'C', author1_birth_date: '39522' },
    ]);
    expect(result.malformed).toEqual([]);
    expect(result.rows.map((r) => r.draft.authors[0].birthDate)).toEqual(['2008-03-15', '2008-03-15', '2008-03-15']);
  });

  describe('missing columns', () => {
    it('names every missing required column on row 1 and checks no rows', () => {
      const { title: _title, contact_email: _email, author1_birth_date: _birth, ...rest } = GOOD;
      const result = read([rest]);
      expect(result.malformed).toEqual([
        expect.objectContaining({ row: 1, field: 'title', reason: 'required column is missing' }),
        expect.objectContaining({ row: 1, field: 'contact_email', reason: 'required column is missing' }),
        expect.objectContaining({ row: 1, field: 'author1_birth_date', reason: 'required column is missing' }),
      ]);
      expect(result.rows).toEqual([]);
    });

    it('wants unit_code from organisers, created_year in the technical contest, and birth dates only in the youth one', () => {
      expect(requiredColumns(YOUTH, true)).toEqual(['unit_code', 'reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'author1_name', 'author1_birth_date']);
      expect(requiredColumns(TECHNICAL, false)).toEqual(['reference', 'title', 'field', 'summary', 'contact_name', 'contact_email', 'created_year', 'author1_name']);
      expect(fieldsOf(read([GOOD], YOUTH, { schoolCodeRequired: true }).malformed)).toEqual(['1:unit_code']);
    });

    it('needs no column for optional data (phone, class, later authors)', () => {
      const { contact_phone: _phone, author1_class: _class, ...rest } = GOOD;
      const result = read([rest]);
      expect(result.malformed).toEqual([]);
      expect(result.rows[0].draft).toMatchObject({ contactPhone: null, authors: [{ classOrJob: null }] });
    });
  });

  it('names every empty required cell with its row', () => {
    const result = read([GOOD, { ...GOOD, reference: 'X', title: '', summary: '', contact_name: '' }, { ...GOOD, reference: '' }]);
    expect(result.malformed).toEqual([
      expect.objectContaining({ row: 3, field: 'title', reason: 'is required' }),
      expect.objectContaining({ row: 3, field: 'summary', reason: 'is required' }),
      expect.objectContaining({ row: 3, field: 'contact_name', reason: 'is required' }),
      expect.objectContaining({ row: 4, field: 'reference', reason: 'is required' }),
    ]);
  });

  it('calls an empty field cell missing, not an unknown field', () => {
    const result = read([{ ...GOOD, field: '' }]);
    expect(result.malformed).toEqual([expect.objectContaining({ row: 2, field: 'field', reason: 'is required' })]);
    expect(result.ineligible).toEqual([]);
  });

  it('refuses cells longer than the limit', () => {
    const result = read([{ ...GOOD, title: 'x'.repeat(501) }]);
    expect(result.malformed).toEqual([expect.objectContaining({ row: 2, field: 'title', reason: 'is longer than 500 characters' })]);
  });

  it('refuses a bad e-mail and a phone with letters', () => {
    const result = read([{ ...GOOD, contact_email: 'thu@', contact_phone: '09x' }]);
    expect(fieldsOf(result.malformed)).toEqual(['2:contact_email', '2:contact_phone']);
    expect(result.malformed[0].reason).toContain('"thu@" is not an e-mail address');
  });

  it('refuses a date that does not exist, without also calling it missing', () => {
    const result = read([{ ...GOOD, author1_birth_date: '31/02/2008' }]);
    expect(result.malformed).toEqual([expect.objectContaining({ row: 2, field: 'author1_birth_date', reason: '"31/02/2008" is not a date: write YYYY-MM-DD or DD/MM/YYYY' })]);
    expect(result.ineligible).toEqual([]);
  });

  describe('authors', () => {
    const three = { ...GOOD, author2_name: 'Lê Bình', author2_birth_date: '01/01/2009', author3_name: 'Phạm Chi', author3_birth_date: '2010-02-02' };

    it('reads authors in column order', () => {
      const result = read([three]);
      expect(result.rows[0].draft.authors.map((a) => [a.fullName, a.birthDate])).toEqual([
        ['Nguyễn Văn An', '2008-03-15'],
        ['Lê Bình', '2009-01-01'],
        ['Phạm Chi', '2010-02-02'],
      ]);
    });

    it('skips empty author columns between filled ones and names the right column in later problems', () => {
      const result = read([{ ...three, author2_name: '', author2_birth_date: '', author3_birth_date: '2015-01-01' }]);
      expect(result.rows[0].draft.authors.map((a) => a.fullName)).toEqual(['Nguyễn Văn An', 'Phạm Chi']);
      expect(result.ineligible).toEqual([expect.objectContaining({ row: 2, field: 'author3_birth_date', reason: expect.stringContaining('Phạm Chi: born 01/01/2015, outside the eligible window') })]);
    });

    it('wants a name when other columns of the author are filled', () => {
      const result = read([{ ...GOOD, author2_name: '', author2_birth_date: '2009-01-01' }], YOUTH, { schoolCodeRequired: false }, [...Object.keys(GOOD), 'author2_name', 'author2_birth_date']);
      expect(result.malformed).toEqual([expect.objectContaining({ row: 2, field: 'author2_name', reason: 'author 2 has other columns filled but no name' })]);
    });

    it('wants at least one author', () => {
      const result = read([{ ...GOOD, author1_name: '', author1_birth_date: '', author1_class: '' }]);
      expect(result.ineligible).toEqual([expect.objectContaining({ row: 2, field: 'author1_name', reason: 'an entry needs at least one author' })]);
    });

    it('refuses more authors than the edition allows, on the first author too many', () => {
      const four = { ...three, author4_name: 'Võ Dũng', author4_birth_date: '2009-09-09' };
      const result = read([four]);
      expect(result.ineligible).toEqual([expect.objectContaining({ row: 2, field: 'author4_name', reason: 'at most 3 authors per entry, got 4' })]);
    });

    it('refuses an author born outside the youth window, naming the author', () => {
      const result = read([{ ...GOOD, author1_birth_date: '30/07/2001' }]);
      expect(result.ineligible).toEqual([expect.objectContaining({ row: 2, field: 'author1_birth_date', reason: expect.stringContaining('Nguyễn Văn An: born 30/07/2001') })]);
    });

    it('needs a birth date in the youth contest', () => {
      const result = read([{ ...GOOD, author1_birth_date: '' }]);
      expect(result.ineligible).toEqual([expect.objectContaining({ row: 2, field: 'author1_birth_date', reason: 'Nguyễn Văn An: birth date is required in the youth contest' })]);
    });
  });

  describe('technical contest', () => {
    const technical = { ...GOOD, field: 'CK', created_year: '2020', author1_birth_date: '' };

    it('reads the creation year and needs no birth date', () => {
      const result = read([technical], TECHNICAL);
      expect(result.malformed).toEqual([]);
      expect(result.ineligible).toEqual([]);
      expect(result.rows[0].draft).toMatchObject({ createdYear: 2020, authors: [{ birthDate: null }] });
    });

    it('refuses a year that is not a year, too old or in the future', () => {
      const result = read(
        [
          { ...technical, reference: '1', created_year: 'năm 2020' },
          { ...technical, reference: '2', created_year: '2014' },
          { ...technical, reference: '3', created_year: '2027' },
          { ...technical, reference: '4', created_year: '' },
        ],
        TECHNICAL,
      );
      expect(fieldsOf(result.malformed)).toEqual(['2:created_year']);
      expect(fieldsOf(result.ineligible)).toEqual(['3:created_year', '4:created_year', '5:created_year']);
    });
  });

  it('refuses a field the edition does not have', () => {
    const result = read([{ ...GOOD, field: 'XX' }]);
    expect(result.ineligible).toEqual([expect.objectContaining({ row: 2, field: 'field', reason: expect.stringContaining('"XX" is not a field of this edition') })]);
  });

  describe('duplicate references', () => {
    it('refuses a reference used twice in the file, naming the first row', () => {
      const result = read([GOOD, { ...GOOD, reference: 'KS-002' }, GOOD]);
      expect(result.malformed).toEqual([expect.objectContaining({ row: 4, field: 'reference', reason: '"KS-001" is already used by row 2 of this file' })]);
    });

    it('allows the same reference for two schools of an organiser file, but not twice for one school', () => {
      const rows = [
        { school_code: 'ST-KS-01', ...GOOD },
        { school_code: 'ST-KS-02', ...GOOD },
        { school_code: 'st-ks-01', ...GOOD },
      ];
      const result = read(rows, YOUTH, { schoolCodeRequired: true });
      expect(fieldsOf(result.malformed)).toEqual(['4:reference']);
      expect(result.rows.map((r) => r.schoolCode)).toEqual(['ST-KS-01', 'ST-KS-02', 'st-ks-01']);
    });
  });

  it('wants a unit code on every row of an organiser file, read from unit_code or its old name school_code', () => {
    for (const column of ['unit_code', 'school_code', 'Mã đơn vị']) {
      const result = read([{ [column]: '', ...GOOD }], YOUTH, { schoolCodeRequired: true });
      expect(result.malformed).toEqual([expect.objectContaining({ row: 2, field: 'unit_code', reason: 'is required: name the school or organisation of this entry' })]);
      expect(read([{ [column]: 'CTY-01', ...GOOD }], YOUTH, { schoolCodeRequired: true }).rows[0].schoolCode).toBe('CTY-01');
    }
  });

  it('refuses a unit code given under two names', () => {
    const result = read([{ unit_code: 'A', school_code: 'B', ...GOOD }], YOUTH, { schoolCodeRequired: true });
    expect(result.malformed).toEqual([expect.objectContaining({ row: 1, field: 'unit_code', reason: 'given twice, as "unit_code" and as "school_code"' })]);
  });

  it('reports every problem of every row, not just the first', () => {
    const result = read([
      { ...GOOD, reference: 'A', contact_email: 'bad', author1_birth_date: '1999-01-01' },
      { ...GOOD, reference: 'B' },
      { ...GOOD, reference: 'C', field: 'ZZ', title: '' },
    ]);
    expect(fieldsOf(result.malformed)).toEqual(['2:contact_email', '4:title']);
    expect(fieldsOf(result.ineligible)).toEqual(['2:author1_birth_date', '4:field']);
  });

  it('never throws and reports problems only on rows of the file, whatever the cells hold', () => {
    const columns = [...Object.keys(GOOD), 'author2_name', 'author2_birth_date', 'created_year'];
    fc.assert(
      fc.property(fc.array(fc.record(Object.fromEntries(columns.map((c) => [c, fc.string({ maxLength: 12 })]))), { maxLength: 8 }), (rows) => {
        const result = read(rows, YOUTH, { schoolCodeRequired: false }, columns);
        expect(result.rows).toHaveLength(rows.length);
        for (const p of [...result.malformed, ...result.ineligible]) {
          expect(p.row).toBeGreaterThanOrEqual(2);
          expect(p.row).toBeLessThanOrEqual(rows.length + 1);
          expect(columns).toContain(p.field);
        }
      }),
    );
  });
});

describe('importColumns', () => {
  it('lists unit_code for organisers, then the entry columns, then every author up to the maximum', () => {
    const names = importColumns('youth', 5, true, ['HT']).map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['unit_code', 'reference', 'title']);
    expect(names.filter((n) => n.startsWith('author'))).toHaveLength(15);
    expect(names.at(-1)).toBe('author5_class');
  });

  it.each([
    ['youth', YOUTH, ['HT', 'PM']],
    ['technical', TECHNICAL, ['CK']],
  ] as const)('has a %s example row that is left out as it stands and reads without problems once given a reference', (kind, rules, fields) => {
    const columns = importColumns(kind, 3, false, [...fields]);
    const example = Object.fromEntries(columns.map((c) => [c.name, c.example]));
    const names = columns.map((c) => c.name);
    const asIs = read([example, { ...example, reference: 'vi-du' }], rules, { schoolCodeRequired: false }, names);
    expect(asIs).toEqual({ rows: [], examples: [2, 3], malformed: [], ineligible: [] });
    const copied = read([{ ...example, reference: 'KS-001' }], rules, { schoolCodeRequired: false }, names);
    expect(copied.malformed).toEqual([]);
    expect(copied.ineligible).toEqual([]);
    expect(copied.rows[0].draft.contactEmail).toMatch(/\.invalid$/);
  });

  it('shows a pupil in the youth template and an employee with no birth date in the technical one', () => {
    const example = (kind: 'youth' | 'technical') => Object.fromEntries(importColumns(kind, 1, true, ['CK']).map((c) => [c.name, c.example]));
    expect(example('youth')).toMatchObject({ reference: EXAMPLE_REFERENCE, author1_class: '9A1', created_year: '' });
    expect(example('youth').author1_birth_date).not.toBe('');
    const technical = example('technical');
    expect(technical).toMatchObject({ reference: EXAMPLE_REFERENCE, author1_birth_date: '', author1_class: 'Kỹ sư cơ điện' });
    expect(technical.title).toMatch(/Giải pháp/);
    expect(technical.created_year).toMatch(/^\d{4}$/);
    expect(JSON.stringify(technical)).not.toMatch(/9A1|giáo viên|Trường/);
  });
});

describe('changedColumns', () => {
  const registered = read([{ ...GOOD, author2_name: 'Lê Bình', author2_birth_date: '2009-01-01' }]).rows[0].draft;

  it('finds nothing when the row is the registered entry again, whatever the date notation', () => {
    const again = read([{ ...GOOD, author1_birth_date: '15/03/2008', author2_name: 'Lê Bình', author2_birth_date: '01/01/2009' }]).rows[0].draft;
    expect(changedColumns(again, registered)).toEqual([]);
  });

  it('names every column that changed, author by author', () => {
    const changed = read([{ ...GOOD, title: 'Khác', contact_phone: '', author1_class: '9A2' }]).rows[0].draft;
    expect(changedColumns(changed, registered)).toEqual(['title', 'contact_phone', 'author1_class', 'author2_name', 'author2_birth_date']);
  });
});

describe('an export imported again', () => {
  const exported: EntryRow = {
    id: 'e1',
    editionId: 'ed1',
    unitId: 'u1',
    unitCode: 'ST-KS-01',
    unitName: 'Trường THCS Kế Sách',
    reference: 'KS01-007',
    title: 'Máy tưới cây',
    fieldCode: 'HT',
    fieldName: 'Đồ dùng học tập',
    summary: '- Ý tưởng: tưới theo độ ẩm; - Cấu tạo: cảm biến',
    status: 'registered',
    contactName: 'Trần Văn Minh',
    contactEmail: 'minh@test.vn',
    contactPhone: '0299 3861 234',
    createdYear: 2016,
    version: 1,
    createdAt: new Date('2026-04-01T00:00:00Z'),
    authors: [
      { position: 1, fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: null },
      { position: 2, fullName: 'Phạm Quốc Bảo', birthDate: '2009-01-20', classOrJob: 'Lớp 7B' },
    ],
    stage: null,
  };

  it.each([
    ['CSV', () => Promise.resolve(toCsv(ENTRY_EXPORT_COLUMNS, [exported]))],
    ['XLSX', () => toXlsx('Danh sách dự thi', ENTRY_EXPORT_COLUMNS, [exported])],
  ])('reads the Vietnamese headers of a %s export into the same entry, authors from their list cells', async (_format, file) => {
    const result = readEntryRows(await readTable(await file()), YOUTH, { schoolCodeRequired: true });
    expect(result.malformed).toEqual([]);
    expect(result.ineligible).toEqual([]);
    expect(result.rows).toEqual([
      {
        row: 2,
        schoolCode: 'ST-KS-01',
        draft: {
          reference: 'KS01-007',
          title: 'Máy tưới cây',
          fieldCode: 'HT',
          summary: '- Ý tưởng: tưới theo độ ẩm; - Cấu tạo: cảm biến',
          contactName: 'Trần Văn Minh',
          contactEmail: 'minh@test.vn',
          contactPhone: '0299 3861 234',
          createdYear: 2016,
          authors: [
            { fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: null },
            { fullName: 'Phạm Quốc Bảo', birthDate: '2009-01-20', classOrJob: 'Lớp 7B' },
          ],
        },
      },
    ]);
  });

  it('names the list column and the author when a corrected cell is wrong', () => {
    const row = {
      'Mã đơn vị': 'ST-KS-01',
      'Mã hồ sơ': 'A',
      'Tên sản phẩm dự thi': 'T',
      'Mã lĩnh vực': 'HT',
      'Tóm tắt': 'S',
      'Người liên hệ': 'C',
      'Email liên hệ': 'c@x.vn',
      'Tác giả': 'An; Bình',
      'Ngày sinh': '05/03/2008; 31/02/2009',
    };
    const result = read([row], YOUTH, { schoolCodeRequired: true });
    expect(result.malformed).toEqual([
      { row: 2, field: 'authors_birth_date', code: 'CELL_NOT_A_DATE', params: { value: '31/02/2009', author: 2 }, reason: 'author 2: "31/02/2009" is not a date: write YYYY-MM-DD or DD/MM/YYYY' },
    ]);
  });

  it('refuses authors given both in list cells and in author columns', () => {
    const result = read([{ ...GOOD, 'Tác giả': 'An' }], YOUTH);
    expect(fieldsOf(result.malformed)).toEqual(['1:authors']);
  });
});
