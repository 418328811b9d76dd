import { allocatePrizes } from './allocation';
import { exportLines, inPrizeOrder, levelTotals, PRIZE_LIST_COLUMNS, PublishedRow, reasonText } from './prize-list-view';

const row = (prizeCode: string | null, rank: number, prizeMoney: number, reference = `R${rank}`): PublishedRow => ({
  rank,
  score: String(100 - rank),
  prizeCode,
  prizeName: prizeCode,
  prizeMoney,
  reference,
  title: 'Sản phẩm',
  authors: 'A',
  schoolName: 'Trường',
  districtName: 'Huyện',
  fieldCode: 'HT',
  fieldName: 'Học tập',
});

describe('prize list view', () => {
  it('explains an entry: rank, score, tie group, and each level with its minimum and quota used and left', () => {
    const list = allocatePrizes(
      [
        { entryId: 'a', fieldCode: 'HT', score: 85.5, criteria: {} },
        { entryId: 'b', fieldCode: 'HT', score: 85.5, criteria: {} },
        { entryId: 'c', fieldCode: 'HT', score: 91, criteria: {} },
      ],
      [],
      {
        tiePolicy: 'group_drops',
        passUnusedQuotaDown: false,
        levels: [
          { code: 'first', name: 'Giải Nhất', quotaKind: 'count', quota: 2, minScore: 80, scope: 'stage', prizeMoney: 3 },
          { code: 'second', name: 'Giải Nhì', quotaKind: 'count', quota: 2, minScore: 70, scope: 'stage', prizeMoney: 2 },
        ],
      },
    );
    const names = new Map([
      ['first', 'Giải Nhất'],
      ['second', 'Giải Nhì'],
    ]);
    expect(
      reasonText(
        list.entries.find((e) => e.entryId === 'a')!,
        names,
      ),
    ).toBe(
      'Hạng 2, 85,5 điểm; đồng hạng với 1 sản phẩm khác: được Giải Nhì. ' +
        'Giải Nhất: nhóm đồng hạng vượt số lượng giải nên cùng xuống mức dưới (tối thiểu 80; đã trao 1/2, còn 1); ' +
        'Giải Nhì: đạt (tối thiểu 70; đã trao 0/2, còn 0)',
    );
  });

  it('orders awarded rows by the scheme’s levels then rank, leaving out the rest, and totals money per level', () => {
    const rows = [row('second', 3, 2), row(null, 5, 0), row('first', 1, 3), row('second', 2, 2)];
    expect(inPrizeOrder(rows, ['first', 'second', 'third']).map((r) => r.rank)).toEqual([1, 2, 3]);
    const totals = levelTotals(rows, [
      { code: 'first', name: 'Nhất' },
      { code: 'second', name: 'Nhì' },
      { code: 'third', name: 'Ba' },
    ]);
    expect(totals).toEqual([
      { prizeCode: 'first', prizeName: 'Nhất', count: 1, prizeMoney: 3 },
      { prizeCode: 'second', prizeName: 'Nhì', count: 2, prizeMoney: 4 },
      { prizeCode: 'third', prizeName: 'Ba', count: 0, prizeMoney: 0 },
    ]);
    const lines = exportLines(inPrizeOrder(rows, ['first', 'second', 'third']), totals);
    expect(lines.map((l) => PRIZE_LIST_COLUMNS[0].value(l))).toEqual(['first', 'second', 'second', 'Tổng Nhất', 'Tổng Nhì', 'Tổng Ba', 'Tổng cộng']);
    expect(PRIZE_LIST_COLUMNS[8].value(lines.at(-1)!)).toBe(7);
  });
});
