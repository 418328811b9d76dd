/**
 * How a prize list reads to people, pure: the reason beside each entry, the published rows in prize order,
 * the money per level, and the export columns (Vietnamese headers, as organisers file them).
 */
import type { PrizeScheme } from '../contests/edition.types';
import type { ExportColumn } from '../core/spreadsheet';
import type { PrizeDecision, PrizeListEntry } from './allocation';

const OUTCOME_TEXT: Record<PrizeDecision['outcome'], string> = {
  awarded: 'đạt',
  awarded_over_quota: 'đạt do đồng hạng (vượt số lượng giải)',
  tie_group_dropped: 'nhóm đồng hạng vượt số lượng giải nên cùng xuống mức dưới',
  below_minimum: 'chưa đạt điểm tối thiểu',
  quota_full: 'đã hết số lượng giải',
};

/** Scores are shown with the decimals they carry, in the Vietnamese way (85,5). */
export function scoreText(score: number | string | null): string {
  if (score === null) return '';
  return String(Number(score)).replace('.', ',');
}

/** The worded level decisions already met in one list, as a tree: one branch per run of decisions. */
export type ReasonSteps = Map<PrizeDecision, { text: string; next: ReasonSteps }>;

/**
 * One sentence explaining the entry's outcome: its rank and score, then every level that considered it with
 * the level's minimum, the quota used and left, and its tie group when it had one.
 * Entries below a cut share their decision objects, so the entries of a list pass one `steps` tree: each run of
 * decisions is worded and joined once, and thousands of reasons share that text instead of each holding a copy.
 */
export function reasonText(entry: PrizeListEntry, levelNames: ReadonlyMap<string, string>, steps: ReasonSteps = new Map()): string {
  if (entry.score === null) return 'Chưa có điểm chính thức (chưa chấm xong)';
  const head = `Hạng ${entry.rank}, ${scoreText(entry.score)} điểm`;
  const tie = entry.tieGroupSize > 1 ? `; đồng hạng với ${entry.tieGroupSize - 1} sản phẩm khác${entry.decidedBy.length ? ` sau khi xét ${entry.decidedBy.join(', ')}` : ''}` : '';
  const verdict = entry.prize ? `được ${levelNames.get(entry.prize) ?? entry.prize}` : 'không đạt giải';
  let branch = steps;
  let worded = '';
  for (const d of entry.decisions) {
    let node = branch.get(d);
    if (node === undefined) {
      const scope = d.scope === '*' ? '' : ` lĩnh vực ${d.scope}`;
      const step = `${levelNames.get(d.level) ?? d.level}${scope}: ${OUTCOME_TEXT[d.outcome]} (tối thiểu ${scoreText(d.minScore)}; đã trao ${d.usedBefore}/${d.quota}, còn ${d.left})`;
      node = { text: worded ? `${worded}; ${step}` : step, next: new Map() };
      branch.set(d, node);
    }
    worded = node.text;
    branch = node.next;
  }
  return `${head}${tie}: ${verdict}${worded ? `. ${worded}` : ''}`;
}

/** One awarded entry of a published version, as it is shown and exported. */
export interface PublishedRow {
  rank: number | null;
  score: string | null;
  prizeCode: string | null;
  prizeName: string | null;
  prizeMoney: number;
  reference: string;
  title: string;
  authors: string;
  schoolName: string;
  districtName: string | null;
  fieldCode: string;
  fieldName: string;
}

/** Awarded rows only, by the scheme's level order, then rank (then reference, so equal ranks read the same every time). */
export function inPrizeOrder<T extends PublishedRow>(rows: readonly T[], levelOrder: readonly string[]): T[] {
  const index = new Map(levelOrder.map((code, i) => [code, i]));
  return rows
    .filter((r) => r.prizeCode !== null)
    .sort((a, b) => index.get(a.prizeCode!)! - index.get(b.prizeCode!)! || (a.rank ?? 0) - (b.rank ?? 0) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

export interface LevelTotal {
  prizeCode: string;
  prizeName: string;
  count: number;
  prizeMoney: number;
}

/** Prizes and money per level, every level of the scheme listed (an empty one with 0). */
export function levelTotals(rows: readonly PublishedRow[], levels: ReadonlyArray<Pick<PrizeScheme['levels'][number], 'code' | 'name'>>): LevelTotal[] {
  return levels.map((level) => {
    const awarded = rows.filter((r) => r.prizeCode === level.code);
    return { prizeCode: level.code, prizeName: level.name, count: awarded.length, prizeMoney: awarded.reduce((sum, r) => sum + r.prizeMoney, 0) };
  });
}

type ExportLine = { row: PublishedRow } | { total: LevelTotal | { prizeName: string; count: number; prizeMoney: number } };

export const PRIZE_LIST_COLUMNS: ExportColumn<ExportLine>[] = [
  { header: 'Giải', value: (l) => ('row' in l ? l.row.prizeName : `Tổng ${l.total.prizeName}`), width: 20 },
  { header: 'Mã hồ sơ', value: (l) => ('row' in l ? l.row.reference : null), width: 16 },
  { header: 'Tên sản phẩm dự thi', value: (l) => ('row' in l ? l.row.title : `${l.total.count} giải`), width: 40 },
  { header: 'Tác giả', value: (l) => ('row' in l ? l.row.authors : null), width: 36 },
  { header: 'Trường / đơn vị', value: (l) => ('row' in l ? l.row.schoolName : null), width: 32 },
  { header: 'Huyện', value: (l) => ('row' in l ? l.row.districtName : null), width: 22 },
  { header: 'Lĩnh vực', value: (l) => ('row' in l ? l.row.fieldName : null), width: 30 },
  { header: 'Điểm', value: (l) => ('row' in l ? scoreText(l.row.score) : null), width: 10 },
  { header: 'Tiền thưởng (đồng)', value: (l) => ('row' in l ? l.row.prizeMoney : l.total.prizeMoney), width: 18 },
];

/** The export's lines: the awarded entries in prize order, then one total per level and the grand total. */
export function exportLines(rows: readonly PublishedRow[], totals: readonly LevelTotal[]): ExportLine[] {
  const grand = { prizeName: 'cộng', count: totals.reduce((s, t) => s + t.count, 0), prizeMoney: totals.reduce((s, t) => s + t.prizeMoney, 0) };
  return [...rows.map((row) => ({ row })), ...totals.map((total) => ({ total })), { total: grand }];
}
