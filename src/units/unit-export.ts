import type { ExportColumn } from '../core/spreadsheet';
import { calendarDay } from '../core/i18n/format';

/** A unit as the export writes it. */
export interface UnitRow {
  code: string;
  name: string;
  levelCode: string;
  parentCode: string | null;
}

/**
 * The units export, headed in Vietnamese. The import reads these headers as code, name, level and parent_code
 * (unit-import-plan.ts), so an exported tree can be corrected and imported again.
 */
export const UNIT_EXPORT_COLUMNS: ExportColumn<UnitRow>[] = [
  { header: 'Mã đơn vị', value: (u) => u.code, width: 16 },
  { header: 'Tên đơn vị', value: (u) => u.name, width: 40 },
  { header: 'Cấp', value: (u) => u.levelCode, width: 14 },
  { header: 'Mã đơn vị cấp trên', value: (u) => u.parentCode, width: 18 },
];

/** `don-vi-2026-05-01.csv`: ASCII and dated with the day in Vietnam, like the entry export. */
export function unitExportFileName(extension: 'xlsx' | 'csv', now: Date): string {
  return `don-vi-${calendarDay(now)}.${extension}`;
}
