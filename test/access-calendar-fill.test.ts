import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statutoryHolidays } from '../lib/statutory-holidays.js';
import { fillCalendarAhead } from '../subgraphs/access/calendar-filler.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The working calendar kept filled for the years ahead: empty years get the statutory
// holidays and transfers; a year administrators keep is left as they keep it.

describe('the working calendar kept filled', () => {
  let database: TestDatabase;
  const yearOf = async (year: number) =>
    (
      await database.db.execute<{ date: string; kind: string }>(
        sql`select date::text, kind::text from platform.holidays where extract(year from date) = ${year} order by date`,
      )
    ).map((row) => `${row.date} ${row.kind}`);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('fills the years ahead that have no holiday, and leaves the kept ones alone', async () => {
    // An administrator removed a day of 2027 and moved a Saturday: the year is theirs.
    await database.db.execute(sql`delete from platform.holidays where date = '2027-07-06'`);
    const kept2027 = await yearOf(2027);
    expect(await fillCalendarAhead(database.db, '2026-11-30', 3)).toEqual([2028, 2029]);
    expect(await yearOf(2027)).toEqual(kept2027);
    expect(await yearOf(2028)).toEqual(statutoryHolidays(2028).map((day) => `${day.date} ${day.kind}`));
    expect((await yearOf(2029)).length).toBe(statutoryHolidays(2029).length);
    // Run again (another replica, the next day): nothing more to do.
    expect(await fillCalendarAhead(database.db, '2026-12-01', 3)).toEqual([]);
  });
});
