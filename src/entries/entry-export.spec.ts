import { ENTRY_EXPORT_COLUMNS, EntryRow, exportFileName } from './entry-export';

const row: EntryRow = {
  id: 'e1',
  editionId: 'ed1',
  unitId: 'u1',
  unitCode: 'ST-KS-01',
  unitName: 'Trường THCS Kế Sách',
  reference: 'KS01-007',
  title: 'Máy tưới cây',
  fieldCode: 'MT',
  fieldName: 'Sản phẩm thân thiện với môi trường',
  summary: 'Tưới nhỏ giọt theo độ ẩm đất.',
  status: 'withdrawn',
  contactName: 'Trần Văn Minh',
  contactEmail: 'minh@test.vn',
  contactPhone: null,
  createdYear: null,
  version: 2,
  createdAt: new Date('2026-04-01T00:00:00Z'),
  authors: [
    { position: 1, fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' },
    { position: 2, fullName: 'Phạm Quốc Bảo', birthDate: null, classOrJob: null },
  ],
  stage: { id: 's1', name: 'Cấp trường', position: 1, unitId: 'u1' },
};

const cells = (r: EntryRow) => Object.fromEntries(ENTRY_EXPORT_COLUMNS.map((c) => [c.header, c.value(r)]));

describe('entry export', () => {
  it('writes one line per entry with authors in order and dates as Vietnamese forms do', () => {
    expect(cells(row)).toEqual({
      'Mã đơn vị': 'ST-KS-01',
      'Tên đơn vị': 'Trường THCS Kế Sách',
      'Mã hồ sơ': 'KS01-007',
      'Tên sản phẩm dự thi': 'Máy tưới cây',
      'Mã lĩnh vực': 'MT',
      'Lĩnh vực': 'Sản phẩm thân thiện với môi trường',
      'Số tác giả': 2,
      'Tóm tắt': 'Tưới nhỏ giọt theo độ ẩm đất.',
      'Tác giả': 'Nguyễn Thị Hồng; Phạm Quốc Bảo',
      'Ngày sinh': '05/03/2008; –',
      'Lớp / Công việc': 'Lớp 8A; –',
      'Năm tạo ra': null,
      'Người liên hệ': 'Trần Văn Minh',
      'Email liên hệ': 'minh@test.vn',
      'Điện thoại': null,
      'Trạng thái': 'Đã rút',
      'Vòng hiện tại': 'Cấp trường',
    });
    expect(cells({ ...row, status: 'registered', stage: null })).toMatchObject({ 'Trạng thái': 'Đã đăng ký', 'Vòng hiện tại': '' });
    const noDates = { ...row, authors: row.authors.map((a) => ({ ...a, birthDate: null })) };
    expect(cells(noDates)['Ngày sinh']).toBe('');
  });

  it('names files by the day in Vietnam, which starts 7 hours before the day in UTC', () => {
    expect(exportFileName('xlsx', new Date('2026-05-01T10:00:00Z'))).toBe('danh-sach-du-thi-2026-05-01.xlsx');
    expect(exportFileName('csv', new Date('2026-04-30T18:00:00Z'))).toBe('danh-sach-du-thi-2026-05-01.csv');
  });
});
