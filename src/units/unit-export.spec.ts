import { unitExportFileName } from './unit-export';

describe('unitExportFileName', () => {
  it('dates the file with the day in Vietnam, not in UTC', () => {
    // 01:00 on 1 May in Hồ Chí Minh City is still 30 April in UTC.
    expect(unitExportFileName('csv', new Date('2026-04-30T18:00:00Z'))).toBe('don-vi-2026-05-01.csv');
    expect(unitExportFileName('xlsx', new Date('2026-04-30T16:59:00Z'))).toBe('don-vi-2026-04-30.xlsx');
  });
});
