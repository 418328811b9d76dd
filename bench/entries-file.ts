import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/** One row of a bulk-registration file, by column name; birth dates as ISO dates. */
export type FileRow = Record<string, string>;

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Thạch', 'Lâm', 'Sơn', 'Danh', 'Kim'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Gia', 'Quốc', 'Thị Kim', 'Bảo', 'Hữu', 'Thùy'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hạnh', 'Hiếu', 'Khoa', 'Linh', 'Lộc', 'Mai', 'Nhung', 'Phúc', 'Quyên', 'Sang', 'Tâm', 'Thảo', 'Trí', 'Uyên', 'Vy', 'Xuân', 'Yến', 'Sóc', 'Đạt'];
const THINGS = ['Máy tưới cây', 'Thùng rác', 'Bàn học', 'Đèn học', 'Mô hình nhà', 'Phần mềm học', 'Xe đẩy', 'Bộ lọc nước', 'Thước đo', 'Hộp bút', 'Máy bóc vỏ', 'Giàn phơi', 'Chuông báo', 'Bẫy chuột'];
const QUALITIES = [
  'tự động',
  'thông minh',
  'dùng năng lượng mặt trời',
  'từ vật liệu tái chế',
  'đa năng',
  'tiết kiệm điện',
  'điều khiển qua điện thoại',
  'cho học sinh khiếm thị',
  'chống ngập',
  'phân loại rác',
];
const PURPOSES = ['giúp học sinh học tốt hơn', 'bảo vệ môi trường', 'hỗ trợ nông dân trồng lúa', 'tiết kiệm nước tưới', 'giảm rác thải nhựa', 'an toàn giao thông trước cổng trường'];
const CLASSES = ['3A', '4B', '5A1', '6A2', '7A1', '8B', '9A1', '10A3', '11B2', '12A1'];

/** A small deterministic generator, so every run imports the very same file. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { int: (n: number) => Math.floor(next() * n), pick: <T>(items: T[]) => items[Math.floor(next() * items.length)] };
}

/** `count` entries spread over `schoolCodes` and `fieldCodes`, 1 to 3 authors each (born 2002–2013, inside the 2017 youth window), in Vietnamese. */
export function entryRows(schoolCodes: string[], fieldCodes: string[], count: number, seed = 2017): FileRow[] {
  const g = generator(seed);
  const perSchool = new Map<string, number>();
  const person = () => `${g.pick(FAMILY)} ${g.pick(MIDDLE)} ${g.pick(GIVEN)}`;
  const birthDate = () => {
    const day = new Date(Date.UTC(2002, 0, 1) + g.int(12 * 365) * 86_400_000);
    return day.toISOString().slice(0, 10);
  };
  return Array.from({ length: count }, (_, i) => {
    const school = schoolCodes[i % schoolCodes.length];
    const n = (perSchool.get(school) ?? 0) + 1;
    perSchool.set(school, n);
    const thing = `${g.pick(THINGS)} ${g.pick(QUALITIES)}`;
    const teacher = person();
    const row: FileRow = {
      school_code: school,
      reference: `${school}-${String(n).padStart(3, '0')}`,
      title: thing,
      field: g.pick(fieldCodes),
      summary: `${thing} nhằm ${g.pick(PURPOSES)}; sản phẩm đã dùng thử tại trường trong năm học 2016-2017.`,
      contact_name: teacher,
      contact_email: `gv${i + 1}@${school.toLowerCase()}.edu.vn`,
      contact_phone: `0${900 + g.int(99)} ${String(g.int(1000)).padStart(3, '0')} ${String(g.int(1000)).padStart(3, '0')}`,
    };
    const authors = 1 + g.int(3);
    for (let a = 1; a <= 3; a += 1) {
      row[`author${a}_name`] = a <= authors ? person() : '';
      row[`author${a}_birth_date`] = a <= authors ? birthDate() : '';
      row[`author${a}_class`] = a <= authors ? g.pick(CLASSES) : '';
    }
    return row;
  });
}

/** The rows as a CSV, birth dates written DD/MM/YYYY as Vietnamese schools write them. */
export function csvOf(rows: FileRow[]): Buffer {
  const headers = Object.keys(rows[0]);
  const vn = (iso: string) => (iso ? iso.split('-').reverse().join('/') : '');
  const lines = rows.map((row) => headers.map((h) => (h.endsWith('_birth_date') ? vn(row[h]) : row[h])));
  return Buffer.from(stringify([headers, ...lines]));
}

/** The rows as an XLSX, birth dates as real Excel date cells. */
export async function xlsxOf(rows: FileRow[]): Promise<Buffer> {
  const headers = Object.keys(rows[0]);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh sách dự thi');
  sheet.addRow(headers);
  for (const row of rows) {
    sheet.addRow(headers.map((h) => (h.endsWith('_birth_date') && row[h] ? new Date(`${row[h]}T00:00:00Z`) : row[h])));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
