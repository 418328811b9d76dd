import { calendarDay, formatDate, formatDateTime, preferredLocale } from './format';

describe('formatDateTime', () => {
  it('shows an instant on the Vietnamese wall clock by default, DD/MM/YYYY HH:mm', () => {
    expect(formatDateTime('2017-07-31T10:00:00Z')).toBe('31/07/2017 17:00');
    expect(formatDateTime(new Date('2017-12-31T17:30:00Z'))).toBe('01/01/2018 00:30');
  });

  it('uses the time zone it is given', () => {
    expect(formatDateTime('2017-07-31T10:00:00Z', 'UTC')).toBe('31/07/2017 10:00');
  });
});

describe('calendarDay', () => {
  it('is the day in Vietnam, which starts 7 hours before the day in UTC', () => {
    expect(calendarDay(new Date('2017-07-31T16:59:00Z'))).toBe('2017-07-31');
    expect(calendarDay(new Date('2017-07-31T17:00:00Z'))).toBe('2017-08-01');
  });
});

describe('formatDate', () => {
  it('turns YYYY-MM-DD into DD/MM/YYYY and leaves other text as it is', () => {
    expect(formatDate('2008-02-03')).toBe('03/02/2008');
    expect(formatDate('31/12/2008')).toBe('31/12/2008');
  });
});

describe('preferredLocale', () => {
  it('is Vietnamese without a header or with languages we do not write', () => {
    expect(preferredLocale(undefined)).toBe('vi');
    expect(preferredLocale('fr-FR, de;q=0.5')).toBe('vi');
  });

  it('follows the quality order among vi and en', () => {
    expect(preferredLocale('en')).toBe('en');
    expect(preferredLocale('en-US,en;q=0.9')).toBe('en');
    expect(preferredLocale('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(preferredLocale('vi;q=0.5, en;q=0.8')).toBe('en');
    expect(preferredLocale('fr, en;q=0.1')).toBe('en');
  });
});
