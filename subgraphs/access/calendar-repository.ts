import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { applications } from '../../schema/access.js';
import { calendarDayKind, holidays } from '../../schema/platform.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput } from '../../lib/errors.js';
import { addCalendarDays, almatyDate, applicationDeadline, calendarWindowDays, isWeekend, APPLICATION_REVIEW_WORKING_DAYS, type WorkingCalendar } from '../../lib/working-calendar.js';
import { uuidArray } from '../../lib/uuid.js';

export type HolidayRow = typeof holidays.$inferSelect;
export type CalendarDayKind = (typeof calendarDayKind.enumValues)[number];

/** The working calendar kept as data (`platform.holidays`), editable by administrators. */
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

  /** Review deadline of an application submitted at `submittedAt` (5 working days, see `applicationDeadline`). */
  async deadlineFor(submittedAt: Date): Promise<string> {
    const start = almatyDate(submittedAt);
    // A window wide enough for any real calendar; widened if an administrator entered a very long run of days off.
    for (let days = calendarWindowDays(APPLICATION_REVIEW_WORKING_DAYS); ; days *= 2) {
      const end = addCalendarDays(start, days);
      const deadline = applicationDeadline(submittedAt, await this.window(start, end));
      if (deadline < end || days > 3650) return deadline;
    }
  }

  async add(input: { date: string; kind?: CalendarDayKind | null; nameKk: string; nameRu: string }): Promise<HolidayRow> {
    const kind = input.kind ?? 'PUBLIC_HOLIDAY';
    const weekend = isWeekend(input.date);
    if (kind === 'WORKING_WEEKEND' && !weekend) throw badUserInput({ field: 'input.kind', message: 'Only a Saturday or a Sunday can be made a working weekend day.' });
    if (kind === 'TRANSFERRED_DAY_OFF' && weekend) throw badUserInput({ field: 'input.kind', message: 'A transferred day off falls on a weekday; weekends are days off already.' });
    if (!input.nameKk.trim()) throw badUserInput({ field: 'input.nameKk', message: 'Give the name in Kazakh.' });
    if (!input.nameRu.trim()) throw badUserInput({ field: 'input.nameRu', message: 'Give the name in Russian.' });
    const [row] = await this.db
      .insert(holidays)
      .values({ date: input.date, kind, nameKk: input.nameKk.trim(), nameRu: input.nameRu.trim() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw badUserInput({ field: 'input.date', message: 'This date is already in the calendar; remove it first to change it.' });
    return row;
  }

  async remove(date: string): Promise<HolidayRow | undefined> {
    const [row] = await this.db.delete(holidays).where(eq(holidays.date, date)).returning();
    return row;
  }

  /**
   * After the calendar changed on `date`, moves the deadlines of applications still under
   * review that the change can affect (submitted before it, deadline on or after it).
   */
  async recomputeDeadlines(date: string): Promise<number> {
    const pending = await this.db
      .select({ id: applications.id, submittedAt: applications.submittedAt, deadline: applications.deadline })
      .from(applications)
      .where(and(eq(applications.status, 'SUBMITTED'), gte(applications.deadline, date)));
    if (pending.length === 0) return 0;
    // One calendar window covering every pending application, so no query per application.
    const from = pending.map((a) => almatyDate(a.submittedAt)).sort()[0] as string;
    const to = addCalendarDays(pending.map((a) => a.deadline).sort().at(-1) as string, 60);
    const calendar = await this.window(from, to);
    const changed = pending
      .map((a) => ({ id: a.id, deadline: applicationDeadline(a.submittedAt, calendar), previous: a.deadline }))
      .filter((a) => a.deadline !== a.previous);
    if (changed.length) {
      await this.db.execute(sql`
        update access.applications a set deadline = c.deadline
          from unnest(${uuidArray(changed.map((c) => c.id))}::uuid[], ${`{${changed.map((c) => c.deadline).join(',')}}`}::date[]) as c(id, deadline)
         where a.id = c.id`);
    }
    return changed.length;
  }
}
