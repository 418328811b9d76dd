import { placeStageRecords } from './stage-placement';

describe('placeStageRecords', () => {
  const levels: Record<string, string> = { school: 'school', district: 'district' };
  const runners: Record<string, Record<string, string | null>> = {
    '/vn/st/ks/a/': { school: 'a', district: 'ks' },
    '/vn/st/mt/b/': { school: 'b', district: 'mt' },
    '/vn/st/c/': { school: 'c', district: null },
  };
  const place = (records: Parameters<typeof placeStageRecords>[0]) =>
    placeStageRecords(
      records,
      (stageId) => levels[stageId],
      (path, level) => runners[path]?.[level],
    );

  it('points a record at the unit of its stage level above the school, leaving those already there', () => {
    expect(
      place([
        { id: 'r1', stageId: 'district', unitId: 'old-district', unitPath: '/vn/st/ks/a/' },
        { id: 'r2', stageId: 'district', unitId: 'mt', unitPath: '/vn/st/mt/b/' },
        { id: 'r3', stageId: 'school', unitId: 'b', unitPath: '/vn/st/mt/b/' },
      ]),
    ).toEqual({ moves: [{ id: 'r1', unitId: 'ks' }], unplaced: 0 });
  });

  it('counts the records whose school has no unit at the stage level, or whose stage is unknown, and moves nothing for them', () => {
    expect(
      place([
        { id: 'r1', stageId: 'district', unitId: 'ks', unitPath: '/vn/st/c/' },
        { id: 'r2', stageId: 'gone', unitId: 'ks', unitPath: '/vn/st/ks/a/' },
        { id: 'r3', stageId: 'district', unitId: 'x', unitPath: '/vn/unknown/' },
      ]),
    ).toEqual({ moves: [], unplaced: 3 });
  });

  it('moves nothing when there is nothing', () => {
    expect(place([])).toEqual({ moves: [], unplaced: 0 });
  });
});
