import { fullyChecked, sweepQuickAccept } from '../../../test/support/quick-accept-sweep';
import { AuthorDto, ContactDto, RegisterEntryDto } from './entry.dto';

/** The same DTO checked by class-validator alone: the pipe's way for every body quickAccept leaves to it. */
class FullyChecked extends RegisterEntryDto {
  static quickAccept = () => null;
}

const form = () => ({
  unitId: '4f0c2a52-64c6-4a5c-9f7e-1b0d0e9b8a11',
  title: '  Máy tưới   cây tự động  ',
  fieldCode: 'MT',
  summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
  reference: 'KS01-007',
  contact: { name: 'Trần Văn Minh', email: ' GV.Minh@Example.VN ', phone: '0299 3861 234' },
  createdYear: 2016,
  authors: [
    { fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05', classOrJob: 'Lớp 8A' },
    { fullName: 'Lê Văn Nam', birthDate: null, classOrJob: null },
  ],
});

const fully = (body: unknown) => fullyChecked(FullyChecked, body);

const nfd = 'Nguyễn'.normalize('NFD');
const long = (n: number) => 'a'.repeat(n);
/** Values tried in every place of the form: each is right somewhere and wrong elsewhere. */
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  '   ',
  'MT',
  'mt',
  'KS-01.a_b',
  'có dấu',
  nfd,
  'a\u200bb',
  'a\u0007b',
  long(20),
  long(21),
  long(50),
  long(51),
  long(100),
  long(101),
  long(200),
  long(201),
  long(500),
  long(501),
  long(5000),
  long(5001),
  '😀'.repeat(200),
  '😀'.repeat(201),
  'gv@example.vn',
  'not-an-email',
  `${long(190)}@example.vn`,
  '0299 3861 234',
  '+84 (299) 3861-234',
  '12345',
  '2008-03-05',
  '2008-02-30',
  '05/03/2008',
  '4f0c2a52-64c6-4a5c-9f7e-1b0d0e9b8a11',
  '4f0c2a52-64c6-4a5c-9f7e-1b0d0e9b8a1',
  0,
  1899,
  1900,
  2016.5,
  2100,
  2101,
  '2016',
  true,
  [],
  {},
  ['x'],
];

const PLACES: Array<[string, (body: ReturnType<typeof form>, value: unknown) => void]> = [
  ...(['unitId', 'title', 'fieldCode', 'summary', 'reference', 'contact', 'createdYear', 'authors', 'extra'] as const).map((key): [string, (body: ReturnType<typeof form>, value: unknown) => void] => [
    key,
    (body, value) => ((body as Record<string, unknown>)[key] = value),
  ]),
  ...(['name', 'email', 'phone', 'extra'] as const).map((key): [string, (body: ReturnType<typeof form>, value: unknown) => void] => [
    `contact.${key}`,
    (body, value) => ((body.contact as Record<string, unknown>)[key] = value),
  ]),
  ...(['fullName', 'birthDate', 'classOrJob', 'extra'] as const).map((key): [string, (body: ReturnType<typeof form>, value: unknown) => void] => [
    `authors[1].${key}`,
    (body, value) => ((body.authors[1] as Record<string, unknown>)[key] = value),
  ]),
  ['authors[1]', (body, value) => ((body.authors as unknown[])[1] = value)],
];

describe('RegisterEntryDto.quickAccept', () => {
  it('builds a valid form exactly as the full check does: cleaned texts and e-mail, nested DTOs', async () => {
    const quick = RegisterEntryDto.quickAccept(form());
    expect(quick).toBeInstanceOf(RegisterEntryDto);
    expect(quick!.contact).toBeInstanceOf(ContactDto);
    expect(quick!.authors[0]).toBeInstanceOf(AuthorDto);
    expect(quick).toMatchObject({ title: 'Máy tưới cây tự động', contact: { email: 'gv.minh@example.vn' } });
    expect(quick).toEqual((await fully(form())).dto);
  });

  it('accepts nothing the full check refuses, and builds what it accepts as the full check does, value by value and place by place', async () => {
    const accepted = await sweepQuickAccept({ quick: (b) => RegisterEntryDto.quickAccept(b), fully: FullyChecked, body: form, places: PLACES, values: VALUES });
    // The sweep reaches both sides: many variants pass the quick way, many are left to the full check.
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(PLACES.length * VALUES.length - 300);
  });

  it('leaves a form of more authors than the ceiling or none to the full check', () => {
    expect(RegisterEntryDto.quickAccept({ ...form(), authors: [] })).toBeNull();
    expect(RegisterEntryDto.quickAccept({ ...form(), authors: Array.from({ length: 51 }, () => ({ fullName: 'A' })) })).toBeNull();
    expect(RegisterEntryDto.quickAccept({ ...form(), authors: Array.from({ length: 50 }, () => ({ fullName: 'A' })) })).not.toBeNull();
  });
});
