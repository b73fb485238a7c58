import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
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

  /** A new day; a date already in the calendar violates `holidays_pkey`. */
  async insert(values: typeof holidays.$inferInsert): Promise<HolidayRow> {
    const [row] = await this.db.insert(holidays).values(values).returning();
    if (!row) throw new Error('The calendar day was not recorded.');
    return row;
  }

  /** The years between `from` and `to` (inclusive) that hold at least one public holiday. */
  async yearsWithPublicHolidays(from: number, to: number): Promise<Set<number>> {
    const rows = await this.db
      .selectDistinct({ year: sql<number>`extract(year from ${holidays.date})::int` })
      .from(holidays)
      .where(and(eq(holidays.kind, 'PUBLIC_HOLIDAY'), gte(holidays.date, `${from}-01-01`), lte(holidays.date, `${to}-12-31`)));
    return new Set(rows.map((row) => Number(row.year)));
  }

  /** Days not yet in the calendar, in one statement; a date already there is kept as it is. */
  async insertMissing(values: Array<typeof holidays.$inferInsert>): Promise<void> {
    if (values.length > 0) await this.db.insert(holidays).values(values).onConflictDoNothing({ target: holidays.date });
  }

  async remove(date: string): Promise<HolidayRow | undefined> {
    const [row] = await this.db.delete(holidays).where(eq(holidays.date, date)).returning();
    return row;
  }
}
