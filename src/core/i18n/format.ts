/** The languages messages are written in; Vietnamese is the default, users are Vietnamese. */
export type Locale = 'vi' | 'en';

export const DEFAULT_LOCALE: Locale = 'vi';

/** Where the contests run; an edition without its own time zone shows times here. */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const parts = (instant: Date, timeZone: string): Record<string, string> =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );

/** An instant as DD/MM/YYYY HH:mm on the wall clock of `timeZone`. */
export function formatDateTime(instant: Date | string, timeZone = DEFAULT_TIME_ZONE): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return String(instant);
  const p = parts(date, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** The day an instant falls on in `timeZone`, as YYYY-MM-DD (for names that must sort, such as export files). */
export function calendarDay(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const p = parts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** A calendar date written YYYY-MM-DD as DD/MM/YYYY; anything else is shown as it came. */
export function formatDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

/**
 * The language an `Accept-Language` header prefers among those we write: the first by quality (then by order)
 * whose primary tag is vi or en. Anything else, or no header, is Vietnamese.
 */
export function preferredLocale(header: string | string[] | undefined): Locale {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = text
    .split(',')
    .map((item, order) => {
      const [tag, ...attributes] = item.trim().split(';');
      const q = attributes.map((a) => /^\s*q=([0-9.]+)\s*$/.exec(a)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), order };
    })
    .filter((item) => (item.primary === 'vi' || item.primary === 'en') && item.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return (ranked[0]?.primary as Locale | undefined) ?? DEFAULT_LOCALE;
}
