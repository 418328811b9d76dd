import { fullyChecked, sweepQuickAccept } from '../../../test/support/quick-accept-sweep';
import { SaveSheetDto } from './judging.dto';

/** The same DTO checked by class-validator alone: the pipe's way for every body quickAccept leaves to it. */
class FullyChecked extends SaveSheetDto {
  static quickAccept = () => null;
}

const sheet = () => ({ version: 3, points: { novelty: 25, applicability: 30.5 }, comment: '  Giải pháp   có tính mới  ' });

const fully = (body: unknown) => fullyChecked(FullyChecked, body);

/** Values tried in every place of the sheet: each is right somewhere and wrong elsewhere. */
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  '   ',
  'Tốt',
  'Nguyễn'.normalize('NFD'),
  'a\u200bb',
  'a'.repeat(5000),
  'a'.repeat(5001),
  ` ${'a'.repeat(5000)} `,
  '😀'.repeat(2500),
  '😀'.repeat(2501),
  -1,
  0,
  0.5,
  1,
  2,
  1.5,
  30,
  1e21,
  '3',
  true,
  [],
  [1],
  {},
  { novelty: 1 },
  { novelty: '1' },
  { novelty: null },
  { novelty: [1] },
  { novelty: { a: 1 } },
  { 'tiêu chí': 1 },
  { '': 1 },
  { constructor: 1 },
  { toString: 2 },
  { hasOwnProperty: 3 },
  { 'a.b_c-1': 4 },
];

const PLACES: Array<[string, (body: Record<string, unknown>, value: unknown) => void]> = [
  ...['version', 'points', 'comment', 'extra'].map((key): [string, (body: Record<string, unknown>, value: unknown) => void] => [key, (body, value) => (body[key] = value)]),
  ['points.novelty', (body, value) => ((body.points as Record<string, unknown>).novelty = value)],
  ['points.extra', (body, value) => ((body.points as Record<string, unknown>).extra = value)],
];

describe('SaveSheetDto.quickAccept', () => {
  it('builds a valid save exactly as the full check does: the comment cleaned, the points copied', async () => {
    const body = sheet();
    const quick = SaveSheetDto.quickAccept(body);
    expect(quick).toBeInstanceOf(SaveSheetDto);
    expect(quick).toMatchObject({ version: 3, points: { novelty: 25, applicability: 30.5 }, comment: 'Giải pháp có tính mới' });
    expect(quick!.points).not.toBe(body.points);
    expect(quick).toEqual((await fully(sheet())).dto);
  });

  it('accepts nothing the full check refuses, and builds what it accepts as the full check does, value by value and place by place', async () => {
    const accepted = await sweepQuickAccept({ quick: (b) => SaveSheetDto.quickAccept(b), fully: FullyChecked, body: sheet, places: PLACES, values: VALUES });
    // The sweep reaches both sides: many variants pass the quick way, many are left to the full check.
    expect(accepted).toBeGreaterThan(30);
    expect(accepted).toBeLessThan(PLACES.length * VALUES.length - 100);
  });

  it('leaves a save without points or version to the full check, which names the field', async () => {
    expect(SaveSheetDto.quickAccept({ version: 1 })).toBeNull();
    expect(SaveSheetDto.quickAccept({ points: {} })).toBeNull();
    expect(SaveSheetDto.quickAccept({ version: 1, points: {} })).toEqual(Object.assign(new SaveSheetDto(), { version: 1, points: {} }));
    expect((await fully({ points: {} })).problems).toEqual([expect.objectContaining({ field: 'version', code: 'FIELD_REQUIRED' })]);
  });
});
