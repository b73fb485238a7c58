import { describe, expect, it } from 'vitest';
import { addMonths, addWorkingDays, almatyDate, applicationDeadline, isWorkingDay } from './working-calendar.js';

// As seeded in migrations/0002_access_holidays.sql.
const holidays2025 = new Set(['2025-03-21', '2025-03-22', '2025-03-23', '2025-03-24', '2025-03-25', '2025-12-16']);

describe('working calendar', () => {
  it("moves by calendar months, to the month's last day when it has no such day", () => {
    expect(addMonths('2026-11-30', -1)).toBe('2026-10-30');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2028-03-31', -1)).toBe('2028-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
  });

  it('counts from the first working day after the start date, skipping a weekend', () => {
    // Thursday 2025-11-13: Fri 14 (1), Mon 17 (2), Tue 18 (3), Wed 19 (4), Thu 20 (5).
    expect(addWorkingDays('2025-11-13', 5, new Set())).toBe('2025-11-20');
    // Friday: Mon..Fri of the next week.
    expect(addWorkingDays('2025-11-14', 5, new Set())).toBe('2025-11-21');
    // Submitted on a Saturday: day 1 is Monday.
    expect(addWorkingDays('2025-11-15', 1, new Set())).toBe('2025-11-17');
    expect(addWorkingDays('2025-11-15', 0, new Set())).toBe('2025-11-15');
  });

  it('skips Independence Day (16 December) and the weekend around it', () => {
    // Friday 2025-12-12: Mon 15 (1), Tue 16 holiday, Wed 17 (2), Thu 18 (3), Fri 19 (4), Mon 22 (5).
    expect(addWorkingDays('2025-12-12', 5, holidays2025)).toBe('2025-12-22');
    expect(addWorkingDays('2025-12-12', 5, new Set())).toBe('2025-12-19');
  });

  it('skips Nauryz with its transferred days off', () => {
    // Thursday 2025-03-20: Fri 21–Tue 25 off, Wed 26 (1), Thu 27 (2), Fri 28 (3), Mon 31 (4), Tue 1 Apr (5).
    expect(addWorkingDays('2025-03-20', 5, holidays2025)).toBe('2025-04-01');
  });

  it('counts a Saturday made a working day by decree', () => {
    expect(isWorkingDay('2025-07-05', new Set())).toBe(false);
    expect(isWorkingDay('2025-07-05', new Set(), new Set(['2025-07-05']))).toBe(true);
    // Thursday 2025-07-03: Fri 4 (1), Sat 5 worked (2), Mon 7 holiday, Tue 8 (3), Wed 9 (4), Thu 10 (5).
    expect(addWorkingDays('2025-07-03', 5, new Set(['2025-07-07']), new Set(['2025-07-05']))).toBe('2025-07-10');
  });

  it('takes the Almaty (UTC+5) date of the submission instant', () => {
    // 19:30 UTC on Friday is 00:30 on Saturday in Almaty: day 1 is Monday 17th.
    expect(almatyDate(new Date('2025-11-14T19:30:00Z'))).toBe('2025-11-15');
    expect(almatyDate(new Date('2025-11-14T18:59:59Z'))).toBe('2025-11-14');
    expect(applicationDeadline(new Date('2025-11-14T19:30:00Z'), { holidays: new Set() })).toBe('2025-11-21');
    expect(applicationDeadline(new Date('2025-12-12T10:00:00Z'), { holidays: holidays2025 })).toBe('2025-12-22');
  });

  it('refuses a negative count and malformed dates', () => {
    expect(() => addWorkingDays('2025-01-01', -1, new Set())).toThrow(RangeError);
    expect(() => addWorkingDays('01.01.2025', 1, new Set())).toThrow(RangeError);
  });
});
