import { calendarDay, formatDate } from '../core/i18n/format';
import type { ExportColumn } from '../core/spreadsheet';
import type { EntryStatus } from './entry.entity';

/** One entry as lists and exports show it. */
export interface EntryRow {
  id: string;
  editionId: string;
  unitId: string;
  unitCode: string;
  unitName: string;
  reference: string;
  title: string;
  fieldCode: string;
  fieldName: string;
  /** Read for exports only: lists leave it out. */
  summary?: string;
  status: EntryStatus;
  contactName: string;
  contactEmail: string;
  contactPhone: string | null;
  createdYear: number | null;
  version: number;
  createdAt: Date;
  authors: Array<{ position: number; fullName: string; birthDate: string | null; classOrJob: string | null }>;
  stage: { id: string; name: string; position: number; unitId: string } | null;
}

const STATUS_LABELS: Record<EntryStatus, string> = { registered: 'Đã đăng ký', withdrawn: 'Đã rút' };

/** One value per author, in author order, with a dash for a missing one so positions still line up with the names. */
function perAuthor(row: EntryRow, value: (author: EntryRow['authors'][number]) => string): string {
  const values = row.authors.map(value);
  return values.some(Boolean) ? values.map((v) => v || '–').join('; ') : '';
}

/**
 * The columns of the entry list an organiser opens in Excel, headed in Vietnamese. The bulk import reads these
 * headers too (entry-rows.ts), so a corrected export can be imported again: keep the two in step.
 */
export const ENTRY_EXPORT_COLUMNS: ExportColumn<EntryRow>[] = [
  { header: 'Mã đơn vị', value: (r) => r.unitCode, width: 14 },
  { header: 'Tên đơn vị', value: (r) => r.unitName, width: 32 },
  { header: 'Mã hồ sơ', value: (r) => r.reference, width: 14 },
  { header: 'Tên sản phẩm dự thi', value: (r) => r.title, width: 40 },
  { header: 'Mã lĩnh vực', value: (r) => r.fieldCode, width: 10 },
  { header: 'Lĩnh vực', value: (r) => r.fieldName, width: 30 },
  { header: 'Tóm tắt', value: (r) => r.summary ?? '', width: 40 },
  { header: 'Số tác giả', value: (r) => r.authors.length, width: 10 },
  { header: 'Tác giả', value: (r) => perAuthor(r, (a) => a.fullName), width: 40 },
  { header: 'Ngày sinh', value: (r) => perAuthor(r, (a) => (a.birthDate ? formatDate(a.birthDate) : '')), width: 26 },
  { header: 'Lớp / Công việc', value: (r) => perAuthor(r, (a) => a.classOrJob ?? ''), width: 20 },
  { header: 'Năm tạo ra', value: (r) => r.createdYear, width: 10 },
  { header: 'Người liên hệ', value: (r) => r.contactName, width: 24 },
  { header: 'Email liên hệ', value: (r) => r.contactEmail, width: 28 },
  { header: 'Điện thoại', value: (r) => r.contactPhone, width: 14 },
  { header: 'Trạng thái', value: (r) => STATUS_LABELS[r.status], width: 12 },
  { header: 'Vòng hiện tại', value: (r) => r.stage?.name ?? '', width: 14 },
];

/**
 * `danh-sach-du-thi-2026-05-01.xlsx`: ASCII, dated by the day in Vietnam, so repeated exports sort and never collide
 * in a Downloads folder.
 */
export function exportFileName(extension: 'xlsx' | 'csv', now: Date): string {
  return `danh-sach-du-thi-${calendarDay(now)}.${extension}`;
}
