/**
 * The season report ("sơ kết", "tổng kết") assembled from SQL aggregates, pure: the figures reports quote,
 * and the workbook organisers file.
 */
import type ExcelJS from 'exceljs';
import { excel } from '../core/spreadsheet';
import type { PrizeScheme } from '../contests/edition.types';

export interface StageAggregate {
  stageId: string;
  position: number;
  name: string;
  levelCode: string;
  entries: number;
  sentUp: number;
}

export interface PrizeAggregate {
  stageId: string;
  prizeCode: string;
  prizeName: string;
  fieldCode: string;
  fieldName: string;
  count: number;
  prizeMoney: number;
}

export interface SeasonReport {
  edition: { id: string; contestName: string; number: number; seasonLabel: string; plannedEntries: number | null };
  unit: { id: string; name: string };
  unitsTakingPart: number;
  entriesRegistered: number;
  /** Registered against the edition's plan, in percent with one decimal; null without a plan or below the edition's unit. */
  achievementPercent: number | null;
  stages: Array<{
    id: string;
    position: number;
    name: string;
    entries: number;
    sentUp: number;
    prizes: { total: number; prizeMoney: number; byLevel: Array<{ code: string; name: string; count: number; prizeMoney: number; byField: Record<string, number> }> };
  }>;
  prizeMoney: number;
}

export function seasonReport(
  edition: SeasonReport['edition'],
  unit: SeasonReport['unit'] & { coversEdition: boolean },
  totals: { units: number; registered: number },
  stages: ReadonlyArray<StageAggregate & { prizeScheme: PrizeScheme | null }>,
  prizes: readonly PrizeAggregate[],
): SeasonReport {
  const stageViews = stages.map((stage) => {
    const here = prizes.filter((p) => p.stageId === stage.stageId);
    // The scheme's order first (empty levels included), then any level a published version named that the scheme no longer has.
    const codes = [...(stage.prizeScheme?.levels.map((l) => l.code) ?? []), ...here.map((p) => p.prizeCode)].filter((c, i, all) => all.indexOf(c) === i);
    const byLevel = codes.map((code) => {
      const rows = here.filter((p) => p.prizeCode === code);
      const name = rows[0]?.prizeName ?? stage.prizeScheme?.levels.find((l) => l.code === code)?.name ?? code;
      return {
        code,
        name,
        count: rows.reduce((s, r) => s + r.count, 0),
        prizeMoney: rows.reduce((s, r) => s + r.prizeMoney, 0),
        byField: rows.reduce<Record<string, number>>((by, r) => ({ ...by, [r.fieldCode]: (by[r.fieldCode] ?? 0) + r.count }), {}),
      };
    });
    return {
      id: stage.stageId,
      position: stage.position,
      name: stage.name,
      entries: stage.entries,
      sentUp: stage.sentUp,
      prizes: { total: byLevel.reduce((s, l) => s + l.count, 0), prizeMoney: byLevel.reduce((s, l) => s + l.prizeMoney, 0), byLevel },
    };
  });
  const plan = edition.plannedEntries;
  return {
    edition,
    unit: { id: unit.id, name: unit.name },
    unitsTakingPart: totals.units,
    entriesRegistered: totals.registered,
    achievementPercent: plan && unit.coversEdition ? Math.round((totals.registered * 1000) / plan) / 10 : null,
    stages: stageViews,
    prizeMoney: stageViews.reduce((s, st) => s + st.prizes.prizeMoney, 0),
  };
}

/** Two sheets: the summary figures, and prizes by level and field per stage. Vietnamese throughout. */
export async function seasonReportXlsx(report: SeasonReport): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  const summary = workbook.addWorksheet('Tổng hợp');
  summary.columns = [
    { header: 'Chỉ tiêu', width: 48 },
    { header: 'Số liệu', width: 18 },
  ];
  summary.getRow(1).font = { bold: true };
  summary.addRow(['Cuộc thi', `${report.edition.contestName} lần thứ ${report.edition.number} (${report.edition.seasonLabel})`]);
  summary.addRow(['Đơn vị', report.unit.name]);
  summary.addRow(['Số đơn vị tham gia', report.unitsTakingPart]);
  summary.addRow(['Số sản phẩm đăng ký', report.entriesRegistered]);
  summary.addRow(['Kế hoạch (sản phẩm)', report.edition.plannedEntries]);
  summary.addRow(['Đạt so với kế hoạch (%)', report.achievementPercent]);
  for (const stage of report.stages) {
    summary.addRow([`Sản phẩm ở ${stage.name}`, stage.entries]);
    summary.addRow([`Sản phẩm ${stage.name} chọn lên vòng sau`, stage.sentUp]);
    if (stage.prizes.byLevel.length) summary.addRow([`Số giải ${stage.name}`, stage.prizes.total]);
  }
  summary.addRow(['Tổng tiền thưởng (đồng)', report.prizeMoney]);

  const prizes = workbook.addWorksheet('Giải thưởng');
  const fields = [...new Set(report.stages.flatMap((s) => s.prizes.byLevel.flatMap((l) => Object.keys(l.byField))))].sort();
  prizes.columns = [
    { header: 'Vòng', width: 20 },
    { header: 'Giải', width: 22 },
    ...fields.map((f) => ({ header: `Lĩnh vực ${f}`, width: 14 })),
    { header: 'Tổng', width: 10 },
    { header: 'Tiền thưởng (đồng)', width: 18 },
  ];
  prizes.getRow(1).font = { bold: true };
  for (const stage of report.stages) {
    for (const level of stage.prizes.byLevel) prizes.addRow([stage.name, level.name, ...fields.map((f) => level.byField[f] ?? 0), level.count, level.prizeMoney]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
