import { readCalendarWindow } from '../../lib/calendar-window.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, notFound } from '../../lib/errors.js';
import {
  APPLICATION_REVIEW_WORKING_DAYS,
  addCalendarDays,
  almatyDate,
  applicationDeadline,
  calendarWindowDays,
  isWeekend,
} from '../../lib/working-calendar.js';
import type { ConflictMessages } from '../../lib/write.js';
import { ApplicationRepository } from './application-repository.js';
import { type CalendarDayKind, CalendarRepository, type HolidayRow } from './calendar-repository.js';
import type { Acting, Placed } from './context.js';

export interface HolidayInput {
  date: string;
  kind?: CalendarDayKind | null;
  nameKk: string;
  nameRu: string;
}

/** What a change of the calendar did: the day, and how many deadlines of applications under review moved. */
export interface CalendarChange {
  holiday: HolidayRow;
  movedDeadlines: number;
}

/** A day is in the calendar once: adding it again, even concurrently, is a CONFLICT. */
export const calendarConflicts: ConflictMessages = {
  holidays_pkey: { field: 'input.date', message: 'This date is already in the calendar; remove it first to change it.' },
};

/**
 * Kazakhstan's working calendar kept as data (`platform.holidays`), editable by
 * administrators: the review deadlines of integration applications (p.16) follow it, and
 * move when it changes.
 */
export class CalendarManager {
  private readonly calendar: CalendarRepository;

  constructor(private readonly db: Executor) {
    this.calendar = new CalendarRepository(db);
  }

  year(year: number): Promise<HolidayRow[]> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw badUserInput({ field: 'year', message: 'Give a year between 2000 and 2100.' });
    return this.calendar.year(year);
  }

  /** Review deadline of an application submitted at `submittedAt` (5 working days, see `applicationDeadline`). */
  async deadlineFor(submittedAt: Date): Promise<string> {
    const start = almatyDate(submittedAt);
    // A window wide enough for any real calendar; widened if an administrator entered a very long run of days off.
    for (let days = calendarWindowDays(APPLICATION_REVIEW_WORKING_DAYS); ; days *= 2) {
      const end = addCalendarDays(start, days);
      const deadline = applicationDeadline(submittedAt, await readCalendarWindow(this.db, start, end));
      if (deadline < end || days > 3650) return deadline;
    }
  }

  async addHoliday(input: HolidayInput, _by: Acting): Promise<Placed<CalendarChange>> {
    const kind = input.kind ?? 'PUBLIC_HOLIDAY';
    const weekend = isWeekend(input.date);
    if (kind === 'WORKING_WEEKEND' && !weekend)
      throw badUserInput({ field: 'input.kind', message: 'Only a Saturday or a Sunday can be made a working weekend day.' });
    if (kind === 'TRANSFERRED_DAY_OFF' && weekend)
      throw badUserInput({ field: 'input.kind', message: 'A transferred day off falls on a weekday; weekends are days off already.' });
    if (!input.nameKk.trim()) throw badUserInput({ field: 'input.nameKk', message: 'Give the name in Kazakh.' });
    if (!input.nameRu.trim()) throw badUserInput({ field: 'input.nameRu', message: 'Give the name in Russian.' });
    const holiday = await this.calendar.insert({ date: input.date, kind, nameKk: input.nameKk.trim(), nameRu: input.nameRu.trim() });
    return { payload: { holiday, movedDeadlines: await this.recomputeDeadlines(holiday.date) }, objectIds: [holiday.date] };
  }

  async removeHoliday(date: string, _by: Acting): Promise<Placed<CalendarChange>> {
    const holiday = await this.calendar.remove(date);
    if (!holiday) throw notFound('This date in the calendar', 'date');
    return { payload: { holiday, movedDeadlines: await this.recomputeDeadlines(date) }, objectIds: [date] };
  }

  /**
   * After the calendar changed on `date`, moves the deadlines of applications still under
   * review that the change can affect (submitted before it, deadline on or after it).
   */
  private async recomputeDeadlines(date: string): Promise<number> {
    const applications = new ApplicationRepository(this.db);
    const pending = await applications.undecidedWithDeadlineFrom(date);
    if (pending.length === 0) return 0;
    // One calendar window covering every pending application, so no query per application.
    const from = pending.map((a) => almatyDate(a.submittedAt)).sort()[0] as string;
    const to = addCalendarDays(
      pending
        .map((a) => a.deadline)
        .sort()
        .at(-1) as string,
      60,
    );
    const calendar = await readCalendarWindow(this.db, from, to);
    const changed = pending
      .map((a) => ({ id: a.id, deadline: applicationDeadline(a.submittedAt, calendar), previous: a.deadline }))
      .filter((a) => a.deadline !== a.previous);
    await applications.setDeadlines(changed);
    return changed.length;
  }
}
