import type { Database } from '../../lib/db.js';
import { log } from '../../lib/log.js';
import { statutoryHolidays } from '../../lib/statutory-holidays.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { CalendarRepository } from './calendar-repository.js';

/** Years after the current one the working calendar is kept filled for (due dates a few years out: meters, tariffs). */
export const CALENDAR_YEARS_AHEAD = 3;

/**
 * Keeps the working calendar filled for the years ahead: a year with no public holiday in
 * `platform.holidays` gets the statutory ones and their transfers (`lib/statutory-holidays.ts`).
 * A year that has any is the administrators' (their removals and decrees are kept); Kurban ait
 * is theirs to add each year. Any number of access replicas may run it: inserts of a day
 * already there are skipped. Returns the years it filled.
 */
export async function fillCalendarAhead(
  db: Database,
  today: string = almatyDate(new Date()),
  yearsAhead = CALENDAR_YEARS_AHEAD,
): Promise<number[]> {
  const first = Number(today.slice(0, 4));
  const calendar = new CalendarRepository(db);
  const have = await calendar.yearsWithPublicHolidays(first, first + yearsAhead);
  const filled: number[] = [];
  for (let year = first; year <= first + yearsAhead; year += 1) {
    if (have.has(year)) continue;
    await calendar.insertMissing(statutoryHolidays(year));
    filled.push(year);
  }
  if (filled.length > 0)
    log.warn(
      { years: filled },
      `working calendar filled with the statutory holidays of ${filled.join(', ')}: add Kurban ait and any decree's transfers`,
    );
  return filled;
}

/** Fills at start and once a day; stops with the service. */
export function keepCalendarFilled(db: Database): () => Promise<void> {
  const run = () =>
    fillCalendarAhead(db).catch((error: unknown) =>
      log.warn(`working calendar not filled: ${error instanceof Error ? error.message : 'error'}`),
    );
  const started = run();
  const timer = setInterval(() => void run(), 24 * 60 * 60 * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await started;
  };
}
