import { and, gte, lte } from 'drizzle-orm';
import { holidays } from '../schema/platform.js';
import type { Executor } from './db.js';
import type { WorkingCalendar } from './working-calendar.js';

/**
 * The working calendar (`platform.holidays`) between two dates, inclusive, in one statement:
 * what every deadline counted in working days needs. Takes an executor so a write reads the
 * calendar in its own transaction.
 */
export async function readCalendarWindow(executor: Executor, from: string, to: string): Promise<Required<WorkingCalendar>> {
  const rows = await executor
    .select({ date: holidays.date, kind: holidays.kind })
    .from(holidays)
    .where(and(gte(holidays.date, from), lte(holidays.date, to)));
  const calendar = { holidays: new Set<string>(), workingWeekends: new Set<string>() };
  for (const row of rows) (row.kind === 'WORKING_WEEKEND' ? calendar.workingWeekends : calendar.holidays).add(row.date);
  return calendar;
}
