import { pickRefusals } from './advancement-picks';

const entries = [
  { entryId: 'a', fieldCode: 'HT', score: 90 },
  { entryId: 'b', fieldCode: 'HT', score: 80 },
  { entryId: 'c', fieldCode: 'PM', score: 70 },
  { entryId: 'd', fieldCode: 'PM', score: null },
];

describe('pickRefusals', () => {
  it('accepts a pick within the rule', () => {
    expect(pickRefusals(['a', 'c'], entries, [], { kind: 'pick', perFieldCap: 1 })).toEqual([]);
  });

  it('counts what was sent up before against the field cap, and a repeat of it against nothing', () => {
    expect(pickRefusals(['a'], entries, [{ entryId: 'a', fieldCode: 'HT' }], { kind: 'pick', perFieldCap: 1 })).toEqual([]);
    expect(pickRefusals(['b'], entries, [{ entryId: 'a', fieldCode: 'HT' }], { kind: 'pick', perFieldCap: 1 })).toEqual([
      expect.objectContaining({ field: 'entryIds[0]', code: 'FIELD_CAP_EXCEEDED', params: { entryId: 'b', fieldCode: 'HT', cap: 1 } }),
    ]);
  });

  it('refuses picks beyond a top-N count, naming each one past it', () => {
    const refusals = pickRefusals(['a', 'b', 'c'], entries, [], { kind: 'top_n', count: 2 });
    expect(refusals.map((r) => [r.field, r.code])).toEqual([['entryIds[2]', 'QUOTA_EXCEEDED']]);
  });

  it('a top percentage counts whole entries of the stage: 50% of 4 is 2', () => {
    expect(pickRefusals(['a', 'b', 'c'], entries, [], { kind: 'top_percent', percent: 50 }).map((r) => r.code)).toEqual(['QUOTA_EXCEEDED']);
  });

  it('refuses picks under the threshold, and unscored ones', () => {
    expect(pickRefusals(['a', 'c', 'd'], entries, [], { kind: 'threshold', minScore: 75 }).map((r) => [r.field, r.code])).toEqual([
      ['entryIds[1]', 'BELOW_THRESHOLD'],
      ['entryIds[2]', 'BELOW_THRESHOLD'],
    ]);
  });

  it('refuses entries not at the stage and duplicates before any limit', () => {
    expect(pickRefusals(['x', 'a', 'a'], entries, [], { kind: 'pick' }).map((r) => r.code)).toEqual(['UNKNOWN_ENTRY', 'DUPLICATE_PICK']);
  });
});
