import { createContext, useContext } from 'react';

export type Language = 'vi' | 'en';

/** Vietnamese first: every text is written as L('tiếng Việt', 'English'). */
export const LanguageContext = createContext<{ language: Language; setLanguage: (language: Language) => void }>({ language: 'vi', setLanguage: () => undefined });

export function useL(): (vi: string, en: string) => string {
  const { language } = useContext(LanguageContext);
  return (vi, en) => (language === 'en' ? en : vi);
}

const VN_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
const VN_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const VND = new Intl.NumberFormat('vi-VN');

/** DD/MM/YYYY, in Vietnam's time for an instant; a calendar date (YYYY-MM-DD) as it is. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) return `${day[3]}/${day[2]}/${day[1]}`;
  return VN_DATE.format(new Date(value));
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  return `${formatDate(value)} ${VN_TIME.format(new Date(value))}`;
}

/** 5.000.000 ₫, the sign held to its figure by a non-breaking space so a line never splits them. */
export function formatVnd(amount: number): string {
  return `${VND.format(amount)}\u00a0₫`;
}

/** What a teacher types (31/07/2008) as the API reads it (2008-07-31); anything else goes as typed, for the API to name. */
export function parseDate(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  return match ? `${match[3]}-${match[2].padStart(2, '0')}-${match[1].padStart(2, '0')}` : text;
}

/** What a teacher types as a moment (31/07/2017 17:00, in Vietnam's time) as the API reads it; anything else as typed. */
export function parseDateTime(input: string): string {
  const text = input.trim();
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text);
  if (!match) return text;
  const [, day, month, year, hour = '0', minute = '00'] = match;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}T${hour.padStart(2, '0')}:${minute}:00+07:00`;
}
