import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import type { WorkingCalendar } from '../../lib/working-calendar.js';
import { type calendarDayKind, holidays } from '../../schema/platform.js';

export type HolidayRow = typeof holidays.$inferSelect;
export type CalendarDayKind = (typeof calendarDayKind.enumValues)[number];

/** SQL of the working calendar kept as data (`platform.holidays`). */
export class CalendarRepository {
  constructor(private readonly db: Executor) {}

  async year(year: number): Promise<HolidayRow[]> {
    return this.db
      .select()
      .from(holidays)
      .where(and(gte(holidays.date, `${year}-01-01`), lte(holidays.date, `${year}-12-31`)))
      .orderBy(asc(holidays.date));
  }

  /** The calendar between two dates, inclusive, in one query. */
  async window(from: string, to: string): Promise<WorkingCalendar> {
    const rows = await this.db
      .select({ date: holidays.date, kind: holidays.kind })
      .from(holidays)
      .where(and(gte(holidays.date, from), lte(holidays.date, to)));
    return {
      holidays: new Set(rows.filter((r) => r.kind !== 'WORKING_WEEKEND').map((r) => r.date)),
      workingWeekends: new Set(rows.filter((r) => r.kind === 'WORKING_WEEKEND').map((r) => r.date)),
    };
  }

  /** A new day; a date already in the calendar violates `holidays_pkey`. */
  async insert(values: typeof holidays.$inferInsert): Promise<HolidayRow> {
    const [row] = await this.db.insert(holidays).values(values).returning();
    if (!row) throw new Error('The calendar day was not recorded.');
    return row;
  }

  async remove(date: string): Promise<HolidayRow | undefined> {
    const [row] = await this.db.delete(holidays).where(eq(holidays.date, date)).returning();
    return row;
  }
}
