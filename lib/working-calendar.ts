/**
 * Kazakhstan's working calendar: Monday to Friday, minus public holidays and transferred
 * days off, plus Saturdays/Sundays a government decree made working days. Dates are
 * `YYYY-MM-DD` strings of the Asia/Almaty calendar.
 */

/**
 * Kazakhstan has one time zone, UTC+5, since 1 March 2024. A fixed offset instead of
 * `Intl` with `Asia/Almaty`: Node builds with older tz data still say UTC+6.
 */
const ALMATY_OFFSET_MS = 5 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Almaty calendar date of an instant. */
export function almatyDate(instant: Date): string {
  return new Date(instant.getTime() + ALMATY_OFFSET_MS).toISOString().slice(0, 10);
}

function toUtcNoon(date: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError('A calendar date must be YYYY-MM-DD.');
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addCalendarDays(date: string, days: number): string {
  return new Date(toUtcNoon(date).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The same day `months` months after `date` (negative goes back), or the month's last day
 * when it has no such day: one month before 31 March is 28 (29) February.
 */
export function addMonths(date: string, months: number): string {
  const start = toUtcNoon(date);
  const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0, 12)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay), 12)).toISOString().slice(0, 10);
}

export interface WorkingCalendar {
  /** Public holidays and transferred days off. */
  holidays: Set<string>;
  /** Saturdays and Sundays made working days by decree. */
  workingWeekends?: Set<string>;
}

/** Saturday or Sunday. */
export function isWeekend(date: string): boolean {
  const weekday = toUtcNoon(date).getUTCDay();
  return weekday === 0 || weekday === 6;
}

export function isWorkingDay(date: string, holidays: Set<string>, workingWeekends: Set<string> = new Set()): boolean {
  if (workingWeekends.has(date)) return true;
  if (isWeekend(date)) return false;
  return !holidays.has(date);
}

/**
 * The n-th working day after `startDate`. `startDate` itself never counts, even when it
 * is a working day: day 1 is the first working day after it. n = 0 returns `startDate`.
 */
export function addWorkingDays(startDate: string, n: number, holidays: Set<string>, workingWeekends: Set<string> = new Set()): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('The number of working days must be a non-negative integer.');
  let date = startDate;
  let counted = 0;
  while (counted < n) {
    date = addCalendarDays(date, 1);
    if (isWorkingDay(date, holidays, workingWeekends)) counted += 1;
  }
  return date;
}

/** Working days the Administrator has to review an integration application (p.16). */
export const APPLICATION_REVIEW_WORKING_DAYS = 5;

/**
 * Last day of review of an application submitted at `submittedAt`: the 5th working day
 * after the Almaty date of submission (an application submitted on Friday at 23:00
 * Almaty time has Monday as day 1). The review is overdue from the next day on.
 */
export function applicationDeadline(submittedAt: Date, calendar: WorkingCalendar): string {
  return addWorkingDays(almatyDate(submittedAt), APPLICATION_REVIEW_WORKING_DAYS, calendar.holidays, calendar.workingWeekends);
}

/**
 * How many calendar days after a start date can cover `n` working days: enough to load
 * the holidays for that window in one query (the longest run of days off in Kazakhstan
 * is about 5 days, so two calendar weeks per 5 working days is ample).
 */
export function calendarWindowDays(n: number): number {
  return Math.max(14, Math.ceil(n / 5) * 14 + 14);
}
