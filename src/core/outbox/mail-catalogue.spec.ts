import { accountCreatedMail, registrationMail } from './mail-catalogue';

describe('registrationMail', () => {
  const edition = { number: 6, seasonLabel: '2017' };
  const keSach = { id: 'school-ks', name: 'Trường THCS Kế Sách' };
  const anLac = { id: 'school-al', name: 'Trường Tiểu học An Lạc Tây' };
  const entry = (n: number, school: { id: string; name: string }, contactEmail: string) => ({
    id: `entry-${String(n).padStart(3, '0')}`,
    title: `Sản phẩm ${n}`,
    reference: `REF-${n}`,
    school,
    contactEmail,
  });

  it('sends one mail for a file of 40 entries of one school, listing every entry and reference', () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(i + 1, keSach, 'gv@kesach.edu.vn'));
    const mails = registrationMail({ contestName: 'Cuộc thi Sáng tạo', edition, entries });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ eventKey: 'entries-registered:entry-001', topic: 'mail', payload: { kind: 'entries-registered', to: 'gv@kesach.edu.vn' } });
    expect(mails[0].payload.data).toMatchObject({ schoolName: 'Trường THCS Kế Sách', contestName: 'Cuộc thi Sáng tạo', editionNumber: 6, seasonLabel: '2017' });
    expect(mails[0].payload.data.entries.map((e) => e.reference)).toEqual(entries.map((e) => e.reference));
    expect(Object.keys(mails[0].payload.data.entries[0]).sort()).toEqual(['id', 'reference', 'title']);
  });

  it('sends each school, and each contact within a school, its own entries only', () => {
    const mails = registrationMail({
      contestName: 'Cuộc thi Sáng tạo',
      edition,
      entries: [entry(1, keSach, 'a@kesach.edu.vn'), entry(2, anLac, 'b@anlac.edu.vn'), entry(3, keSach, 'A@kesach.edu.vn'), entry(4, keSach, 'c@kesach.edu.vn')],
    });
    expect(mails.map((m) => [m.payload.to, m.payload.data.schoolName, m.payload.data.entries.map((e) => e.reference)])).toEqual([
      ['a@kesach.edu.vn', 'Trường THCS Kế Sách', ['REF-1', 'REF-3']],
      ['b@anlac.edu.vn', 'Trường Tiểu học An Lạc Tây', ['REF-2']],
      ['c@kesach.edu.vn', 'Trường THCS Kế Sách', ['REF-4']],
    ]);
    expect(new Set(mails.map((m) => m.eventKey)).size).toBe(3);
  });

  it('sends nothing for an empty batch', () => {
    expect(registrationMail({ contestName: 'x', edition, entries: [] })).toEqual([]);
  });
});

describe('accountCreatedMail', () => {
  it('carries the token id, never a usable token', () => {
    const mail = accountCreatedMail({ id: 'u1', email: 'lan@example.vn', fullName: 'Lan' }, { id: 't1', expiresAt: new Date('2017-03-14T10:30:00Z') });
    expect(mail).toEqual({
      eventKey: 'account-created:u1',
      topic: 'mail',
      payload: { kind: 'account-created', to: 'lan@example.vn', data: { fullName: 'Lan', email: 'lan@example.vn', passwordTokenId: 't1', expiresAt: '2017-03-14T10:30:00.000Z' } },
    });
  });
});
